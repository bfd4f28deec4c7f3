"""`recording @therapist [client <CODE>] [note]`: the coach records a session recording of a
therapist's they reviewed; setting an objective tells the therapist how many their coach
reviewed in the last 12 weeks, and the coach's digest preview (never the channel's) names the
objectives set with fewer than 3. The real core on a real database, with a simulated clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from bot.model import Objective, Platform, RecordingReview
from bot.services import Caller
from tests.core_harness import TEAM, CoreHarness, plain

COACH, ALICE, BOB, CAROL = "UCOACH", "UALICE", "UBOB", "UCAROL"
ZONES = {COACH: "Europe/Berlin", ALICE: "America/New_York", BOB: "Australia/Sydney", CAROL: "Europe/Paris"}
START = datetime(2026, 11, 2, 12, tzinfo=timezone.utc)  # a Monday
TOO_FEW = "an objective shaped after 3 or 4 fits your work better — ask them to listen to one."


@pytest.fixture
def h(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    harness.say(COACH, "setup")
    for therapist in (ALICE, BOB):
        harness.say(therapist, "join")
    yield harness
    harness.close()


def reviews(h: CoreHarness) -> list[tuple[str, str, str | None, str | None, datetime]]:
    with Session(h.engine) as session:
        return [
            (r.therapist_id, r.coach_id, r.client_code, r.note, r.reviewed_at)
            for r in session.exec(select(RecordingReview).order_by(RecordingReview.id))
        ]


def test_the_coach_records_a_reviewed_recording_with_its_date_client_code_and_note(h):
    reply = h.say(COACH, f"recording <@{ALICE}> client C12 warm opening, rushed ending")
    assert reply == (
        "Recorded: you reviewed a session recording of @UALICE's (client C12).\n"
        "You have reviewed 1 of their recordings in the last 12 weeks."
    )
    assert "of @UBOB's.\nYou have reviewed 1" in h.say(COACH, f"recording <@{BOB}>", channel="DCOACH")  # only group
    assert reviews(h) == [
        (ALICE, COACH, "C12", "warm opening, rushed ending", START),
        (BOB, COACH, None, None, START),
    ]


def test_only_the_coach_may_record_one_and_only_of_a_member_with_a_guarded_code_and_note(h):
    refused = h.say(ALICE, f"recording <@{BOB}>")
    assert "Only this group's coach (@UCOACH) can do that." in refused
    assert "Usage: `practice recording @therapist [client <CODE>] [note]`" in refused
    assert "@UCAROL isn't a therapist in this group" in h.say(COACH, f"recording <@{CAROL}>")
    assert "contains a year" in h.say(COACH, f"recording <@{ALICE}> client JD-1980")
    assert "as an @mention" in h.say(COACH, "recording alice")
    assert "looks as if it could identify someone" in h.say(COACH, f"recording <@{ALICE}> Maria Lopez cried")
    assert reviews(h) == []


def objective_told(h: CoreHarness, text: str = "Hold silences longer") -> str:
    return h.say(ALICE, f"objective {text}")


def test_setting_an_objective_tells_how_many_recordings_the_coach_reviewed_in_the_last_12_weeks(h):
    assert f"Your coach hasn't reviewed any of your session recordings in the last 12 weeks; {TOO_FEW}" in (
        objective_told(h)
    )
    h.say(COACH, f"recording <@{ALICE}>")
    h.say(COACH, f"recording <@{BOB}>")  # another therapist's
    assert f"Your coach has reviewed 1 of your session recordings in the last 12 weeks; {TOO_FEW}" in (
        objective_told(h)
    )
    h.advance_to(START + timedelta(weeks=12, hours=1))  # the first is out of the window
    h.say(COACH, f"recording <@{ALICE}>")
    h.say(COACH, f"recording <@{ALICE}>")
    assert "Your coach has reviewed 2 of your session recordings" in objective_told(h)
    h.say(COACH, f"recording <@{ALICE}>")
    told = objective_told(h)
    assert "Your coach has reviewed 3 of your session recordings in the last 12 weeks." in told
    assert "ask them" not in told
    with Session(h.engine) as session:
        counted = [o.recordings_reviewed for o in session.exec(select(Objective).order_by(Objective.id))]
    assert counted == [0, 1, 2, 3]


def test_the_refined_objective_from_the_form_is_confirmed_with_the_count(h):
    h.say(ALICE, "objective Hold silences longer")
    h.say(COACH, f"recording <@{ALICE}> client C12")
    caller = Caller(Platform.SLACK, TEAM, ALICE, "CGROUP")
    form = asyncio.run(h.core.command(caller, "objective")).form
    answers = {"objective": "Name ruptures out loud", "review_on": "2026-12-01", "previous": "refined"}
    result = asyncio.run(h.core.submit(caller, form.kind, form.context, answers))
    assert not result.errors, result.errors
    told = plain(result.notice)
    assert "Your learning objective is set: Name ruptures out loud" in told
    assert f"Your coach has reviewed 1 of your session recordings in the last 12 weeks; {TOO_FEW}" in told


def test_the_coachs_preview_names_objectives_set_with_fewer_than_three_recordings_and_the_channel_not(h):
    for _ in range(3):
        h.say(COACH, f"recording <@{BOB}>")
    h.say(COACH, f"recording <@{ALICE}>")
    h.say(ALICE, "objective Hold silences longer")
    h.say(BOB, "objective Ask for feedback every session")
    for _ in range(3):
        h.say(COACH, f"recording <@{ALICE}>")  # after her objective was set: it was still set with 1

    preview = h.say(COACH, "digest preview")
    assert "• Objective set with 1 recording reviewed: @UALICE" in preview
    assert "@UBOB" in preview and "reviewed: @UBOB" not in preview
    h.say(COACH, "digest post")
    [posted] = [plain(sent.message) for sent in h.messenger.to("CGROUP", "Practice digest")]
    assert "Agenda for the next meeting" in posted and "Hold silences longer" in posted
    assert "recording" not in posted
