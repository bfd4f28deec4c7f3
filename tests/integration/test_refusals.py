"""Commands as users type them, through the core on a real database: options are never
dropped, client codes never identify, and every refusal says what was wrong and shows that
command's usage, with nothing stored and no "something went wrong"."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

import pytest
from sqlmodel import Session, select

from bot.core import ADMIN_UNKNOWN, SORRY
from bot.grammar import USAGE
from bot.messages import plain_text
from bot.model import Advice, Group, Holiday, Member, Platform, Score
from bot.ports import SendFailed
from bot.services import Caller
from tests.core_harness import TEAM, CoreHarness

COACH, ALICE, BOB = "UCOACH", "UALICE", "UBOB"
START = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)  # a Sunday
ZONES = {COACH: "Europe/Berlin", ALICE: "Europe/Berlin", BOB: "Europe/Berlin"}


@pytest.fixture
def group(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    assert harness.say(COACH, "setup hours 00:00-23:59 days mon-sun").startswith("This channel is now")
    for therapist in (ALICE, BOB):
        assert harness.say(therapist, "join").startswith("Welcome")
    yield harness
    harness.close()


def rows(harness: CoreHarness, table) -> list:
    with Session(harness.engine) as session:
        return list(session.exec(select(table)))


def refusal(reply: str, usage: str) -> str:
    """The reason in a refusal, after checking it is one that shows `usage`."""
    reason, _, shown = reply.rpartition("\n")
    assert shown == f"Usage: `practice {usage}`", reply
    assert reason and SORRY not in reply
    return reason


def press(harness: CoreHarness, user: str, action: str, value: str) -> str:
    result = asyncio.run(
        harness.core.press(Caller(Platform.SLACK, TEAM, user, f"D-{user}", in_direct_message=True), action, value)
    )
    return "\n".join(plain_text(spans) for section in result.reply.sections for spans in section.lines)


# Advice options, wherever and however they are typed, are recorded.


@pytest.mark.parametrize(
    "text",
    [
        "Try two-chair work client C3 ors 18 in 3 days",
        "Try two-chair work client: C3 ors: 18 in: 3d",
        "client C3 Try two-chair work, in 3 days. ors 18",
        "Try two-chair work in three days client C3 ors 18",
    ],
)
def test_advice_options_are_recorded_wherever_they_are_typed(group, text):
    reply = group.say(COACH, f"advice <@{ALICE}> {text}")
    assert reply.splitlines() == [
        f"Advice recorded for @{ALICE} about client C3 (baseline ORS 18).",
        "I'll ask them on Wed 4 Mar whether it was applied and whether the outcome moved.",
    ]
    [advice] = rows(group, Advice)
    assert (advice.text.rstrip(","), advice.client_code, advice.baseline_ors) == ("Try two-chair work", "C3", 18)


def test_advice_prose_with_option_words_is_kept_whole(group):
    group.say(COACH, f"advice <@{ALICE}> Let the client lead and stay in the moment")
    [advice] = rows(group, Advice)
    assert (advice.text, advice.client_code) == ("Let the client lead and stay in the moment", None)


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ("ors 50", "“ors 50”: The baseline ORS must be from 0 to 40; 50 is out of range."),
        ("in 3 dayz", "“in 3 dayz”: “3 dayz” is not a number of days or weeks"),
        ("in 500d", "“in 500d”: The follow-up must be 1 to 365 days away; “500d” is 500 days."),
        ("client: JS", "“client: JS”: The client code “JS” must contain at least one digit"),
    ],
)
def test_advice_with_a_bad_option_is_refused_and_nothing_is_stored(group, options, reason):
    reply = group.say(COACH, f"advice <@{ALICE}> Try two-chair work {options}")
    assert refusal(reply, USAGE["advice"]).startswith(reason)
    assert rows(group, Advice) == []


# Client codes never identify.


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("JS", "The client code “JS” must contain at least one digit"),
        ("JD-1980", "“JD-1980” contains a year"),
        ("Anna1", "“Anna1” looks like a name"),
    ],
)
def test_a_client_code_that_could_identify_is_refused_naming_the_rule(group, code, reason):
    reply = group.say(ALICE, f"outcome {code} ors 20")
    assert refusal(reply, USAGE["outcome"]).startswith(reason)
    assert "like C12 or K-7" in reply
    assert rows(group, Score) == []


def test_a_good_client_code_is_recorded(group):
    assert group.say(ALICE, "outcome c12 ors 20").startswith("Recorded ORS 20 for C12.")
    assert [score.client_code for score in rows(group, Score)] == ["C12"]


# Inputs that used to break a command are refused, and change nothing.


@pytest.mark.parametrize(
    ("zone_name", "reason"),
    [
        ("Europe", "“tz Europe”: “Europe” is a region, not an IANA time zone"),
        ("America", "“tz America”: “America” is a region, not an IANA time zone"),
        ("A" * 300, "is not an IANA time zone"),
        ("localtime", "“tz localtime”: “localtime” is not an IANA time zone"),
    ],
)
def test_setup_with_a_zone_that_is_not_real_is_refused(group, zone_name, reason):
    reply = group.say(COACH, f"setup tz {zone_name}")
    assert reason in refusal(reply, USAGE["setup"])
    assert [stored.timezone for stored in rows(group, Group)] == ["Europe/Berlin"]


def test_setup_with_a_zone_in_lower_case_stores_its_iana_name(group):
    assert "(America/New_York)" in group.say(COACH, "setup tz america/new_york")


@pytest.mark.parametrize(
    ("days", "reason"),
    [
        ("9999-12-31", "Holidays must fall in the years 2000 to 2099; “9999-12-31” does not."),
        ("9999-12-30..9999-12-31", "Holidays must fall in the years 2000 to 2099; “9999-12-30” does not."),
        ("2026-13-01", "“2026-13-01” is not a day: there is no month 13."),
        ("2026-02-29", "“2026-02-29” is not a day: February 2026 has 28 days."),
    ],
)
def test_holiday_on_a_day_that_cannot_be_is_refused_with_the_reason(group, days, reason):
    reply = group.say(COACH, f"holiday {days}")
    assert refusal(reply, USAGE["holiday"]).startswith(reason)
    assert rows(group, Holiday) == []


def test_pause_too_long_is_refused_in_words_about_a_pause(group):
    reply = group.say(ALICE, "pause 500d")
    assert refusal(reply, USAGE["pause"]) == "The pause must be 1 to 365 days long; “500d” is 500 days."
    assert [member.paused_until for member in rows(group, Member)] == [None, None]


def test_resume_without_a_pause_says_there_is_nothing_to_resume(group):
    assert refusal(group.say(ALICE, "resume"), USAGE["resume"]) == ("You're not paused, so there is nothing to resume.")


def test_a_mention_of_someone_unknown_shows_the_usage_of_that_command(group):
    reply = group.say(COACH, "advice <@UNOBODY> Try two-chair work")
    reason = refusal(reply, USAGE["advice"])
    assert reason == "I can't find that user in this tenant."


def test_an_admin_lookup_that_fails_is_answered_in_one_warning_and_changes_nothing(group, caplog):
    group.messenger.admin_lookup_failure = SendFailed("network: ServerDisconnectedError")
    with caplog.at_level(logging.WARNING):
        reply = group.say(BOB, f"coach <@{BOB}>")

    assert reply == ADMIN_UNKNOWN
    assert [g.coach_id for g in rows(group, Group)] == [COACH]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == ["could not look up whether a user is an admin: network: ServerDisconnectedError"]
    assert not any(record.exc_info for record in caplog.records)


# Buttons: someone else's is refused with the command that does the same thing.


@pytest.mark.parametrize(
    ("action", "summary", "reason"),
    [
        (
            "follow_up:applied",
            "Follow-up on advice",
            "That follow-up isn't yours to answer: it was sent to someone else",
        ),
        (
            "check_in",
            "Your weekly practice check-in",
            "That check-in isn't yours to answer: it was sent to someone else",
        ),
        (
            "review:achieved",
            "Time to review your learning objective",
            "That review isn't yours to answer: it was sent to someone else",
        ),
    ],
)
def test_someone_elses_button_is_refused_with_the_status_usage(group, action, summary, reason):
    assert group.say(COACH, f"advice <@{ALICE}> Try two-chair work in 1d").startswith("Advice recorded")
    assert group.say(ALICE, "objective Notice ruptures earlier").startswith("Your learning objective:")
    group.advance_to(datetime(2026, 4, 1, tzinfo=timezone.utc))
    [sent, *_] = group.messenger.to(ALICE, summary)
    [button] = [button for button in sent.message.buttons if button.action == action]

    reply = press(group, BOB, action, button.value)

    assert refusal(reply, USAGE["status"]).startswith(reason)
    assert "nothing changed" in reply
