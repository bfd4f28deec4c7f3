"""More of the values users type (working hours, working days, holidays), and how
group holidays move a send time in `calendar.next_allowed`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from bot import values
from bot.calendar import WorkingHours, next_allowed, zone
from bot.values import InvalidValue

NEW_YORK = zone("America/New_York")
SYDNEY = zone("Australia/Sydney")


# --- hour_range -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("09:00-17:00", (time(9, 0), time(17, 0))),
        ("9:30-16:45", (time(9, 30), time(16, 45))),
        ("00:00-23:59", (time(0, 0), time(23, 59))),
        (" 08:00-12:00 ", (time(8, 0), time(12, 0))),
        ("00:00-24:00", (time(0, 0), time.max)),
    ],
)
def test_hour_range_gives_the_start_and_end(raw, expected):
    assert values.hour_range(raw) == expected


@pytest.mark.parametrize("raw", ["17:00-09:00", "09:00-09:00"])
def test_hour_range_must_start_before_it_ends(raw):
    with pytest.raises(InvalidValue, match="start must come before the end"):
        values.hour_range(raw)


@pytest.mark.parametrize("raw", ["", "09:00", "9-17", "09:00-24:30", "09:00–17:00", "09:00-", "-17:00", "9am-5pm"])
def test_hour_range_in_a_wrong_form_is_refused_with_an_example(raw):
    with pytest.raises(InvalidValue, match="not a range of hours: write it like 09:00-17:00"):
        values.hour_range(raw)


# --- weekday_set --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("monday-friday", {0, 1, 2, 3, 4}),
        ("mon-sun", {0, 1, 2, 3, 4, 5, 6}),
        ("sat", {5}),
        ("sun-sun", {6}),
    ],
)
def test_weekday_set_of_a_range_or_a_single_day(raw, expected):
    assert values.weekday_set(raw) == frozenset(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sun-thu", {6, 0, 1, 2, 3}),
        ("fri-mon", {4, 5, 6, 0}),
        ("sat-sun", {5, 6}),
        ("tue-mon", {0, 1, 2, 3, 4, 5, 6}),
    ],
)
def test_weekday_set_wraps_round_the_end_of_the_week(raw, expected):
    assert values.weekday_set(raw) == frozenset(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("mon,wed,fri", {0, 2, 4}),
        ("fri,mon", {0, 4}),
        ("mon,mon", {0}),
        ("mon-wed,fri", {0, 1, 2, 4}),
        ("sun-mon,wed-thu", {6, 0, 2, 3}),
    ],
)
def test_weekday_set_of_a_list_of_days_and_ranges(raw, expected):
    assert values.weekday_set(raw) == frozenset(expected)


@pytest.mark.parametrize("raw", ["", "xyz", "mon,,fri", "mon-xyz", "mon-wed-fri", "mo-fr"])
def test_weekday_set_with_something_that_is_not_a_weekday_is_refused(raw):
    with pytest.raises(InvalidValue, match="is not a weekday"):
        values.weekday_set(raw)


# --- date_range ---------------------------------------------------------------------------


def test_date_range_of_one_day_starts_and_ends_on_it():
    assert values.date_range("2026-12-24") == (date(2026, 12, 24), date(2026, 12, 24))


def test_date_range_may_cross_the_new_year():
    assert values.date_range("2026-12-24..2027-01-01") == (date(2026, 12, 24), date(2027, 1, 1))


def test_date_range_backwards_is_refused():
    with pytest.raises(InvalidValue, match="first day comes after the last"):
        values.date_range("2027-01-01..2026-12-24")


def test_date_range_of_62_days_is_accepted_and_63_refused():
    assert values.MAX_HOLIDAY_DAYS == 62
    assert values.date_range("2026-01-01..2026-03-03") == (date(2026, 1, 1), date(2026, 3, 3))  # 62 days
    with pytest.raises(InvalidValue, match="at most 62 days"):
        values.date_range("2026-01-01..2026-03-04")  # 63 days


@pytest.mark.parametrize(
    "raw", ["", "24.12.2026", "xmas", "2026-12-24...2026-12-25", "2026-12-24..", "20261224", "2026-W52-4", "٢٠٢٦-12-24"]
)
def test_date_range_in_a_wrong_form_is_refused_with_an_example(raw):
    with pytest.raises(InvalidValue, match="write 2026-12-24 or 2026-12-24..2027-01-01"):
        values.date_range(raw)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2026-13-01", "“2026-13-01” is not a day: there is no month 13."),
        ("2026-00-10", "“2026-00-10” is not a day: there is no month 0."),
        ("2026-02-30", "“2026-02-30” is not a day: February 2026 has 28 days."),
        ("2026-12-24..2026-12-32", "“2026-12-32” is not a day: December 2026 has 31 days."),
    ],
)
def test_date_range_with_a_day_that_does_not_exist_says_why(raw, reason):
    with pytest.raises(InvalidValue) as caught:
        values.date_range(raw)
    assert str(caught.value).startswith(reason)


@pytest.mark.parametrize("raw", ["9999-12-31", "9999-12-30..9999-12-31", "2100-01-01", "1999-12-31..2000-01-02"])
def test_date_range_outside_the_years_a_calendar_can_hold_is_refused(raw):
    with pytest.raises(InvalidValue, match="must fall in the years 2000 to 2099"):
        values.date_range(raw)


def test_date_range_at_the_edges_of_the_years_is_accepted():
    assert values.date_range("2000-01-01") == (date(2000, 1, 1), date(2000, 1, 1))
    assert values.date_range("2099-12-01..2099-12-31") == (date(2099, 12, 1), date(2099, 12, 31))


# --- next_allowed with group holidays -----------------------------------------------------

# New York, June 2026 (EDT): Monday the 1st to Sunday the 7th, Monday the 8th, ...


def ny(day: int, hour: int, minute: int = 0, month: int = 6, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK).astimezone(timezone.utc)


def off(*days: date) -> WorkingHours:
    return WorkingHours(holidays=frozenset(days))


@pytest.mark.parametrize(
    ("instant", "holidays", "expected"),
    [
        (ny(6, 10), off(date(2026, 6, 8)), ny(9, 9)),  # Saturday, Monday off -> Tuesday
        (ny(3, 12), off(date(2026, 6, 3)), ny(4, 9)),  # midday on a holiday -> next morning
        (ny(3, 6), off(date(2026, 6, 3)), ny(4, 9)),  # early on a holiday -> next morning
        (ny(2, 18), off(date(2026, 6, 3)), ny(4, 9)),  # evening before a holiday -> the day after it
        (ny(2, 18), off(date(2026, 6, 3), date(2026, 6, 4)), ny(5, 9)),  # two days off in a row
        (ny(4, 17, 30), off(date(2026, 6, 5), date(2026, 6, 8)), ny(9, 9)),  # Friday and Monday off
    ],
)
def test_next_allowed_skips_holidays_to_the_next_working_morning(instant, holidays, expected):
    assert next_allowed(instant, NEW_YORK, holidays) == expected


def test_next_allowed_leaves_working_hours_on_other_days_unchanged():
    assert next_allowed(ny(4, 12), NEW_YORK, off(date(2026, 6, 3), date(2026, 6, 5))) == ny(4, 12)


def test_next_allowed_with_a_holiday_on_a_weekend_is_unchanged_by_it():
    assert next_allowed(ny(6, 10), NEW_YORK, off(date(2026, 6, 6))) == ny(8, 9)


def test_next_allowed_with_holidays_and_custom_hours_uses_the_custom_start():
    hours = WorkingHours(start=time(10, 0), end=time(14, 0), holidays=frozenset({date(2026, 6, 1)}))
    assert next_allowed(ny(1, 11), NEW_YORK, hours) == ny(2, 10)


def test_next_allowed_after_a_holiday_over_a_dst_change_is_nine_local():
    # Monday 2026-03-09 off; the Friday evening before is EST, the Tuesday after EDT.
    result = next_allowed(ny(6, 18, month=3), NEW_YORK, off(date(2026, 3, 9)))
    assert result == datetime(2026, 3, 10, 13, 0, tzinfo=timezone.utc)


def test_next_allowed_judges_a_holiday_by_the_local_date():
    # 23:30 UTC on Monday 2026-06-08 is 09:30 on Tuesday in Sydney.
    instant = datetime(2026, 6, 8, 23, 30, tzinfo=timezone.utc)
    wednesday_nine = datetime(2026, 6, 10, 9, 0, tzinfo=SYDNEY).astimezone(timezone.utc)
    assert next_allowed(instant, SYDNEY, off(date(2026, 6, 9))) == wednesday_nine
    assert next_allowed(instant, SYDNEY, off(date(2026, 6, 8))) == instant


def test_next_allowed_through_a_long_holiday():
    first = date(2026, 12, 21)
    hours = off(*(first + timedelta(days=n) for n in range(values.MAX_HOLIDAY_DAYS)))
    # 62 days from Monday 21 December: the last is Saturday 20 February; Monday 22 February is back.
    assert next_allowed(ny(21, 12, month=12), NEW_YORK, hours) == ny(22, 9, month=2, year=2027)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 6, 3), False),  # a holiday on a Wednesday
        (date(2026, 6, 4), True),  # the Thursday after it
        (date(2026, 6, 6), False),  # Saturday, holiday or not
    ],
)
def test_working_hours_is_working_day_excludes_holidays(day, working):
    assert off(date(2026, 6, 3), date(2026, 6, 6)).is_working_day(day) is working


@pytest.mark.parametrize("raw", ["mon-", "-fri"])
def test_weekday_range_with_a_missing_end_is_refused(raw):
    with pytest.raises(InvalidValue):
        values.weekday_set(raw)
