"""Parsing and checking the small values users type: client codes, scores, durations, times."""

from __future__ import annotations

import re
from calendar import month_name, monthrange
from datetime import date, time, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import available_timezones

from bot.identifiers import is_listed_name
from bot.outcomes import Band, points

MAX_SCORE = 40
SCORE = re.compile(r"\d{1,2}([.,]\d)?", re.ASCII)  # 18, 18.5, or 18,5 as many write it
MAX_SESSION = 999
MAX_PRACTICE_MINUTES = 600  # one log of deliberate practice
CLIENT_CODE = re.compile(r"[A-Za-z0-9-]{1,12}")
GOOD_CODES = "like C12 or K-7"
LETTER_RUN = re.compile(r"[A-Za-z]+")
MIN_NAME_LETTERS = 3  # "JD7" or "CL3" may be a code; "Anna1" holds a name
NAME_LIKE = re.compile(r"[A-Z][a-z]{2,}")  # "Thabo2": written the way names are
YEAR = re.compile(r"19\d\d|20[0-3]\d")
NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
        " seventeen eighteen nineteen twenty".split(),
        start=1,
    )
} | {"thirty": 30, "a": 1, "an": 1}
DURATION = re.compile(rf"(?:(\d{{1,3}}) ?|({'|'.join(NUMBER_WORDS)}) )(d|days?|w|weeks?|fortnights?)", re.ASCII)
UNIT_DAYS = {"d": 1, "w": 7, "f": 14}
CLOCK_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)", re.ASCII)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_FOLLOW_UP_DAYS = 365

TEXT_LIMITS = {
    "objective": 300,
    "advice": 500,
    "activity": 200,
    "note": 1000,
    "reason": 300,
    "request": 500,
    "suggestion": 500,
}


class InvalidValue(ValueError):
    """A value the user typed that cannot be used; the message says why, for the user."""


def client_code(raw: str) -> str:
    """A code the therapist chose. It must not identify: no name, no year, and at least one digit."""
    code = raw.strip()
    if not CLIENT_CODE.fullmatch(code) or not any(character.isalnum() for character in code):
        raise InvalidValue(
            f"“{raw}” is not a client code. A client code is 1–12 letters, digits or dashes that you choose,"
            f" {GOOD_CODES}."
        )
    if any(_is_a_name(letters) for letters in LETTER_RUN.findall(code)):
        raise InvalidValue(
            f"“{code}” looks like a name. Never use a client's name here: use a code you choose, {GOOD_CODES}."
        )
    if YEAR.search(code):
        raise InvalidValue(
            f"“{code}” contains a year, which could identify the client (a birth year, say):"
            f" use a code you choose, {GOOD_CODES}."
        )
    if not any(character.isdigit() for character in code):
        raise InvalidValue(
            f"The client code “{code}” must contain at least one digit, so that it cannot be someone's initials:"
            f" use a code you choose, {GOOD_CODES}."
        )
    return code.upper()


def _is_a_name(letters: str) -> bool:
    return len(letters) >= MIN_NAME_LETTERS and (is_listed_name(letters) or bool(NAME_LIKE.fullmatch(letters)))


def score(raw: str, what: str) -> Decimal:
    """A total from 0 to 40 with at most one decimal place; `what` says which, for the
    message: "ORS score", "baseline ORS"."""
    typed = raw.strip()
    if not SCORE.fullmatch(typed):
        raise InvalidValue(
            f"The {what} must be a number from 0 to {MAX_SCORE} with at most one decimal place,"
            f" like 18 or 23.5, not “{raw}”."
        )
    value = points(typed.replace(",", "."))
    if value > MAX_SCORE:
        raise InvalidValue(f"The {what} must be from 0 to {MAX_SCORE}; {typed} is out of range.")
    return value


def band(raw: str) -> Band:
    try:
        return Band(raw.strip().lower())
    except ValueError:
        choices = ", ".join(member.value for member in Band)
        raise InvalidValue(f"“{raw}” is not an age band: use {choices}.") from None


DURATION_RULES = {"follow-up": "days away", "pause": "days long"}


def duration_days(raw: str, what: str) -> int:
    """ "10d", "10 days", "2w" or "2 weeks", for a follow-up or a pause (`what`); the number
    may be written out ("two weeks", "a week"), and the unit may be a fortnight."""
    match = DURATION.fullmatch(raw.strip().lower())
    if not match:
        raise InvalidValue(
            f"“{raw}” is not a number of days or weeks: write the {what} like 10d, 10 days, 2w or 2 weeks."
        )
    digits, word, unit = match.groups()
    days = (int(digits) if digits else NUMBER_WORDS[word]) * UNIT_DAYS[unit[0]]
    if not 1 <= days <= MAX_FOLLOW_UP_DAYS:
        raise InvalidValue(
            f"The {what} must be 1 to {MAX_FOLLOW_UP_DAYS} {DURATION_RULES[what]}; “{raw}” is {days} days."
        )
    return days


ZONE_EXAMPLES = "like Europe/Berlin or America/New_York"


