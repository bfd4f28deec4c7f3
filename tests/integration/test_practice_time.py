"""Practice time with trends: each log's kind, told from its words or chosen in the log form,
and `status` with the minutes of each of the last 8 weeks in the therapist's zone and by kind,
in the same few SQL statements however many logs there are. The real core on a real database,
with a simulated clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from bot.model import Platform, PracticeKind, PracticeLog
from bot.services import Caller
from tests.core_harness import TEAM, CoreHarness, plain
from tests.integration.test_client_queries import statements

COACH, ALICE = "UCOACH", "UALICE"
ZONES = {COACH: "Europe/Berlin", ALICE: "America/New_York"}
MONDAY = datetime(2026, 9, 21, 12, tzinfo=timezone.utc)  # 08:00 in New York
# Statements for status: the caller's zone, the group, the objective, the open advice, the
# practice logs of the last 8 weeks, and the display names of mentions.
MOST = 6


@pytest.fixture
def h(database_url):
    harness = CoreHarness(database_url, MONDAY, ZONES)
    harness.say(COACH, "setup")
    harness.say(ALICE, "join")
    yield harness
    harness.close()


def kinds(h: CoreHarness) -> list[tuple[str, PracticeKind]]:
    with Session(h.engine) as session:
        return [(log.activity, log.kind) for log in session.exec(select(PracticeLog).order_by(PracticeLog.id))]


def test_a_log_gets_the_kind_its_words_tell(h):
    assert h.say(ALICE, "log 30 reviewed a session recording").startswith(
        "Logged 30 min: reviewed a session recording (recording review)"
    )
    assert "(skill rehearsal)" in h.say(ALICE, "log 15 role-played a rupture repair")
    assert "(other)" in h.say(ALICE, "log 10 breathing before sessions")
    assert kinds(h) == [
        ("reviewed a session recording", PracticeKind.RECORDING_REVIEW),
        ("role-played a rupture repair", PracticeKind.SKILL_REHEARSAL),
        ("breathing before sessions", PracticeKind.OTHER),
    ]


def test_minutes_only_reported_at_the_check_in_are_of_kind_other(h):
    h.say(ALICE, "log 20 watched a video of my session")
    h.advance_to(MONDAY + timedelta(days=7, hours=1))
    [check_in] = h.messenger.to(ALICE, "Your weekly practice check-in")
    answers = {"progress": "3", "minutes": "50", "learned": "Silence invites the client in"}
    caller = Caller(Platform.SLACK, TEAM, ALICE)
    result = asyncio.run(h.core.submit(caller, "check_in", {"delivery_id": check_in.message.buttons[0].value}, answers))
    assert not result.errors, result.errors
    assert kinds(h) == [
        ("watched a video of my session", PracticeKind.RECORDING_REVIEW),
        ("reported at the weekly check-in", PracticeKind.OTHER),
    ]


def on(h: CoreHarness, **after: float) -> None:
    h.advance_to(MONDAY + timedelta(**after))


def test_status_shows_each_of_the_last_eight_weeks_in_the_therapists_zone_and_each_kind(h):
    h.say(ALICE, "log 99 read a paper on feedback")  # week 1: out of the eight by week 9
    on(h, weeks=1)
    h.say(ALICE, "log 30 reviewed a session recording")  # week 2, the oldest shown in week 9
    on(h, weeks=7, days=6, hours=15)  # Monday of week 9 03:00 UTC: Sunday 22:00 of week 8 in New York
    h.say(ALICE, "log 20 rehearsed the opening")
    on(h, weeks=8, hours=1)  # week 9, Monday 09:00 in New York
    h.say(ALICE, "log 25 consultation with a peer")
    h.say(ALICE, "log 15 rehearsed the opening again")

    status = h.say(ALICE, "status")

    assert "Practice this week: 40 min" in status
    assert "Practice per week since Mon 28 Sep: 30 · 0 · 0 · 0 · 0 · 0 · 20 · 40 min, this week last" in status
    assert "By kind since Mon 28 Sep: skill rehearsal 35 min · recording review 30 min · consultation 25 min" in (
        status
    )
    assert "reading" not in status


def test_status_before_any_practice_says_so(h):
    status = h.say(ALICE, "status")
    assert "Practice per week since Mon 3 Aug: 0 · 0 · 0 · 0 · 0 · 0 · 0 · 0 min, this week last" in status
    assert "By kind since Mon 3 Aug: none logged" in status


def test_status_takes_no_more_statements_for_more_practice(h):
    h.say(ALICE, "log 10 reviewed a tape")
    few = statements(h, ALICE, "status")
    for day in range(40):
        h.clock.now = MONDAY + timedelta(days=day, hours=1)  # only the clock: what is sent meanwhile is not the point
        h.say(ALICE, f"log {day + 1} rehearsed summaries")
    many = statements(h, ALICE, "status")
    assert "recording review 10 min" in few[0] and "skill rehearsal 820 min" in many[0]
    assert few[1] == many[1] <= MOST, (few[1], many[1])


def log_form(h: CoreHarness):
    return asyncio.run(h.core.command(Caller(Platform.SLACK, TEAM, ALICE, "CGROUP"), "log")).form


def submit(h: CoreHarness, form, **answers: str):
    return asyncio.run(h.core.submit(Caller(Platform.SLACK, TEAM, ALICE, "CGROUP"), form.kind, form.context, answers))


def test_the_log_form_offers_each_kind_defaulting_to_the_one_its_words_tell(h):
    form = log_form(h)
    assert [field.name for field in form.fields] == ["minutes", "activity", "kind", "not_identifying"]
    kind = form.fields[2]
    assert kind.initial == "from_the_words"
    assert [label for _, label in kind.choices] == [
        "Tell it from what I wrote",
        "recording review",
        "skill rehearsal",
        "reading",
        "reviewing learning notes",
        "consultation",
        "other",
    ]

    told = submit(h, form, minutes="30", activity="watched my tape", kind="from_the_words")
    chosen = submit(h, form, minutes="20", activity="went through the session plan", kind="notes_review")
    assert plain(told.notice).startswith("Logged 30 min: watched my tape (recording review)")
    assert plain(chosen.notice).startswith("Logged 20 min: went through the session plan (reviewing learning notes)")
    assert kinds(h) == [
        ("watched my tape", PracticeKind.RECORDING_REVIEW),
        ("went through the session plan", PracticeKind.NOTES_REVIEW),
    ]


def test_the_log_form_refuses_bad_minutes_an_unknown_kind_and_identifying_words(h):
    form = log_form(h)
    refused = submit(h, form, minutes="0", activity="read", kind="dancing")
    assert refused.errors == {"minutes": "Enter a number from 1 to 600.", "kind": "Choose one of the options."}
    flagged = submit(h, form, minutes="20", activity="talked with Maria Lopez about her mother", kind="other")
    assert "activity" in flagged.errors and "looks identifying" in flagged.errors["activity"]
    assert kinds(h) == []
    assert "haven't joined this group" in h.say(COACH, "log")
