"""Practice time: each log's kind told from its activity's words, and minutes per week (Monday
to Sunday in the therapist's own zone) and per kind over the last 8 weeks."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.model import PracticeKind
from bot.practice_time import (
    first_week_shown,
    kind_of,
    minutes_by_kind,
    minutes_per_week,
    minutes_per_week_by_kind,
    weeks_start,
)

K = PracticeKind


@pytest.mark.parametrize(
    ("activity", "kind"),
    [
        ("reviewed a session recording", K.RECORDING_REVIEW),
        ("listened to two Recordings", K.RECORDING_REVIEW),
        ("watched a tape of Tuesday's session", K.RECORDING_REVIEW),
        ("video review with timestamps", K.RECORDING_REVIEW),
        ("rehearsed a rupture repair", K.SKILL_REHEARSAL),
        ("rehearsal of the opening", K.SKILL_REHEARSAL),
        ("role-play of a hard first session", K.SKILL_REHEARSAL),
        ("roleplay with a colleague", K.SKILL_REHEARSAL),
        ("Role play: summarising", K.SKILL_REHEARSAL),
        ("drilled open questions", K.SKILL_REHEARSAL),
        ("read Chow et al. on practice", K.READING),
        ("reading about the alliance", K.READING),
        ("an article on feedback", K.READING),
        ("book chapter on ruptures", K.READING),
        ("a paper on deliberate practice", K.READING),
        ("went over my notes", K.NOTES_REVIEW),
        ("read my learning notes again", K.NOTES_REVIEW),  # notes, though it says read
        ("consultation with my coach", K.CONSULTATION),
        ("consulted on a hard case", K.CONSULTATION),
        ("peer supervision", K.CONSULTATION),
        ("video of a role-play", K.RECORDING_REVIEW),  # the first kind in the rule's order
        ("reported at the weekly check-in", K.OTHER),
        ("mindfulness before sessions", K.OTHER),
        ("spread out a plan", K.OTHER),  # "read" only at the start of a word
        ("thread of ideas", K.OTHER),
        ("a notebook of phrases", K.OTHER),  # neither "book" nor "notes" starts a word of it
    ],
)
def test_the_kind_is_told_from_the_words_of_the_activity(activity, kind):
    assert kind_of(activity) is kind


NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
THURSDAY = date(2026, 11, 12)  # its week began on Monday 9 November


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def test_the_eight_weeks_end_with_this_one_and_start_on_a_monday_at_local_midnight():
    assert first_week_shown(THURSDAY) == date(2026, 9, 21)
    assert weeks_start(THURSDAY, NEW_YORK) == datetime(2026, 9, 21, tzinfo=NEW_YORK)
    assert weeks_start(THURSDAY, NEW_YORK).astimezone(timezone.utc) == utc(2026, 9, 21, 4)  # summer time then


def test_minutes_fall_in_the_week_of_their_local_day_oldest_first():
    logs = [
        (utc(2026, 11, 9, 12), 20),  # this week
        (utc(2026, 11, 12, 1), 10),  # Wednesday evening in New York: this week
        (utc(2026, 11, 9, 3), 15),  # Sunday 8 November, 22:00 in New York: last week
        (utc(2026, 9, 21, 5), 30),  # the oldest week's Monday, 01:00 in New York
        (utc(2026, 9, 21, 3), 99),  # Sunday 20 September in New York: before the eight weeks
    ]
    assert minutes_per_week(logs, THURSDAY, NEW_YORK) == [30, 0, 0, 0, 0, 0, 15, 30]


def test_the_same_instant_is_another_week_in_another_zone():
    sunday_night_utc = [(utc(2026, 11, 8, 20), 25)]  # Monday 9 November, 07:00 in Sydney
    assert minutes_per_week(sunday_night_utc, THURSDAY, NEW_YORK)[-2:] == [25, 0]
    assert minutes_per_week(sunday_night_utc, THURSDAY, SYDNEY)[-2:] == [0, 25]


def test_a_week_across_the_end_of_summer_time_is_still_one_week():
    # New York left summer time on Sunday 1 November 2026: that week ran from 26 October, 04:00 UTC,
    # to 2 November, 05:00 UTC.
    logs = [(utc(2026, 10, 26, 4, 30), 10), (utc(2026, 11, 2, 4, 30), 20), (utc(2026, 11, 2, 5, 30), 40)]
    assert minutes_per_week(logs, THURSDAY, NEW_YORK)[-3:] == [30, 40, 0]


def test_minutes_by_kind_most_first_and_only_kinds_practised():
    logs = [(K.READING, 20), (K.RECORDING_REVIEW, 30), (K.READING, 15), (K.OTHER, 35), (K.SKILL_REHEARSAL, 5)]
    assert list(minutes_by_kind(logs).items()) == [
        (K.READING, 35),
        (K.OTHER, 35),  # as many: in the labels' order, other last
        (K.RECORDING_REVIEW, 30),
        (K.SKILL_REHEARSAL, 5),
    ]
    assert minutes_by_kind([]) == {}


def test_minutes_per_week_by_kind_keeps_only_the_kinds_practised_in_the_weeks_shown():
    new_york = ZoneInfo("America/New_York")
    logs = [
        (datetime(2026, 11, 30, 15, tzinfo=timezone.utc), K.READING, 20),
        (datetime(2026, 12, 1, 15, tzinfo=timezone.utc), K.RECORDING_REVIEW, 30),
        (datetime(2026, 12, 2, 15, tzinfo=timezone.utc), K.READING, 10),
        (datetime(2026, 11, 24, 15, tzinfo=timezone.utc), K.READING, 5),
        (datetime(2026, 10, 1, 15, tzinfo=timezone.utc), K.CONSULTATION, 60),  # before the weeks shown
    ]
    found = minutes_per_week_by_kind(logs, date(2026, 12, 3), new_york, weeks=2)
    assert found == {K.RECORDING_REVIEW: [0, 30], K.READING: [5, 30]}
