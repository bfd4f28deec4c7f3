"""The digest counts each record once: its period runs from the last digest (or set-up,
inclusive) up to, not including, the moment it is made. And an open loop is advice whose
reminder went unanswered, or that was answered "Not yet", never merely asked.

The real core on a real database (SQLite and PostgreSQL), with a simulated clock.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from bot.model import Delivery, DeliveryKind, Platform
from bot.services import Caller
from tests.core_harness import TEAM, CoreHarness, plain
from tests.pictures import decoded

COACH, ALICE = "UCOACH", "UALICE"
CHANNEL = "CGROUP"
LONDON = {COACH: "Europe/London", ALICE: "Europe/London"}
TUESDAY_NOON = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
FRIDAY_DIGEST = datetime(2026, 12, 4, 15, tzinfo=timezone.utc)


@pytest.fixture
def h(database_url):
    harness = CoreHarness(database_url, TUESDAY_NOON, LONDON)
    assert harness.say(COACH, "setup tz Europe/London").startswith("This channel is now a supervision group")
    assert harness.say(ALICE, "join").startswith("Welcome")
    yield harness
    harness.close()


def posted_digests(h: CoreHarness) -> list[str]:
    return [plain(sent.message) for sent in h.messenger.to(CHANNEL, "Practice digest")]


def later(h: CoreHarness, **delta: float) -> None:
    h.advance_to(h.clock.now + timedelta(**delta))


def test_the_posted_digest_carries_the_groups_charts(h):
    h.say(ALICE, "log 25 read about ruptures")
    h.say(ALICE, "outcome C1 ors 20 intake")
    h.say(ALICE, "outcome C1 ors 27 session 2")
    h.advance_to(FRIDAY_DIGEST)

    [digest] = [sent.message for sent in h.messenger.to(CHANNEL, "Practice digest")]

    weeks, change = digest.images
    for chart in (weeks, change):
        decoded(chart)
    assert weeks.alt.endswith("0 of 1. Practice minutes: 0, 0, 0, 0, 0, 0, 0, 25 (25 in all).")
    assert change.alt == (
        "Clients' change since intake, at each month's end."
        " Dec 2026: 1 reliably improved, 0 with no reliable change, 0 reliably deteriorated."
    )


def test_the_first_digest_counts_what_was_recorded_at_the_moment_of_set_up(h):
    assert h.say(ALICE, "log 30 role-play of a rupture repair").startswith("Logged 30 min")
    assert h.say(ALICE, "outcome C12 srs 30").startswith("Recorded SRS 30 for C12")
    later(h, minutes=1)
    assert h.say(ALICE, "log 20 watched a recording of a session").startswith("Logged 20 min")

    h.advance_to(FRIDAY_DIGEST)

    [digest] = posted_digests(h)
    assert "50 min in all" in digest
    assert "Alliance concern: @UALICE · C12: SRS 30" in digest


def test_what_is_recorded_at_the_moment_a_digest_goes_out_is_in_the_next_one(h):
    h.advance_to(FRIDAY_DIGEST)
    assert h.say(ALICE, "log 30 role-play of a rupture repair").startswith("Logged 30 min")  # at 15:00 sharp

    h.advance_to(FRIDAY_DIGEST + timedelta(days=7))

    first, second = posted_digests(h)
    assert ("0 min in all" in first, "30 min in all" in second) == (True, True)


def test_a_preview_right_after_a_digest_is_posted_starts_an_empty_period(h):
    assert h.say(ALICE, "log 30 role-play of a rupture repair").startswith("Logged 30 min")
    later(h, days=1)
    assert h.say(COACH, "digest post").startswith("Posting the digest")
    assert "30 min in all" in posted_digests(h)[0]

    assert "0 min in all" in h.say(COACH, "digest preview")  # at the same moment: counted once, above


# --- open loops -------------------------------------------------------------------------


def give_advice(h: CoreHarness, text: str) -> None:
    assert h.say(COACH, f"advice <@{ALICE}> {text} client C12 in 1d").startswith("Advice recorded")


def press(h: CoreHarness, advice: str, label: str) -> None:
    [message] = [sent.message for sent in h.messenger.to(ALICE, "Follow-up on advice") if advice in plain(sent.message)]
    [button] = [button for button in message.buttons if button.label.startswith(label)]
    asyncio.run(h.core.press(Caller(Platform.SLACK, TEAM, ALICE, "D-UALICE"), button.action, button.value))


def follow_up_reminders_sent(h: CoreHarness) -> int:
    with Session(h.engine) as session:
        reminders = session.exec(
            select(Delivery).where(Delivery.kind == DeliveryKind.FOLLOW_UP, Delivery.is_reminder.is_(True))
        ).all()
        return sum(1 for reminder in reminders if reminder.sent_at is not None)


def test_advice_asked_but_not_yet_reminded_is_awaiting_an_answer_not_an_open_loop(h):
    give_advice(h, "Try a moment of silence after a hard question")
    later(h, days=1, hours=1)  # Wednesday 13:00: the follow-up went out at 12:00
    assert len(h.messenger.to(ALICE, "Follow-up on advice")) == 1

    preview = h.say(COACH, "digest preview")

    assert "Open loop: @UALICE" not in preview  # the form the next tests see when it is one
    assert "Open loops: 0 · Awaiting an answer: 1 · Not due yet: 0" in preview


def test_advice_whose_reminder_went_unanswered_is_an_open_loop(h):
    give_advice(h, "Try a moment of silence after a hard question")
    later(h, days=3, hours=1)  # Friday 13:00: the reminder went out at 12:00
    assert follow_up_reminders_sent(h) == 1

    preview = h.say(COACH, "digest preview")

    assert "Open loop: @UALICE: Try a moment of silence after a hard question (C12), reminder unanswered" in preview
    assert "Open loops: 1 · Awaiting an answer: 0 · Not due yet: 0" in preview


def test_advice_answered_not_yet_is_an_open_loop_that_says_so(h):
    give_advice(h, "Ask about the week before the session")
    give_advice(h, "Try a moment of silence after a hard question")
    later(h, days=1, hours=1)
    press(h, "Ask about the week before the session", "Not yet")

    preview = h.say(COACH, "digest preview")

    assert "Open loop: @UALICE: Ask about the week before the session (C12), answered Not yet" in preview
    assert "Open loops: 1 · Awaiting an answer: 1 · Not due yet: 0" in preview


# --- outcome movement and the agenda, judged per client from intake ----------------------------


def test_a_client_without_advice_that_deteriorates_comes_first_on_the_agenda_and_a_closed_one_drops_out(h):
    assert h.say(ALICE, "outcome C7 ors 30 session 1").startswith("Recorded ORS 30 for C7")
    assert h.say(ALICE, "outcome C9 ors 20 session 1").startswith("Recorded ORS 20 for C9")
    give_advice(h, "Ask about the week before the session")  # about C12
    later(h, days=1)
    assert h.say(ALICE, "outcome C12 ors 18").startswith("Recorded ORS 18 for C12")
    assert h.say(ALICE, "outcome C7 ors 14 session 2").startswith("Recorded ORS 14 for C7")
    assert h.say(ALICE, "outcome C9 ors 10 session 2").startswith("Recorded ORS 10 for C9")
    assert h.say(ALICE, "client C9 close").startswith("Closed C9")
    later(h, minutes=1)

    preview = h.say(COACH, "digest preview")

    agenda = preview.split("Agenda for the next meeting")[1]
    assert agenda.lstrip().startswith(
        "• Reliable deterioration: @UALICE · C7: ORS 30 → 14 since intake on 1 Dec: reliable deterioration"
    )
    assert "@UALICE · C7: from intake, ORS 30 → 14 (-16): reliable deterioration" in preview
    assert "@UALICE · C12: ORS 18 at intake, no later ORS yet · advice “Ask about the week" in preview
    assert "@UALICE · C9" not in preview and "C9" not in preview


def test_with_outcomes_kept_to_the_coach_the_channel_digest_names_no_client_and_the_preview_does(h):
    assert h.say(COACH, "setup outcomes coach").startswith("Group settings updated")
    assert h.say(ALICE, "outcome C7 ors 30").startswith("Recorded ORS 30 for C7")
    later(h, days=1)
    assert h.say(ALICE, "outcome C7 ors 14").startswith("Recorded ORS 14 for C7")
    later(h, minutes=1)

    preview = h.say(COACH, "digest preview")
    h.advance_to(FRIDAY_DIGEST)

    [posted] = posted_digests(h)
    assert "• Reliable deterioration: @UALICE · C7: ORS 30 → 14" in preview
    assert "C7" not in posted
    assert "1 client flag and each client's line are in the coach's" in posted
