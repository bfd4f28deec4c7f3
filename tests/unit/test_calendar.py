"""Time-zone logic in bot.calendar: wall-clock rules turned into UTC instants.

Documented rule: a wall-clock time in the spring-forward gap is moved forward by the gap
(02:30 becomes 03:30); one in the autumn fold takes the first occurrence.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from bot.calendar import (
    WorkingHours,
    add_local_days,
    at_local,
    end_of_local_day,
    iso_week,
    latest_weekly,
    local_date,
    next_allowed,
    weekly_around,
    zone,
)

NEW_YORK = zone("America/New_York")
SYDNEY = zone("Australia/Sydney")
LORD_HOWE = zone("Australia/Lord_Howe")
SANTIAGO = zone("America/Santiago")

MONDAY, TUESDAY, FRIDAY, SATURDAY, SUNDAY = 0, 1, 4, 5, 6


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def hours(h: float) -> timedelta:
    return timedelta(hours=h)


# The UTC instants of the 2026 transitions these tests rely on, with the offsets on
# either side. Checked against the installed zone data below, so a change in the rules
# (Chile's change often) fails here, loudly, rather than somewhere obscure.
TRANSITIONS_2026 = [
    # New York: spring forward 2026-03-08 02:00 EST -> 03:00 EDT; fall back 2026-11-01 02:00 EDT -> 01:00 EST.
    (NEW_YORK, utc(2026, 3, 8, 7, 0), -5, -4),
    (NEW_YORK, utc(2026, 11, 1, 6, 0), -4, -5),
    # Sydney: DST ends 2026-04-05 03:00 -> 02:00; starts 2026-10-04 02:00 -> 03:00.
    (SYDNEY, utc(2026, 4, 4, 16, 0), 11, 10),
    (SYDNEY, utc(2026, 10, 3, 16, 0), 10, 11),
    # Lord Howe (half-hour shift): ends 2026-04-05 02:00 -> 01:30; starts 2026-10-04 02:00 -> 02:30.
    (LORD_HOWE, utc(2026, 4, 4, 15, 0), 11, 10.5),
    (LORD_HOWE, utc(2026, 10, 3, 15, 30), 10.5, 11),
    # Santiago: DST ends 2026-04-05 00:00 -> 2026-04-04 23:00; starts 2026-09-06 00:00 -> 01:00.
    (SANTIAGO, utc(2026, 4, 5, 3, 0), -3, -4),
    (SANTIAGO, utc(2026, 9, 6, 4, 0), -4, -3),
]


@pytest.mark.parametrize(("where", "instant", "before", "after"), TRANSITIONS_2026)
def test_zone_data_has_the_transitions_these_tests_assume(where, instant, before, after):
    one_minute = timedelta(minutes=1)
    assert (instant - one_minute).astimezone(where).utcoffset() == hours(before)
    assert instant.astimezone(where).utcoffset() == hours(after)


# --- zone -------------------------------------------------------------------------


def test_zone_returns_the_named_zone():
    assert zone("Europe/Berlin").key == "Europe/Berlin"


@pytest.mark.parametrize("name", ["Not/AZone", "", "Europe/Nowhere", "Europe", "America", "A" * 300, "localtime"])
def test_zone_rejects_unknown_names_with_a_helpful_message(name):
    with pytest.raises(ValueError) as raised:
        zone(name)
    message = str(raised.value)
    assert f"“{name}”" in message
    assert "IANA time zone" in message
    assert "Europe/Berlin" in message


# --- at_local ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "day", "clock", "expected"),
    [
        # Ordinary times on either side of the year.
        (NEW_YORK, date(2026, 1, 15), time(9, 0), utc(2026, 1, 15, 14, 0)),
        (NEW_YORK, date(2026, 7, 15), time(9, 0), utc(2026, 7, 15, 13, 0)),
        (SYDNEY, date(2026, 1, 15), time(9, 0), utc(2026, 1, 14, 22, 0)),
        (SYDNEY, date(2026, 7, 15), time(9, 0), utc(2026, 7, 14, 23, 0)),
        (LORD_HOWE, date(2026, 7, 15), time(9, 0), utc(2026, 7, 14, 22, 30)),
        (SANTIAGO, date(2026, 7, 15), time(9, 0), utc(2026, 7, 15, 13, 0)),
    ],
)
def test_at_local_uses_the_offset_in_force_on_that_day(where, day, clock, expected):
    assert at_local(day, clock, where) == expected


@pytest.mark.parametrize(
    ("where", "day", "clock", "expected_utc", "expected_local"),
    [
        # New York 02:30 does not exist on 2026-03-08: 03:30 EDT.
        (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30), time(3, 30)),
        # Sydney 02:30 does not exist on 2026-10-04: 03:30 AEDT.
        (SYDNEY, date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 16, 30), time(3, 30)),
        # Lord Howe skips only half an hour (02:00-02:29) on 2026-10-04: 02:15 becomes 02:45.
        (LORD_HOWE, date(2026, 10, 4), time(2, 15), utc(2026, 10, 3, 15, 45), time(2, 45)),
        # Santiago skips midnight on 2026-09-06: 00:00 becomes 01:00, 00:30 becomes 01:30.
        (SANTIAGO, date(2026, 9, 6), time(0, 0), utc(2026, 9, 6, 4, 0), time(1, 0)),
        (SANTIAGO, date(2026, 9, 6), time(0, 30), utc(2026, 9, 6, 4, 30), time(1, 30)),
    ],
)
def test_at_local_moves_a_nonexistent_time_forward_by_the_gap(where, day, clock, expected_utc, expected_local):
    instant = at_local(day, clock, where)
    assert instant == expected_utc
    local = instant.astimezone(where)
    assert (local.date(), local.time()) == (day, expected_local)


@pytest.mark.parametrize(
    ("where", "day", "clock", "first", "second"),
    [
        # New York 01:30 happens twice on 2026-11-01: EDT (05:30 UTC), then EST (06:30 UTC).
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)),
        # Sydney 02:30 happens twice on 2026-04-05.
        (SYDNEY, date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30), utc(2026, 4, 4, 16, 30)),
        # Lord Howe 01:45 happens twice on 2026-04-05, half an hour apart.
        (LORD_HOWE, date(2026, 4, 5), time(1, 45), utc(2026, 4, 4, 14, 45), utc(2026, 4, 4, 15, 15)),
        # Santiago 23:30 happens twice on 2026-04-04.
        (SANTIAGO, date(2026, 4, 4), time(23, 30), utc(2026, 4, 5, 2, 30), utc(2026, 4, 5, 3, 30)),
    ],
)
def test_at_local_takes_the_first_occurrence_of_an_ambiguous_time(where, day, clock, first, second):
    # Both instants really do show `clock` on `day`: the time is ambiguous.
    for instant in (first, second):
        local = instant.astimezone(where)
        assert (local.date(), local.time()) == (day, clock)
    assert at_local(day, clock, where) == first


def test_at_local_returns_utc():
    assert at_local(date(2026, 7, 15), time(9, 0), SYDNEY).utcoffset() == timedelta(0)


def test_local_date_is_the_date_on_the_local_calendar():
    # 20:00 UTC on Monday is already Tuesday morning in Sydney.
    assert local_date(utc(2026, 6, 1, 20, 0), SYDNEY) == date(2026, 6, 2)
    assert local_date(utc(2026, 6, 1, 20, 0), NEW_YORK) == date(2026, 6, 1)


# --- add_local_days ---------------------------------------------------------------


def test_add_local_days_keeps_the_wall_clock_time_across_fall_back():
    start = at_local(date(2026, 10, 25), time(10, 0), NEW_YORK)  # 10:00 EDT
    assert start == utc(2026, 10, 25, 14, 0)
    later = add_local_days(start, 14, NEW_YORK)
    local = later.astimezone(NEW_YORK)
    assert (local.date(), local.time()) == (date(2026, 11, 8), time(10, 0))
    assert local.utcoffset() == hours(-5)  # now EST
    assert later == utc(2026, 11, 8, 15, 0)
    assert later - start == timedelta(days=14, hours=1)


def test_add_local_days_keeps_the_wall_clock_time_across_spring_forward():
    start = utc(2026, 3, 1, 15, 0)  # 10:00 EST
    later = add_local_days(start, 14, NEW_YORK)
    assert later == utc(2026, 3, 15, 14, 0)  # 10:00 EDT
    assert later - start == timedelta(days=14) - hours(1)


def test_add_local_days_keeps_lord_howe_half_hour_shift():
    start = at_local(date(2026, 3, 29), time(9, 0), LORD_HOWE)  # +11:00
    later = add_local_days(start, 7, LORD_HOWE)
    assert later == utc(2026, 4, 4, 22, 30)  # 09:00 +10:30
    assert later - start == timedelta(days=7, minutes=30)


def test_add_local_days_counts_local_calendar_days_not_utc_days():
    # 20:00 UTC Monday is 06:00 Tuesday in Sydney; one day later is 06:00 Wednesday there.
    later = add_local_days(utc(2026, 6, 1, 20, 0), 1, SYDNEY)
    assert later == utc(2026, 6, 2, 20, 0)
    assert later.astimezone(SYDNEY).date() == date(2026, 6, 3)


def test_add_local_days_goes_backwards_with_negative_days():
    start = utc(2026, 11, 8, 15, 0)  # 10:00 EST
    assert add_local_days(start, -14, NEW_YORK) == utc(2026, 10, 25, 14, 0)  # 10:00 EDT


def test_add_local_days_into_a_gap_moves_forward():
    # 02:30 on the Saturday before spring forward, one day later, does not exist: 03:30 EDT.
    start = at_local(date(2026, 3, 7), time(2, 30), NEW_YORK)
    assert add_local_days(start, 1, NEW_YORK) == utc(2026, 3, 8, 7, 30)


def test_add_local_days_into_a_fold_takes_the_first_occurrence():
    start = at_local(date(2026, 10, 25), time(1, 30), NEW_YORK)
    assert add_local_days(start, 7, NEW_YORK) == utc(2026, 11, 1, 5, 30)


# --- next_allowed -----------------------------------------------------------------

# A week in New York without DST changes: Monday 2026-06-01 ... Sunday 2026-06-07 (EDT, UTC-4).


def ny_june(day: int, hour: int, minute: int = 0) -> datetime:
    return at_local(date(2026, 6, day), time(hour, minute), NEW_YORK)


@pytest.mark.parametrize(
    "instant",
    [
        ny_june(1, 9, 0),  # Monday, exactly at the start
        ny_june(3, 12, 30),  # Wednesday midday
        ny_june(5, 16, 59),  # Friday, a minute before the end
    ],
)
def test_next_allowed_leaves_an_instant_inside_working_hours_unchanged(instant):
    assert next_allowed(instant, NEW_YORK) == instant


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (ny_june(2, 6, 0), ny_june(2, 9, 0)),  # Tuesday before 09:00 -> same day
        (ny_june(2, 0, 0), ny_june(2, 9, 0)),  # Tuesday midnight -> same day
        (ny_june(2, 17, 0), ny_june(3, 9, 0)),  # Tuesday exactly 17:00 -> Wednesday
        (ny_june(2, 23, 59), ny_june(3, 9, 0)),  # Tuesday late -> Wednesday
        (ny_june(5, 17, 0), ny_june(8, 9, 0)),  # Friday 17:00 -> Monday
        (ny_june(5, 21, 0), ny_june(8, 9, 0)),  # Friday evening -> Monday
        (ny_june(6, 10, 0), ny_june(8, 9, 0)),  # Saturday -> Monday
        (ny_june(7, 8, 0), ny_june(8, 9, 0)),  # Sunday morning -> Monday
        (ny_june(7, 23, 0), ny_june(8, 9, 0)),  # Sunday night -> Monday
        (ny_june(1, 8, 59), ny_june(1, 9, 0)),  # Monday before 09:00 -> same day
    ],
)
def test_next_allowed_moves_to_the_start_of_the_next_working_period(instant, expected):
    assert next_allowed(instant, NEW_YORK) == expected


def test_next_allowed_judges_working_hours_by_local_time():
    # 13:00 UTC on Monday 2026-06-01 is 09:00 in New York (allowed) but 23:00 in Sydney (not).
    instant = utc(2026, 6, 1, 13, 0)
    assert next_allowed(instant, NEW_YORK) == instant
    assert next_allowed(instant, SYDNEY) == at_local(date(2026, 6, 2), time(9, 0), SYDNEY)


def test_next_allowed_judges_the_weekday_by_local_date():
    # 23:00 UTC on Sunday 2026-06-07 is Monday 09:00 in Sydney.
    instant = utc(2026, 6, 7, 23, 0)
    assert next_allowed(instant, SYDNEY) == instant
    # ... and 22:00 UTC that Sunday is Monday 08:00 there: wait an hour, not until Tuesday.
    assert next_allowed(utc(2026, 6, 7, 22, 0), SYDNEY) == instant


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (ny_june(1, 8, 0), ny_june(1, 10, 0)),  # before a custom start
        (ny_june(1, 10, 0), ny_june(1, 10, 0)),  # at a custom start
        (ny_june(1, 13, 59), ny_june(1, 13, 59)),  # just inside a custom end
        (ny_june(1, 14, 0), ny_june(2, 10, 0)),  # at a custom end, Monday -> Tuesday
        (ny_june(4, 14, 0), ny_june(7, 10, 0)),  # Thursday after hours -> Sunday
        (ny_june(5, 11, 0), ny_june(7, 10, 0)),  # Friday is a day off -> Sunday
        (ny_june(6, 11, 0), ny_june(7, 10, 0)),  # Saturday is a day off -> Sunday
        (ny_june(7, 11, 0), ny_june(7, 11, 0)),  # Sunday is a working day
    ],
)
def test_next_allowed_follows_custom_working_hours(instant, expected):
    sunday_to_thursday = WorkingHours(
        start=time(10, 0), end=time(14, 0), weekdays=frozenset({SUNDAY, MONDAY, TUESDAY, 2, 3})
    )
    assert next_allowed(instant, NEW_YORK, sunday_to_thursday) == expected


@pytest.mark.parametrize(
    ("instant", "expected_utc", "expected_day"),
    [
        # Friday evening before spring forward (EST) -> Monday 09:00 EDT.
        (at_local(date(2026, 3, 6), time(18, 0), NEW_YORK), utc(2026, 3, 9, 13, 0), date(2026, 3, 9)),
        # Saturday of the fall-back weekend (EDT) -> Monday 09:00 EST.
        (at_local(date(2026, 10, 31), time(12, 0), NEW_YORK), utc(2026, 11, 2, 14, 0), date(2026, 11, 2)),
        # During the repeated hour itself (second 01:30, EST) -> Monday 09:00 EST.
        (utc(2026, 11, 1, 6, 30), utc(2026, 11, 2, 14, 0), date(2026, 11, 2)),
    ],
)
def test_next_allowed_across_a_dst_weekend_is_nine_local(instant, expected_utc, expected_day):
    result = next_allowed(instant, NEW_YORK)
    assert result == expected_utc
    local = result.astimezone(NEW_YORK)
    assert (local.date(), local.time()) == (expected_day, time(9, 0))


def test_next_allowed_across_a_lord_howe_dst_weekend_is_nine_local():
    friday_evening = at_local(date(2026, 10, 2), time(18, 0), LORD_HOWE)  # +10:30
    result = next_allowed(friday_evening, LORD_HOWE)
    assert result == utc(2026, 10, 4, 22, 0)  # Monday 09:00 +11:00
    assert result.astimezone(LORD_HOWE).time() == time(9, 0)


def test_next_allowed_with_a_start_inside_the_gap_moves_forward():
    # A Sunday-only group starting at 00:30 in Santiago: on 2026-09-06 that is 01:30.
    sunday_half_past_midnight = WorkingHours(start=time(0, 30), end=time(6, 0), weekdays=frozenset({SUNDAY}))
    saturday_evening = at_local(date(2026, 9, 5), time(20, 0), SANTIAGO)
    assert next_allowed(saturday_evening, SANTIAGO, sunday_half_past_midnight) == utc(2026, 9, 6, 4, 30)


# --- latest_weekly and weekly_around ----------------------------------------------


def test_latest_weekly_counts_an_occurrence_at_exactly_now():
    now = at_local(date(2026, 6, 3), time(10, 0), NEW_YORK)  # Wednesday 10:00
    assert latest_weekly(now, 2, time(10, 0), NEW_YORK) == (date(2026, 6, 3), now)


def test_latest_weekly_just_before_the_occurrence_is_the_previous_week():
    occurrence = at_local(date(2026, 6, 3), time(10, 0), NEW_YORK)
    now = occurrence - timedelta(microseconds=1)
    assert latest_weekly(now, 2, time(10, 0), NEW_YORK) == (
        date(2026, 5, 27),
        at_local(date(2026, 5, 27), time(10, 0), NEW_YORK),
    )


def test_latest_weekly_later_in_the_week_is_this_weeks_occurrence():
    now = at_local(date(2026, 6, 6), time(23, 0), NEW_YORK)  # Saturday
    assert latest_weekly(now, 2, time(10, 0), NEW_YORK) == (date(2026, 6, 3), utc(2026, 6, 3, 14, 0))


def test_latest_weekly_uses_the_local_date_not_the_utc_date():
    now = utc(2026, 6, 1, 20, 0)  # Monday in UTC, Tuesday 06:00 in Sydney
    # Tuesday 05:00 Sydney has already happened today there.
    assert latest_weekly(now, TUESDAY, time(5, 0), SYDNEY) == (date(2026, 6, 2), utc(2026, 6, 1, 19, 0))
    # Tuesday 09:00 Sydney has not: the latest is last Tuesday's.
    assert latest_weekly(now, TUESDAY, time(9, 0), SYDNEY) == (date(2026, 5, 26), utc(2026, 5, 25, 23, 0))


def test_weekly_around_gives_the_latest_and_the_next_occurrence():
    now = at_local(date(2026, 6, 4), time(12, 0), NEW_YORK)  # Thursday
    assert weekly_around(now, 2, time(10, 0), NEW_YORK) == [
        (date(2026, 6, 3), utc(2026, 6, 3, 14, 0)),
        (date(2026, 6, 10), utc(2026, 6, 10, 14, 0)),
    ]


def test_weekly_around_at_exactly_now_starts_with_now():
    now = utc(2026, 6, 3, 14, 0)  # Wednesday 10:00 EDT
    assert weekly_around(now, 2, time(10, 0), NEW_YORK)[0] == (date(2026, 6, 3), now)


def test_weekly_around_just_before_an_occurrence_ends_with_it():
    occurrence = utc(2026, 6, 3, 14, 0)
    assert weekly_around(occurrence - timedelta(seconds=1), 2, time(10, 0), NEW_YORK) == [
        (date(2026, 5, 27), utc(2026, 5, 27, 14, 0)),
        (date(2026, 6, 3), occurrence),
    ]


def test_weekly_occurrence_keeps_its_local_time_across_spring_forward():
    # Mondays 10:00 in New York: 15:00 UTC before 2026-03-08, 14:00 UTC after.
    now = utc(2026, 3, 9, 13, 59)  # a minute before Monday 10:00 EDT
    (before_day, before), (after_day, after) = weekly_around(now, MONDAY, time(10, 0), NEW_YORK)
    assert (before_day, before) == (date(2026, 3, 2), utc(2026, 3, 2, 15, 0))
    assert (after_day, after) == (date(2026, 3, 9), utc(2026, 3, 9, 14, 0))
    assert after - before == timedelta(days=7) - hours(1)


def test_weekly_occurrence_already_passed_after_spring_forward_is_latest():
    # 14:30 UTC is 10:30 EDT: the 10:00 meeting has happened, though 14:30 < 15:00 (its EST time).
    now = utc(2026, 3, 9, 14, 30)
    assert latest_weekly(now, MONDAY, time(10, 0), NEW_YORK) == (date(2026, 3, 9), utc(2026, 3, 9, 14, 0))


def test_weekly_occurrence_keeps_its_local_time_across_fall_back():
    # Mondays 10:00 in New York: 14:00 UTC before 2026-11-01, 15:00 UTC after.
    now = utc(2026, 11, 2, 14, 30)  # 09:30 EST: the meeting has not happened yet
    assert weekly_around(now, MONDAY, time(10, 0), NEW_YORK) == [
        (date(2026, 10, 26), utc(2026, 10, 26, 14, 0)),
        (date(2026, 11, 2), utc(2026, 11, 2, 15, 0)),
    ]


def test_weekly_occurrence_on_the_fold_takes_the_first_occurrence():
    # Sundays 01:30 New York; on 2026-11-01 the first 01:30 is 05:30 UTC.
    first = utc(2026, 11, 1, 5, 30)
    assert latest_weekly(first, SUNDAY, time(1, 30), NEW_YORK) == (date(2026, 11, 1), first)
    # During the second 01:30 the (first) occurrence has already happened.
    assert latest_weekly(utc(2026, 11, 1, 6, 30), SUNDAY, time(1, 30), NEW_YORK) == (date(2026, 11, 1), first)
    # Just before the first 01:30 it is last week's.
    assert latest_weekly(first - timedelta(seconds=1), SUNDAY, time(1, 30), NEW_YORK) == (
        date(2026, 10, 25),
        utc(2026, 10, 25, 5, 30),
    )


def test_weekly_occurrence_in_the_gap_moves_forward():
    # Sundays 02:30 New York; on 2026-03-08 that is 03:30 EDT = 07:30 UTC.
    now = utc(2026, 3, 8, 7, 15)  # 03:15 EDT, after the nominal 02:30 but before 03:30
    assert weekly_around(now, SUNDAY, time(2, 30), NEW_YORK) == [
        (date(2026, 3, 1), utc(2026, 3, 1, 7, 30)),
        (date(2026, 3, 8), utc(2026, 3, 8, 7, 30)),
    ]


def test_weekly_occurrence_keeps_its_local_time_across_lord_howe_half_hour_shifts():
    # Sundays 09:00 on Lord Howe Island: +11:00 until 2026-04-05, +10:30 after.
    now = utc(2026, 4, 4, 22, 30)  # exactly 09:00 +10:30 on 2026-04-05
    (before_day, before), (day, latest) = weekly_around(now - timedelta(seconds=1), SUNDAY, time(9, 0), LORD_HOWE)
    assert (before_day, before) == (date(2026, 3, 29), utc(2026, 3, 28, 22, 0))
    assert (day, latest) == (date(2026, 4, 5), now)
    assert latest - before == timedelta(days=7, minutes=30)
    # And back on 2026-10-04 (+11:00 again).
    assert latest_weekly(utc(2026, 10, 4, 0, 0), SUNDAY, time(9, 0), LORD_HOWE) == (
        date(2026, 10, 4),
        utc(2026, 10, 3, 22, 0),
    )


def test_weekly_occurrence_in_lord_howe_fold_and_gap():
    # 01:45 happens twice on 2026-04-05: the first (14:45 UTC) counts.
    second = utc(2026, 4, 4, 15, 15)
    assert latest_weekly(second, SUNDAY, time(1, 45), LORD_HOWE) == (date(2026, 4, 5), utc(2026, 4, 4, 14, 45))
    # 02:15 does not exist on 2026-10-04: it becomes 02:45 (+11:00) = 15:45 UTC.
    assert latest_weekly(utc(2026, 10, 3, 15, 45), SUNDAY, time(2, 15), LORD_HOWE) == (
        date(2026, 10, 4),
        utc(2026, 10, 3, 15, 45),
    )
    assert latest_weekly(utc(2026, 10, 3, 15, 44), SUNDAY, time(2, 15), LORD_HOWE)[0] == date(2026, 9, 27)


def test_weekly_occurrence_at_santiago_midnight_that_does_not_exist():
    # Sundays 00:00 in Santiago; on 2026-09-06 midnight is skipped, so it is 01:00 -03 = 04:00 UTC.
    assert weekly_around(utc(2026, 9, 6, 3, 59), SUNDAY, time(0, 0), SANTIAGO) == [
        (date(2026, 8, 30), utc(2026, 8, 30, 4, 0)),  # 00:00 -04
        (date(2026, 9, 6), utc(2026, 9, 6, 4, 0)),
    ]
    assert latest_weekly(utc(2026, 9, 6, 4, 0), SUNDAY, time(0, 0), SANTIAGO) == (
        date(2026, 9, 6),
        utc(2026, 9, 6, 4, 0),
    )


# --- iso_week ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), "2026-W01"),
        (date(2026, 1, 4), "2026-W01"),
        (date(2026, 1, 5), "2026-W02"),
        (date(2026, 12, 31), "2026-W53"),
        (date(2027, 1, 3), "2026-W53"),
        (date(2027, 1, 4), "2027-W01"),
        (date(2025, 12, 29), "2026-W01"),
        (date(2026, 6, 15), "2026-W25"),
    ],
)
def test_iso_week(day, expected):
    assert iso_week(day) == expected


def test_add_local_days_from_the_second_occurrence_of_a_fold_follows_the_gap_rule():
    second_0230 = datetime(2026, 4, 4, 16, 30, tzinfo=timezone.utc)  # Sydney's repeated 02:30, second time
    assert add_local_days(second_0230, 182, zone("Australia/Sydney")) == datetime(
        2026, 10, 3, 16, 30, tzinfo=timezone.utc
    )


def test_add_local_days_from_a_fold_into_a_fold_takes_the_first_occurrence():
    second_0130 = datetime(2026, 11, 1, 6, 30, tzinfo=timezone.utc)  # New York's repeated 01:30, second time
    assert add_local_days(second_0130, 371, zone("America/New_York")) == datetime(
        2027, 11, 7, 5, 30, tzinfo=timezone.utc
    )


def test_working_hours_without_weekdays_are_refused():
    with pytest.raises(ValueError):
        WorkingHours(weekdays=frozenset())


@pytest.mark.parametrize(
    ("instant", "where", "expected"),
    [
        (datetime(2027, 1, 4, 9, tzinfo=timezone.utc), "Europe/London", datetime(2027, 1, 5, 0, tzinfo=timezone.utc)),
        (datetime(2027, 1, 4, 9, tzinfo=timezone.utc), "Asia/Tokyo", datetime(2027, 1, 4, 15, tzinfo=timezone.utc)),
        # Midnight does not exist in Santiago on 2026-09-06: Saturday ends at 01:00 -03:00.
        (
            datetime(2026, 9, 5, 12, tzinfo=timezone.utc),
            "America/Santiago",
            datetime(2026, 9, 6, 4, tzinfo=timezone.utc),
        ),
    ],
)
def test_end_of_local_day_is_the_next_local_midnight_or_what_the_gap_makes_of_it(instant, where, expected):
    assert end_of_local_day(instant, zone(where)) == expected
