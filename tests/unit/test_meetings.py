"""The group's meeting (bot/meetings.py): the digest day it implies, when the meeting falls, when
the prep and feedback messages go out in each member's zone and hours, across DST changes, and
what the coach's preview may show of the feedback: no names unless chosen, no figures below three."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.calendar import WorkingHours
from bot.meetings import (
    FEEDBACK_FIGURES_FROM,
    FeedbackAnswer,
    Meeting,
    feedback_due,
    meetings_around,
    next_meeting,
    prep_due,
    summarise_feedback,
    working_day_before,
)

BERLIN, NEW_YORK, SYDNEY = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), ZoneInfo("Australia/Sydney")
WEEKDAYS_ONLY = frozenset(range(5))
OFFICE = WorkingHours()
ALWAYS = WorkingHours(time(0, 0), time(23, 59), frozenset(range(7)))
THURSDAY_TEN = Meeting(3, time(10, 0))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("meeting", "workdays", "digest"),
    [
        (3, WEEKDAYS_ONLY, 2),  # Thursday: Wednesday
        (0, WEEKDAYS_ONLY, 4),  # Monday: the Friday before
        (6, WEEKDAYS_ONLY, 4),  # Sunday: Friday
        (0, frozenset({6, 0, 1, 2, 3}), 6),  # Sunday to Thursday worked: Monday's is Sunday
        (2, frozenset({2}), 2),  # one working day: the week before
    ],
)
def test_the_digest_goes_on_the_working_day_before_the_meeting(meeting, workdays, digest):
    assert working_day_before(meeting, workdays) == digest


def test_the_next_meeting_is_the_one_starting_at_or_after_the_instant():
    start = utc(2026, 12, 10, 9)  # Thursday 10:00 in Berlin
    assert next_meeting(start, THURSDAY_TEN, BERLIN) == (date(2026, 12, 10), start)
    assert next_meeting(utc(2026, 12, 10, 9, 1), THURSDAY_TEN, BERLIN) == (date(2026, 12, 17), utc(2026, 12, 17, 9))
    assert next_meeting(utc(2026, 12, 8, 15), THURSDAY_TEN, BERLIN)[0] == date(2026, 12, 10)


def test_a_meeting_keeps_its_local_time_across_a_dst_change():
    # Berlin leaves summer time on Sunday 25 October 2026: 10:00 is 08:00 UTC before, 09:00 after.
    before, after = meetings_around(utc(2026, 10, 23, 12), THURSDAY_TEN, BERLIN)
    assert before == (date(2026, 10, 22), utc(2026, 10, 22, 8))
    assert after == (date(2026, 10, 29), utc(2026, 10, 29, 9))


def test_the_prep_message_is_due_a_day_before_the_digest_in_each_members_working_hours():
    digest = utc(2026, 12, 9, 14)  # Wednesday 15:00 in Berlin
    assert prep_due(digest, BERLIN, BERLIN, OFFICE) == utc(2026, 12, 8, 14)  # Tuesday 15:00
    assert prep_due(digest, BERLIN, NEW_YORK, OFFICE) == utc(2026, 12, 8, 14)  # 09:00 in New York: at once
    # Tuesday 14:00 UTC is 01:00 on Wednesday in Sydney: the start of her working day there.
    assert prep_due(digest, BERLIN, SYDNEY, OFFICE) == utc(2026, 12, 8, 22)


def test_a_day_before_the_digest_is_the_same_wall_clock_time_across_a_dst_change():
    # Berlin starts summer time on Sunday 29 March 2026: the digest at 15:00 that day is 13:00 UTC,
    # and 15:00 on the Saturday before is 14:00 UTC, not 24 hours earlier.
    assert prep_due(utc(2026, 3, 29, 13), BERLIN, BERLIN, ALWAYS) == utc(2026, 3, 28, 14)


def test_the_feedback_message_is_due_when_the_meeting_ends_or_at_the_next_working_time():
    assert feedback_due(utc(2026, 12, 10, 9), THURSDAY_TEN, BERLIN, OFFICE) == utc(2026, 12, 10, 10, 30)
    late = Meeting(3, time(16, 0), minutes=120)  # ends at 18:00 in Berlin: the next morning at 09:00
    assert feedback_due(utc(2026, 12, 10, 15), late, BERLIN, OFFICE) == utc(2026, 12, 11, 8)
    assert feedback_due(utc(2026, 12, 10, 15), late, NEW_YORK, OFFICE) == utc(2026, 12, 10, 17)  # 12:00 there


def test_a_meeting_over_a_dst_change_lasts_its_minutes_not_its_wall_clock():
    # New York springs forward at 02:00 on Sunday 8 March 2026: a meeting from 01:00 for 90 minutes
    # ends at 03:30 on the clock, 07:30 UTC.
    night = Meeting(6, time(1, 0))
    assert feedback_due(utc(2026, 3, 8, 6), night, NEW_YORK, ALWAYS) == utc(2026, 3, 8, 7, 30)


def answers(*scores: int, said: tuple[str | None, ...] = ()) -> list[FeedbackAnswer]:
    return [FeedbackAnswer(f"U{n}", score, said[n] if n < len(said) else None) for n, score in enumerate(scores)]


def test_below_three_answers_only_the_suggestions_are_shown():
    summary = summarise_feedback(answers(9, 2, said=("more cases", "less talk")), named=False)

    assert (summary.answers, summary.median, summary.lowest, summary.highest) == (None, None, None, None)
    assert summary.suggestions == ((None, "less talk"), (None, "more cases"))
    assert FEEDBACK_FIGURES_FROM == 3


def test_from_three_answers_the_count_median_and_range_are_shown():
    summary = summarise_feedback(answers(5, 9, 8), named=False)
    assert (summary.answers, summary.median, summary.lowest, summary.highest) == (3, 8, 5, 9)
    assert summarise_feedback(answers(4, 10, 6, 7), named=False).median == 6.5


def test_anonymous_suggestions_carry_no_name_and_are_not_in_the_order_given():
    summary = summarise_feedback(answers(5, 9, 8, said=("Role-play", "agenda earlier", None)), named=False)
    assert summary.suggestions == ((None, "agenda earlier"), (None, "Role-play"))


def test_named_suggestions_say_who_in_the_order_given():
    summary = summarise_feedback(answers(5, 9, 8, said=("Role-play", "agenda earlier", None)), named=True)
    assert summary.suggestions == (("U0", "Role-play"), ("U1", "agenda earlier"))
    assert summary.answers == 3
