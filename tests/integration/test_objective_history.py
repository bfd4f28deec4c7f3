"""`objective history` through the core on a real database and a simulated clock: each
objective with its ratings, practice and clients' outcomes during it and in the same length
of time before it, read in the same few SQL statements however many objectives there are."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from bot.model import Platform
from bot.services import Caller
from tests.core_harness import TEAM, CoreHarness
from tests.integration.test_client_queries import statements

START = datetime(2026, 11, 2, 8, tzinfo=timezone.utc)  # a Monday
COACH, ALICE = "UCOACH", "UALICE"
ZONES = {COACH: "Europe/Berlin", ALICE: "America/New_York"}
# The caller's zone, the group, the membership, the objectives, the check-ins, the practice
# log, the scores, and the zone again for the dates.
MOST = 8


@pytest.fixture
def harness(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    harness.say(COACH, "setup")
    harness.say(ALICE, "join")
    yield harness
    harness.close()


def on_day(harness: CoreHarness, days: int) -> None:
    harness.advance_to(START + timedelta(days=days, hours=4))  # 12:00 UTC, 07:00 in New York


def scores(harness: CoreHarness, *ors: int) -> None:
    for number, score in enumerate(ors, start=1):
        assert harness.say(ALICE, f"outcome C{number} ors {score}").startswith("Recorded ORS")


def check_in(harness: CoreHarness, progress: int, minutes: int) -> None:
    button = harness.messenger.to(ALICE, "Your weekly practice check-in")[-1].message.buttons[0]
    answers = {"progress": str(progress), "minutes": str(minutes), "learned": "Silence invites the client in"}
    result = asyncio.run(
        harness.core.submit(Caller(Platform.SLACK, TEAM, ALICE), "check_in", {"delivery_id": button.value}, answers)
    )
    assert not result.errors, result.errors


def a_week_on_one_objective(harness: CoreHarness) -> None:
    """Five intakes; four clients seen in the week before the objective, five during it."""
    scores(harness, 20, 20, 20, 20, 20)
    on_day(harness, 1)
    check_in(harness, progress=2, minutes=0)  # before the objective
    on_day(harness, 3)
    scores(harness, 26, 26, 21, 14)
    on_day(harness, 7)
    harness.say(ALICE, "objective Hold silences longer")
    harness.say(ALICE, "log 20 rehearsed staying silent")
    on_day(harness, 8)
    check_in(harness, progress=4, minutes=50)  # 20 logged, 30 more reported
    scores(harness, 27, 27, 22, 22, 26)


def test_each_objective_shows_its_time_against_the_same_length_before(harness):
    a_week_on_one_objective(harness)
    on_day(harness, 14)
    harness.say(ALICE, "objective Ask for feedback on the alliance every session")

    history = harness.say(ALICE, "objective history")

    first, second = history.split("Objective 2\n")
    assert "Objective: Hold silences longer" in first and "Why it has leverage: not recorded" in first
    assert "Dates: set Mon 9 Nov, closed Mon 16 Nov" in first and "How it ended: refined into objective 2" in first
    assert "Weekly progress (1–5): 4\n" in first and "Practice during it: 50 min" in first
    assert "Clients during it (7 days): 3 reliably improved, 2 unchanged, 0 deteriorated (5 clients)" in first
    assert "Clients in as long before it: not shown below 5 clients with an ORS after intake" in first
    assert "Objective: Ask for feedback on the alliance every session" in second
    assert "still open (review Mon 14 Dec)" in second and "How it ended: not yet" in second
    assert "Clients during it (less than a day): not shown below 5" in second
    assert "Clients in as long before it: not shown" in second


def test_more_objectives_take_no_more_statements(harness):
    a_week_on_one_objective(harness)
    one_reply, one = statements(harness, ALICE, "objective history")
    for day, text in ((9, "Ask for feedback on the alliance"), (10, "Name ruptures out loud")):
        on_day(harness, day)
        harness.say(ALICE, f"objective {text}")

    three_reply, three = statements(harness, ALICE, "objective history")

    assert "Objective 1" in one_reply and "Objective 2" not in one_reply
    assert "Objective 3\nObjective: Name ruptures out loud" in three_reply
    assert one == three <= MOST, (one, three)


def test_someone_with_no_objective_is_told_how_to_set_one(harness):
    assert "You have no learning objectives yet. Set one with `practice objective`" in harness.say(
        ALICE, "objective history"
    )
    assert "haven't joined this group" in harness.say(COACH, "objective history")
