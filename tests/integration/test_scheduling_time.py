"""Scheduled messages fire exactly once, at the right local time: across daylight-saving
changes, ISO week 53, working hours and holidays, pauses and restarts.

Each test drives the real core on a real database (SQLite and PostgreSQL) with a simulated
clock; expected times are written out literally, in the recipient's local time with its
UTC offset, so that the first and second occurrence of a repeated hour are told apart.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from bot.model import Delivery, DeliveryKind, DeliveryStatus
from tests.core_harness import CoreHarness

COACH, ALICE, BOB = "UCOACH", "UALICE", "UBOB"
CHANNEL = "CGROUP"
ALL_DAY = "hours 00:00-23:59 days mon-sun"

CHECK_IN = "Your weekly practice check-in"
FOLLOW_UP = "Follow-up on advice"
REVIEW = "Time to review your learning objective"
DIGEST = "Practice digest"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def harness(database_url):
    """make(start, timezones, **settings): a CoreHarness on this test's database; several
    made in one test share the database, like processes before and after a restart."""
    made: list[CoreHarness] = []

    def make(start: datetime, timezones: dict[str, str], **settings: str) -> CoreHarness:
        made.append(CoreHarness(database_url, start, timezones, **settings))
        return made[-1]

    yield make
    for each in made:
        each.close()


def start_group(h: CoreHarness, setup: str = "", members: tuple[str, ...] = (ALICE,)) -> None:
    reply = h.say(COACH, f"setup {setup}".strip())
    assert reply.startswith("This channel is now a supervision group"), reply
    for member in members:
        reply = h.say(member, "join")
        assert reply.startswith("Welcome"), reply


def give_advice(h: CoreHarness, therapist: str, when: str) -> None:
    reply = h.say(COACH, f"advice <@{therapist}> Try a moment of silence after a hard question {when}")
    assert reply.startswith("Advice recorded"), reply


def local_times(h: CoreHarness, to: str, summary: str, where: str) -> list[str]:
    """When each message to `to` whose summary starts with `summary` went out, as local ISO times."""
    return [sent.at.astimezone(ZoneInfo(where)).isoformat() for sent in h.messenger.to(to, summary)]


def per_iso_week(h: CoreHarness, to: str, summary: str, where: str) -> Counter:
    return Counter(
        "{}-W{:02d}".format(*sent.at.astimezone(ZoneInfo(where)).isocalendar()[:2])
        for sent in h.messenger.to(to, summary)
    )


def sent_log(h: CoreHarness) -> Counter:
    """Everything sent, as (recipient, summary, UTC instant); a Counter, so duplicates show."""
    return Counter((sent.to, sent.message.summary, sent.at) for sent in h.messenger.sent)


# --- daylight-saving changes ------------------------------------------------------------


def test_check_in_in_the_new_york_spring_gap_fires_once_an_hour_later(harness):
    h = harness(utc(2026, 3, 1, 12), {COACH: "America/New_York", ALICE: "America/New_York"})
    start_group(h, f"checkin sun 02:30 {ALL_DAY}")

    h.advance_to(utc(2026, 3, 16))

    # 02:30 does not exist on 2026-03-08: 03:30 EDT (07:30 UTC); a week later 02:30 EDT again.
    assert local_times(h, ALICE, CHECK_IN, "America/New_York") == [
        "2026-03-08T03:30:00-04:00",
        "2026-03-15T02:30:00-04:00",
    ]
    assert [sent.at for sent in h.messenger.to(ALICE, CHECK_IN)][0] == utc(2026, 3, 8, 7, 30)


def test_check_in_in_the_new_york_autumn_fold_fires_once_at_the_first_occurrence(harness):
    h = harness(utc(2026, 10, 30, 12), {COACH: "America/New_York", ALICE: "America/New_York"})
    start_group(h, f"checkin sun 01:30 {ALL_DAY}")

    h.advance_to(utc(2026, 11, 2, 12))

    assert [sent.at for sent in h.messenger.to(ALICE, CHECK_IN)] == [utc(2026, 11, 1, 5, 30)]


def test_follow_up_due_in_the_new_york_autumn_fold_fires_once_at_the_first_occurrence(harness):
    # Advice given at 01:30 EDT on Saturday, follow-up "in 1d": 01:30 on the fall-back Sunday.
    h = harness(utc(2026, 10, 31, 5, 30), {COACH: "America/New_York", ALICE: "America/New_York"})
    start_group(h, f"checkin wed 12:00 {ALL_DAY}")
    give_advice(h, ALICE, "in 1d")

    h.advance_to(utc(2026, 11, 2, 5, 0))  # the day after, before the reminder is due

    assert [sent.at for sent in h.messenger.to(ALICE, FOLLOW_UP)] == [utc(2026, 11, 1, 5, 30)]
    assert [sent.message.summary for sent in h.messenger.to(ALICE)] == [FOLLOW_UP + " from consultation"]


WEEKLY_ACROSS_DST = {
    # zone, check-in rule, and the four check-ins expected, local time with offset.
    "sydney-dst-ends-fold": (
        "Australia/Sydney",
        "sun 02:30",  # 02:00-02:59 happens twice on 2026-04-05: the first (+11:00)
        [
            "2026-03-22T02:30:00+11:00",
            "2026-03-29T02:30:00+11:00",
            "2026-04-05T02:30:00+11:00",
            "2026-04-12T02:30:00+10:00",
        ],
    ),
    "sydney-dst-starts-gap": (
        "Australia/Sydney",
        "sun 02:30",  # 02:00-02:59 does not exist on 2026-10-04: an hour later
        [
            "2026-09-20T02:30:00+10:00",
            "2026-09-27T02:30:00+10:00",
            "2026-10-04T03:30:00+11:00",
            "2026-10-11T02:30:00+11:00",
        ],
    ),
    "lord-howe-dst-ends-fold": (
        "Australia/Lord_Howe",
        "sun 01:45",  # 01:30-01:59 happens twice on 2026-04-05
        [
            "2026-03-22T01:45:00+11:00",
            "2026-03-29T01:45:00+11:00",
            "2026-04-05T01:45:00+11:00",
            "2026-04-12T01:45:00+10:30",
        ],
    ),
    "lord-howe-dst-starts-gap": (
        "Australia/Lord_Howe",
        "sun 02:15",  # 02:00-02:29 does not exist on 2026-10-04: half an hour later
        [
            "2026-09-20T02:15:00+10:30",
            "2026-09-27T02:15:00+10:30",
            "2026-10-04T02:45:00+11:00",
            "2026-10-11T02:15:00+11:00",
        ],
    ),
    "santiago-dst-ends-fold": (
        "America/Santiago",
        "sat 23:30",  # clocks go from 00:00 back to 23:00 on Saturday 2026-04-04
        [
            "2026-03-21T23:30:00-03:00",
            "2026-03-28T23:30:00-03:00",
            "2026-04-04T23:30:00-03:00",
            "2026-04-11T23:30:00-04:00",
        ],
    ),
    "santiago-dst-starts-gap": (
        "America/Santiago",
        "sun 00:30",  # 00:00-00:59 does not exist on 2026-09-06
        [
            "2026-08-23T00:30:00-04:00",
            "2026-08-30T00:30:00-04:00",
            "2026-09-06T01:30:00-03:00",
            "2026-09-13T00:30:00-03:00",
        ],
    ),
}


@pytest.mark.parametrize(("where", "rule", "expected"), WEEKLY_ACROSS_DST.values(), ids=WEEKLY_ACROSS_DST.keys())
def test_weekly_check_ins_fire_once_a_week_at_the_local_time_across_a_dst_change(harness, where, rule, expected):
    first, last = datetime.fromisoformat(expected[0]), datetime.fromisoformat(expected[-1])
    h = harness(first - timedelta(days=2), {COACH: where, ALICE: where})
    start_group(h, f"checkin {rule} {ALL_DAY}")

    h.advance_to(last + timedelta(days=1))

    weeks = ["{}-W{:02d}".format(*datetime.fromisoformat(at).isocalendar()[:2]) for at in expected]
    assert per_iso_week(h, ALICE, CHECK_IN, where) == Counter(weeks)
    assert local_times(h, ALICE, CHECK_IN, where) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (utc(2026, 10, 13), ["2026-10-19T10:00:00+02:00", "2026-10-26T10:00:00+01:00", "2026-11-02T10:00:00+01:00"]),
        (utc(2026, 3, 17), ["2026-03-23T10:00:00+01:00", "2026-03-30T10:00:00+02:00", "2026-04-06T10:00:00+02:00"]),
    ],
    ids=["autumn", "spring"],
)
def test_weekly_digest_over_a_dst_weekend_is_posted_once_a_week_at_ten_local(harness, start, expected):
    h = harness(start, {COACH: "America/New_York", ALICE: "Europe/Berlin"})
    start_group(h, "digest mon 10:00 tz Europe/Berlin")

    h.advance_to(datetime.fromisoformat(expected[-1]) + timedelta(days=1))

    assert local_times(h, CHANNEL, DIGEST, "Europe/Berlin") == expected


def test_iso_week_53_has_one_digest_and_one_check_in_per_therapist(harness):
    zones = {COACH: "Europe/London", ALICE: "Asia/Tokyo", BOB: "America/Los_Angeles"}
    h = harness(utc(2026, 12, 14, 12), zones)
    start_group(h, members=(ALICE, BOB))  # check-ins Mondays 10:00 local, digest Fridays 15:00

    h.advance_to(utc(2027, 1, 11, 12))

    for therapist in (ALICE, BOB):
        weeks = per_iso_week(h, therapist, CHECK_IN, zones[therapist])
        assert (weeks["2026-W53"], weeks["2027-W01"]) == (1, 1), therapist
        in_those_weeks = [
            at[:16] for at in local_times(h, therapist, CHECK_IN, zones[therapist]) if "2026-12-28" <= at < "2027-01-11"
        ]
        assert in_those_weeks == ["2026-12-28T10:00", "2027-01-04T10:00"], therapist
    digests = per_iso_week(h, CHANNEL, DIGEST, "Europe/London")
    assert (digests["2026-W53"], digests["2027-W01"]) == (1, 1)
    # 2026-W53 runs from Monday 28 December to Sunday 3 January: its Friday is New Year's Day.
    assert "2027-01-01T15:00:00+00:00" in local_times(h, CHANNEL, DIGEST, "Europe/London")


# --- working hours and holidays -------------------------------------------------------

# Friday 2026-06-05 12:00 in Tokyo (03:00 UTC): advice "in 1d" falls due on Saturday.
FRIDAY_NOON_TOKYO = utc(2026, 6, 5, 3)


def test_follow_up_due_on_saturday_goes_out_monday_nine_in_the_therapists_zone(harness):
    h = harness(FRIDAY_NOON_TOKYO, {COACH: "Europe/London", ALICE: "Asia/Tokyo"})
    start_group(h)
    give_advice(h, ALICE, "in 1d")

    h.advance_to(utc(2026, 6, 10))

    # Monday 09:00 in Tokyo is midnight UTC, and 01:00 in the coach's London.
    assert local_times(h, ALICE, FOLLOW_UP, "Asia/Tokyo") == ["2026-06-08T09:00:00+09:00"]


@pytest.mark.parametrize("holiday_first", [True, False], ids=["holiday-then-advice", "advice-then-holiday"])
def test_group_holiday_on_monday_moves_the_follow_up_to_tuesday_nine(harness, holiday_first):
    h = harness(FRIDAY_NOON_TOKYO, {COACH: "Europe/London", ALICE: "Asia/Tokyo"})
    start_group(h)
    if holiday_first:
        assert h.say(COACH, "holiday 2026-06-08").startswith("Days off for the group")
    give_advice(h, ALICE, "in 1d")
    if not holiday_first:
        assert h.say(COACH, "holiday 2026-06-08").startswith("Days off for the group")

    h.advance_to(utc(2026, 6, 10))

    assert local_times(h, ALICE, FOLLOW_UP, "Asia/Tokyo") == ["2026-06-09T09:00:00+09:00"]


def test_digest_due_on_a_holiday_moves_to_the_next_non_holiday_day_at_the_same_time(harness):
    h = harness(utc(2026, 6, 8, 10), {COACH: "Europe/Paris", ALICE: "Europe/Paris"})
    start_group(h, "digest wed 15:00 tz Europe/Paris")
    assert h.say(COACH, "holiday 2026-06-10..2026-06-11").startswith("Days off for the group")

    h.advance_to(utc(2026, 6, 18))

    # Wednesday and Thursday off: Friday at 15:00; the next week back on Wednesday.
    assert local_times(h, CHANNEL, DIGEST, "Europe/Paris") == ["2026-06-12T15:00:00+02:00", "2026-06-17T15:00:00+02:00"]


# --- pause and resume ---------------------------------------------------------------------

# Monday 2026-06-01 12:00 in Paris. Check-ins Mondays 10:00; the follow-up "in 3d" is due Thursday 12:00.
MONDAY_NOON_PARIS = utc(2026, 6, 1, 10)
PARIS = {COACH: "Europe/Paris", ALICE: "Europe/Paris"}


def test_a_paused_therapist_gets_nothing_during_the_pause_and_what_fell_due_once_after(harness):
    h = harness(MONDAY_NOON_PARIS, PARIS)
    start_group(h)
    give_advice(h, ALICE, "in 3d")
    assert h.say(ALICE, "pause 1w").startswith("Paused until Mon 8 Jun 12:00")

    h.advance_to(utc(2026, 6, 8, 9, 59))  # a minute before the pause ends
    assert h.messenger.to(ALICE) == []
    assert len(h.messenger.to(CHANNEL, DIGEST)) == 1  # the group's digest is not paused

    h.advance_to(utc(2026, 6, 9, 12))
    # Monday's 10:00 check-in fell due in the pause (until 12:00): skipped, not sent late.
    assert sorted((sent.message.summary, sent.at) for sent in h.messenger.to(ALICE)) == [
        ("Follow-up on advice from consultation", utc(2026, 6, 8, 10)),
    ]


def test_the_coachs_digest_preview_shows_a_paused_therapist_as_away(harness):
    h = harness(MONDAY_NOON_PARIS, PARIS)
    start_group(h)
    assert "Away" not in h.say(COACH, "digest preview")
    h.say(ALICE, "pause 1w")

    preview = h.say(COACH, "digest preview")

    assert f"Away: @{ALICE} until Mon 8 Jun" in preview
    assert "0 of 0 checked in." in preview  # someone away is not counted as missing


def test_resume_sends_what_waited_at_once_and_later_items_on_time(harness):
    h = harness(MONDAY_NOON_PARIS, PARIS)
    start_group(h)
    give_advice(h, ALICE, "in 3d")
    h.say(ALICE, "pause 2w")
    h.advance_to(utc(2026, 6, 5, 10))  # Friday noon: the follow-up fell due on Thursday
    assert h.messenger.to(ALICE) == []

    assert h.say(ALICE, "resume").startswith("Welcome back")
    h.advance_to(utc(2026, 6, 5, 10))  # no time passes

    assert [sent.at for sent in h.messenger.to(ALICE, FOLLOW_UP)] == [utc(2026, 6, 5, 10)]
    h.advance_to(utc(2026, 6, 16))  # past the end the pause would have had
    assert [sent.at for sent in h.messenger.to(ALICE, FOLLOW_UP)] == [utc(2026, 6, 5, 10)]
    assert [sent.at for sent in h.messenger.to(ALICE, CHECK_IN)] == [utc(2026, 6, 8, 8), utc(2026, 6, 15, 8)]


# --- restarts -----------------------------------------------------------------------------


def test_what_fell_due_while_down_is_sent_once_by_the_next_process(harness):
    # Monday 2026-06-01 12:00 Paris; check-in Wednesday 10:00, digest Wednesday 11:00.
    first = harness(MONDAY_NOON_PARIS, PARIS)
    start_group(first, "checkin wed 10:00 digest wed 11:00")
    give_advice(first, ALICE, "in 1d")  # Tuesday 12:00
    give_advice(first, ALICE, "in 2d")  # Wednesday 12:00
    first.advance_to(utc(2026, 6, 3, 7))  # Wednesday 09:00, then the process stops
    assert sent_log(first) == Counter({(ALICE, "Follow-up on advice from consultation", utc(2026, 6, 2, 10)): 1})

    second = harness(utc(2026, 6, 3, 12), PARIS)  # back at 14:00
    second.advance_to(utc(2026, 6, 5, 8))
    first.advance_to(utc(2026, 6, 5, 8))  # an old process catching up sends nothing again

    back = utc(2026, 6, 3, 12)
    assert sent_log(second) == Counter(
        {
            (ALICE, "Your weekly practice check-in", back): 1,
            (ALICE, "Follow-up on advice from consultation", back): 1,
            (CHANNEL, "Practice digest, Mon 1 Jun – Wed 3 Jun", back): 1,
            # The first process's follow-up went unanswered: its reminder, Thursday 12:00.
            (ALICE, "Reminder: follow-up on advice from consultation", utc(2026, 6, 4, 10)): 1,
        }
    )
    assert len(first.messenger.sent) == 1


def test_after_a_three_day_outage_stale_check_ins_are_skipped_and_everything_else_sent_once(harness):
    london = {COACH: "Europe/London", ALICE: "Europe/London"}
    # Wednesday 2026-06-03 12:00 London. Check-ins Tuesdays 10:00, digest Tuesdays 11:00.
    first = harness(utc(2026, 6, 3, 11), london)
    start_group(first, "checkin tue 10:00 digest tue 11:00")
    assert "review it on Wed 1 Jul" in first.say(ALICE, "objective Ask for feedback on the alliance every session")
    give_advice(first, ALICE, "in 4w")  # Wednesday 1 July 12:00
    first.advance_to(utc(2026, 6, 29, 11))  # Monday 12:00, then three days down

    back = utc(2026, 7, 2, 11)  # Thursday 12:00
    second = harness(back, london)
    second.advance_to(utc(2026, 7, 3, 12))

    # The check-in due Tuesday 10:00 is more than 24 hours old: skipped, not sent late.
    assert sent_log(second) == Counter(
        {
            (CHANNEL, "Practice digest, Tue 23 Jun – Thu 2 Jul", back): 1,
            (ALICE, "Time to review your learning objective", back): 1,
            (ALICE, "Follow-up on advice from consultation", back): 1,
        }
    )
    with Session(second.engine) as session:
        check_in = session.exec(select(Delivery).where(Delivery.key.endswith(f":{ALICE}:2026-W27"))).one()
    assert (check_in.kind, check_in.status) == (DeliveryKind.CHECK_IN, DeliveryStatus.SKIPPED)
    assert per_iso_week(first, ALICE, CHECK_IN, "Europe/London") == Counter(
        {"2026-W24": 1, "2026-W25": 1, "2026-W26": 1}
    )


# --- check-ins outside working hours, and what resume releases ------------------------------


@pytest.mark.parametrize("rule", ["checkin sat 10:00", "checkin fri 18:00"])
def test_a_check_in_set_outside_working_hours_goes_out_when_they_begin(harness, rule):
    h = harness(MONDAY_NOON_PARIS, PARIS)
    start_group(h, rule)

    h.advance_to(utc(2026, 6, 16))

    assert local_times(h, ALICE, CHECK_IN, "Europe/Paris") == ["2026-06-08T09:00:00+02:00", "2026-06-15T09:00:00+02:00"]


def test_a_check_in_on_a_holiday_goes_out_the_next_working_day(harness):
    h = harness(MONDAY_NOON_PARIS, PARIS)
    start_group(h)
    h.say(COACH, "holiday 2026-06-08..2026-06-09")

    h.advance_to(utc(2026, 6, 11))

    assert local_times(h, ALICE, CHECK_IN, "Europe/Paris") == ["2026-06-10T09:00:00+02:00"]


def test_resume_releases_only_what_the_pause_held(harness):
    h = harness(utc(2026, 6, 8, 16), PARIS)  # Monday 18:00 in Paris
    start_group(h)
    give_advice(h, ALICE, "in 5d")  # due Saturday evening: Monday 15 June 09:00
    h.say(ALICE, "pause 4d")  # until Friday 18:00, so what it holds would wait for Monday 09:00 too
    h.advance_to(utc(2026, 6, 10, 10))

    h.say(ALICE, "resume")
    h.advance_to(utc(2026, 6, 16))

    assert local_times(h, ALICE, FOLLOW_UP, "Europe/Paris") == ["2026-06-15T09:00:00+02:00"]
