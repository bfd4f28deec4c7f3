"""A Home tab shown again after each change of its person's: one at a time, in the order of
the changes, and once for a person whose Home was still waiting to be shown, so that a burst
of requests is not slowed by as many Homes drawn at once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from bot.model import Platform
from bot.services import Caller
from handlers.slack.commands import core_text
from tests.core_harness import TEAM, CoreHarness

COACH, ALICE, BOB = "UCOACH", "UALICE", "UBOB"
START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def test_homes_are_shown_again_one_at_a_time_and_once_for_a_person_already_waiting(database_url):
    harness = CoreHarness(database_url, START, {COACH: "UTC", ALICE: "UTC", BOB: "UTC"})
    try:
        harness.say(COACH, "setup tz UTC")
        harness.say(ALICE, "join")
        harness.say(BOB, "join")
        shown = asyncio.run(changes_while_a_home_is_being_shown(harness))
    finally:
        harness.close()

    assert shown == [ALICE, ALICE, BOB]


async def changes_while_a_home_is_being_shown(harness: CoreHarness) -> list[str]:
    shown: list[str] = []
    showing, finish = asyncio.Event(), asyncio.Event()
    at_once = 0

    async def home_tab(person, message) -> None:
        nonlocal at_once
        at_once += 1
        assert at_once == 1, "two Homes shown at once"
        shown.append(person.id)
        showing.set()
        await finish.wait()
        at_once -= 1

    harness.core.show_home_on(Platform.SLACK, home_tab)

    def caller(user: str) -> Caller:
        return Caller(Platform.SLACK, TEAM, user, "CGROUP")

    await harness.core.command(caller(ALICE), core_text("log 10 first"))
    await showing.wait()  # Alice's Home is being shown
    for user, text in ((ALICE, "log 10 second"), (ALICE, "log 10 third"), (BOB, "log 10 fourth")):
        await harness.core.command(caller(user), core_text(text))
    finish.set()
    await harness.core.settled()
    return shown