@cache
def _zones_by_lower_name() -> dict[str, str]:
    # "localtime" and "Factory" are files in the zone database, not zones anyone lives in.
    return {name.lower(): name for name in available_timezones() - {"localtime", "Factory", "posixrules"}}


def time_zone(raw: str) -> str:
    """The IANA name of the zone the user means ("europe/berlin" is Europe/Berlin)."""
    wanted = raw.strip().rstrip("/").lower()
    name = _zones_by_lower_name().get(wanted)
    if name is not None:
        return name
    if wanted and any(known.startswith(wanted + "/") for known in _zones_by_lower_name()):
        raise InvalidValue(f"“{raw}” is a region, not an IANA time zone: add the city, as Area/City, {ZONE_EXAMPLES}.")
    raise InvalidValue(f"“{raw}” is not an IANA time zone: name one as Area/City, {ZONE_EXAMPLES}.")


def weekday(raw: str) -> int:
    word = raw.strip().lower()
    if len(word) >= 3:
        for index, name in enumerate(WEEKDAYS):
            if name.startswith(word):
                return index
    raise InvalidValue(f"“{raw}” is not a weekday: use monday … sunday (or mon … sun).")


def clock_time(raw: str) -> time:
    match = CLOCK_TIME.fullmatch(raw.strip())
    if not match:
        raise InvalidValue(f"“{raw}” is not a time of day: use 24-hour HH:MM, like 15:00.")
    return time(int(match.group(1)), int(match.group(2)))


MEETING_LENGTH = re.compile(r"(\d{1,3})m", re.ASCII | re.IGNORECASE)
MEETING_MINUTES = (15, 480)


def meeting_minutes(raw: str) -> int:
    """A meeting's length in minutes, written like 90m."""
    match = MEETING_LENGTH.fullmatch(raw.strip())
    low, high = MEETING_MINUTES
    if not match or not low <= int(match.group(1)) <= high:
        raise InvalidValue(f"“{raw}” is not a meeting length: write minutes from {low} to {high}, like 90m.")
    return int(match.group(1))


def bounded_text(raw: str, what: str) -> str:
    value = " ".join(raw.split())
    if not value:
        raise InvalidValue(f"The {what} is empty.")
    limit = TEXT_LIMITS[what]
    if len(value) > limit:
        raise InvalidValue(f"The {what} is {len(value)} characters long; keep it to {limit}.")
    return value


def whole_number(raw: str, what: str, low: int, high: int) -> int:
    value = raw.strip()
    if not re.fullmatch(r"\d{1,6}", value) or not low <= int(value) <= high:
        raise InvalidValue(f"The {what} must be a whole number from {low} to {high}, not “{raw}”.")
    return int(value)


def hour_range(raw: str) -> tuple[time, time]:
    start, _, end = raw.partition("-")
    try:
        first, last = clock_time(start), time.max if end == "24:00" else clock_time(end)
    except InvalidValue:
        raise InvalidValue(f"“{raw}” is not a range of hours: write it like 09:00-17:00.") from None
    if first >= last:
        raise InvalidValue(f"In “{raw}” the start must come before the end.")
    return first, last


def weekday_set(raw: str) -> frozenset[int]:
    """“mon-fri”, “sun-thu” (wrapping round the week) or “mon,wed,fri”."""
    days: set[int] = set()
    for part in raw.lower().split(","):
        first, dash, last = part.partition("-")
        start = weekday(first)
        end = weekday(last) if dash else start
        days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
    return frozenset(days)


MAX_HOLIDAY_DAYS = 62
HOLIDAY_YEARS = (2000, 2099)  # well inside what date arithmetic can hold
ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
DATE_RANGE_FORM = "write 2026-12-24 or 2026-12-24..2027-01-01"


def date_range(raw: str) -> tuple[date, date]:
    """The holiday "2026-12-24" or "2026-12-24..2027-01-01"."""
    first, dots, last = raw.partition("..")
    start = _day(first, raw)
    end = _day(last, raw) if dots else start
    if end < start:
        raise InvalidValue(f"In “{raw}” the first day comes after the last.")
    if end - start >= timedelta(days=MAX_HOLIDAY_DAYS):
        raise InvalidValue(f"A holiday can be at most {MAX_HOLIDAY_DAYS} days long.")
    return start, end


def _day(raw_day: str, raw: str) -> date:
    match = ISO_DAY.fullmatch(raw_day)
    if not match:
        raise InvalidValue(f"“{raw}” is not a day or a range of days: {DATE_RANGE_FORM}.")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise InvalidValue(f"“{raw_day}” is not a day: there is no month {month}. Days are YYYY-MM-DD.")
    if not HOLIDAY_YEARS[0] <= year <= HOLIDAY_YEARS[1]:
        raise InvalidValue(
            f"Holidays must fall in the years {HOLIDAY_YEARS[0]} to {HOLIDAY_YEARS[1]}; “{raw_day}” does not."
        )
    days_in_month = monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise InvalidValue(f"“{raw_day}” is not a day: {month_name[month]} {year} has {days_in_month} days.")
    return date(year, month, day)
