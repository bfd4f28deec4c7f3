"""Unit tests for the small values users type: client codes, scores, durations, times, text."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest

from bot import values
from bot.outcomes import Band, shown
from bot.values import InvalidValue

# Client codes: privacy first, so names are refused.


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("C12", "C12"),
        ("K-7", "K-7"),
        ("c12", "C12"),
        ("k-7", "K-7"),
        ("7", "7"),
        ("ABCDEFGHIJK1", "ABCDEFGHIJK1"),
        ("JD7", "JD7"),
        ("CBT-3", "CBT-3"),
        ("123456789012", "123456789012"),
        ("C1899", "C1899"),
        ("C2040", "C2040"),
    ],
)
def test_client_code_accepts_letters_digits_dashes_and_upper_cases_them(raw, expected):
    assert values.client_code(raw) == expected


@pytest.mark.parametrize("raw", ["John", "smith", "Mary", "JOHN", "Mary-Jane", "Anna1", "anna1", "Smith-4", "Thabo2"])
def test_client_code_refuses_a_name_even_with_a_digit(raw):
    with pytest.raises(InvalidValue, match="looks like a name") as caught:
        values.client_code(raw)
    assert "like C12 or K-7" in str(caught.value)


@pytest.mark.parametrize("raw", ["JS", "ab", "ABC", "a", "CBT", "K-X"])
def test_client_code_refuses_initials_and_letters_without_a_digit(raw):
    with pytest.raises(InvalidValue, match="must contain at least one digit") as caught:
        values.client_code(raw)
    assert "like C12 or K-7" in str(caught.value)


@pytest.mark.parametrize("raw", ["JD-1980", "1980", "C2039", "K-1900", "X20011"])
def test_client_code_refuses_a_year(raw):
    with pytest.raises(InvalidValue, match="contains a year") as caught:
        values.client_code(raw)
    assert "like C12 or K-7" in str(caught.value)


@pytest.mark.parametrize("raw", ["ABCDEFGHIJKL3", "---", "C_12", "C.12", "C 12", "", "C12!", "Zoë1", "C١٢"])
def test_client_code_refuses_wrong_characters_or_length(raw):
    with pytest.raises(InvalidValue, match="is not a client code") as caught:
        values.client_code(raw)
    assert "1–12 letters, digits or dashes" in str(caught.value)


def test_client_code_of_thirteen_characters_is_refused_but_twelve_accepted():
    assert values.client_code("X1" * 6) == "X1" * 6
    with pytest.raises(InvalidValue, match="is not a client code"):
        values.client_code("X1" * 6 + "X")


# Scores: whole numbers 0 to 40.


@pytest.mark.parametrize(("raw", "expected"), [("0", 0), ("40", 40), ("17", 17), ("07", 7)])
def test_score_accepts_whole_numbers_from_0_to_40(raw, expected):
    assert values.score(raw, "ORS score") == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("23.5", "23.5"), ("0.1", "0.1"), ("39.9", "39.9"), ("40.0", "40"), ("18,5", "18.5"), (" 7.0 ", "7")],
)
def test_score_accepts_one_decimal_place_exactly(raw, expected):
    value = values.score(raw, "ORS score")
    assert value == Decimal(expected) and shown(value) == expected


def test_score_above_40_is_out_of_range():
    with pytest.raises(InvalidValue, match=r"from 0 to 40; 41 is out of range"):
        values.score("41", "ORS score")
    with pytest.raises(InvalidValue, match=r"from 0 to 40; 40.1 is out of range"):
        values.score("40.1", "ORS score")


@pytest.mark.parametrize("raw", ["-1", "3.55", "3.", ".5", "x", "", "100", "4O", "٣", "1e1", "18.5.1"])
def test_score_that_is_not_a_number_with_one_decimal_place_is_refused(raw):
    with pytest.raises(InvalidValue, match="must be a number from 0 to 40 with at most one decimal place"):
        values.score(raw, "SRS score")


@pytest.mark.parametrize(
    ("raw", "band"), [("child", Band.CHILD), ("Adolescent", Band.ADOLESCENT), ("ADULT", Band.ADULT)]
)
def test_band_is_one_of_three_in_any_case(raw, band):
    assert values.band(raw) is band


@pytest.mark.parametrize("raw", ["teen", "12", "", "adults"])
def test_anything_else_is_not_a_band(raw):
    with pytest.raises(InvalidValue, match="is not an age band: use child, adolescent, adult"):
        values.band(raw)


@pytest.mark.parametrize("what", ["SRS score", "baseline ORS"])
def test_score_message_says_what_the_score_is_for(what):
    with pytest.raises(InvalidValue, match=f"^The {what} must be"):
        values.score("x", what)


# Durations: days or weeks, 1 to 365 days.


@pytest.mark.parametrize(
    ("raw", "days"),
    [
        ("10d", 10),
        ("2w", 14),
        ("1d", 1),
        ("365d", 365),
        ("52w", 364),
        ("2W", 14),
        ("3D", 3),
        ("3 days", 3),
        ("1 day", 1),
        ("2 weeks", 14),
        ("1 Week", 7),
        ("3days", 3),
        ("2 w", 14),
        ("two weeks", 14),
        ("Three days", 3),
        ("a week", 7),
        ("an day", 1),
        ("twelve weeks", 84),
        ("thirty days", 30),
        ("a fortnight", 14),
        ("2 fortnights", 28),
    ],
)
def test_duration_in_days_or_weeks(raw, days):
    assert values.duration_days(raw, "pause") == days


@pytest.mark.parametrize(
    "raw",
    [
        *("10", "d", "2m", "1.5w", "-3d", "1000d", "w2", "", "3 dayz", "3 sessions", "2 weeks later", "٣d"),
        *("ad", "twod", "two", "forty days", "a few days", "two months"),
    ],
)
def test_duration_in_a_wrong_form_is_refused(raw):
    with pytest.raises(InvalidValue, match="is not a number of days or weeks") as caught:
        values.duration_days(raw, "pause")
    assert "like 10d, 10 days, 2w or 2 weeks" in str(caught.value)


@pytest.mark.parametrize("raw", ["0d", "0w", "366d", "53w", "500d"])
def test_duration_outside_one_to_365_days_is_refused_naming_what_it_is_for(raw):
    with pytest.raises(InvalidValue, match="^The pause must be 1 to 365 days long"):
        values.duration_days(raw, "pause")
    with pytest.raises(InvalidValue, match="^The follow-up must be 1 to 365 days away"):
        values.duration_days(raw, "follow-up")


# Weekdays: full names or prefixes of at least three letters.


@pytest.mark.parametrize(
    ("raw", "index"),
    [
        ("monday", 0),
        ("Mon", 0),
        ("tue", 1),
        ("wednesday", 2),
        ("thu", 3),
        ("THURS", 3),
        ("fri", 4),
        ("sat", 5),
        ("sun", 6),
        ("Sunday", 6),
    ],
)
def test_weekday_by_name_or_three_letter_prefix(raw, index):
    assert values.weekday(raw) == index


@pytest.mark.parametrize("raw", ["mo", "t", "", "mondays", "funday", "1", "week"])
def test_weekday_that_is_not_a_day_is_refused(raw):
    with pytest.raises(InvalidValue, match="is not a weekday"):
        values.weekday(raw)


# Times of day: 24-hour HH:MM.


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15:00", time(15, 0)),
        ("9:30", time(9, 30)),
        ("09:05", time(9, 5)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
    ],
)
def test_clock_time_in_24_hour_form(raw, expected):
    assert values.clock_time(raw) == expected


@pytest.mark.parametrize("raw", ["24:00", "12:60", "9", "9:5", "3pm", "12.30", "", "123:00"])
def test_clock_time_in_a_wrong_form_is_refused(raw):
    with pytest.raises(InvalidValue, match="is not a time of day"):
        values.clock_time(raw)


# Bounded text.


@pytest.mark.parametrize(("what", "limit"), [("objective", 300), ("advice", 500), ("activity", 200)])
def test_bounded_text_accepts_up_to_the_limit(what, limit):
    assert values.bounded_text("x" * limit, what) == "x" * limit


@pytest.mark.parametrize(("what", "limit"), [("objective", 300), ("advice", 500), ("activity", 200)])
def test_bounded_text_over_the_limit_names_the_limit(what, limit):
    with pytest.raises(InvalidValue, match=f"The {what} is {limit + 1} characters long; keep it to {limit}"):
        values.bounded_text("x" * (limit + 1), what)


def test_bounded_text_collapses_whitespace():
    assert values.bounded_text("  be   more\tcurious \n", "objective") == "be more curious"


def test_bounded_text_counts_length_after_collapsing_whitespace():
    assert values.bounded_text("a" + " " * 400 + "b", "objective") == "a b"


@pytest.mark.parametrize("raw", ["", "   ", "\n\t"])
def test_bounded_text_that_is_empty_is_refused(raw):
    with pytest.raises(InvalidValue, match="The advice is empty"):
        values.bounded_text(raw, "advice")


# Whole numbers within bounds.


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("600", 600), ("30", 30), ("030", 30)])
def test_whole_number_within_bounds(raw, expected):
    assert values.whole_number(raw, "number of minutes", 1, 600) == expected


@pytest.mark.parametrize("raw", ["0", "601", "-5", "2.5", "ten", "", "1234567"])
def test_whole_number_outside_bounds_or_malformed_is_refused(raw):
    with pytest.raises(InvalidValue, match="The number of minutes must be a whole number from 1 to 600"):
        values.whole_number(raw, "number of minutes", 1, 600)


def test_invalid_value_is_a_value_error():
    assert issubclass(InvalidValue, ValueError)


# Time zones: only real IANA zones.


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Europe/Berlin", "Europe/Berlin"), ("america/new_york", "America/New_York"), ("UTC", "UTC")],
)
def test_time_zone_accepts_iana_zones_in_any_case(raw, expected):
    assert values.time_zone(raw) == expected


@pytest.mark.parametrize("raw", ["Europe", "america", "Africa/"])
def test_time_zone_that_is_only_a_region_asks_for_the_city(raw):
    with pytest.raises(InvalidValue, match="is a region, not an IANA time zone") as caught:
        values.time_zone(raw)
    assert "Europe/Berlin" in str(caught.value)


@pytest.mark.parametrize(
    "raw", ["Berlin", "Europe/Atlantis", "A" * 300, "Europe/" + "x" * 300, "../etc/passwd", "localtime", ""]
)
def test_time_zone_that_is_not_an_iana_zone_is_refused(raw):
    with pytest.raises(InvalidValue, match="is not an IANA time zone") as caught:
        values.time_zone(raw)
    assert "Area/City, like Europe/Berlin" in str(caught.value)
