"""The Home tab: the caller's practice in each of their groups, each headed by its channel."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from bot.messages import ChannelLink
from bot.model import Platform
from bot.services import Caller
from tests.core_harness import TEAM, CoreHarness

START = datetime(2026, 6, 1, 10, tzinfo=timezone.utc)
COACH, ALICE = "UCOACH", "UALICE"


def test_each_groups_section_on_the_home_tab_is_headed_by_its_channel(database_url):
    harness = CoreHarness(database_url, START, {COACH: "Europe/Paris", ALICE: "Europe/Paris"})
    try:
        for channel in ("CFIRST", "CSECOND"):
            harness.say(COACH, "setup", channel=channel)
            harness.say(ALICE, "join", channel=channel)
        harness.say(ALICE, "objective Hold silences longer", channel="CSECOND")

        home = asyncio.run(harness.core.home(Caller(Platform.SLACK, TEAM, ALICE)))

        first, second = home.sections
        assert ChannelLink("CFIRST") in first.lines[0] and ChannelLink("CSECOND") in second.lines[0]
        assert "none yet" in str(first.lines) and "Hold silences longer" in str(second.lines)
    finally:
        harness.close()
