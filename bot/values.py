"""Parsing and checking the small values users type: client codes, scores, durations, times."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

MAX_SCORE = 40
CLIENT_CODE = re.compile(r"[A-Za-z0-9-]{1,12}")
MAX_LETTERS_ONLY = 3  # "ABC" can be a code; "JOHN" or "Mary-Jane" is a name
DURATION = re.compile(r"(\d{1,3})([dw])")
CLOCK_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_FOLLOW_UP_DAYS = 365

TEXT_LIMITS = {"objective": 300, "advice": 500, "activity": 200, "note": 1000}


class InvalidValue(ValueError):
    """A value the user typed that cannot be used; the message says why, for the user."""


def client_code(raw: str) -> str:
    code = raw.strip()
    if not CLIENT_CODE.fullmatch(code) or not any(character.isalnum() for character in code):
        raise InvalidValue(
            f"“{raw}” is not a client code."
            " A client code is 1–12 letters, digits or dashes that you choose, like C12 or K-7."
        )
    letters = code.replace("-", "")
    if letters.isalpha() and (len(letters) > MAX_LETTERS_ONLY or (len(letters) > 1 and not letters.isupper())):
        raise InvalidValue(
            f"“{code}” looks like a name. Never use a client's name here: use a code you choose, like C12 or K-7."
        )
    return code.upper()


def score(raw: str, kind: str = "score") -> int:
    if not re.fullmatch(r"\d{1,2}", raw.strip()):
        raise InvalidValue(f"The {kind.upper()} score must be a whole number from 0 to {MAX_SCORE}, not “{raw}”.")
    value = int(raw)
    if value > MAX_SCORE:
        raise InvalidValue(f"The {kind.upper()} score must be from 0 to {MAX_SCORE}; {value} is out of range.")
    return value


def duration_days(raw: str) -> int:
    match = DURATION.fullmatch(raw.strip().lower())
    if not match:
        raise InvalidValue(f"“{raw}” is not a duration: write a number of days or weeks, like 10d or 2w.")
    days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    if not 1 <= days <= MAX_FOLLOW_UP_DAYS:
        raise InvalidValue(f"The follow-up must be 1 to {MAX_FOLLOW_UP_DAYS} days away; “{raw}” is {days} days.")
    return days


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


def date_range(raw: str) -> tuple[date, date]:
    first, dots, last = raw.partition("..")
    try:
        start = date.fromisoformat(first)
        end = date.fromisoformat(last) if dots else start
    except ValueError:
        raise InvalidValue(
            f"“{raw}” is not a day or a range of days: write 2026-12-24 or 2026-12-24..2027-01-01."
        ) from None
    if end < start:
        raise InvalidValue(f"In “{raw}” the first day comes after the last.")
    if end - start >= timedelta(days=MAX_HOLIDAY_DAYS):
        raise InvalidValue(f"A holiday can be at most {MAX_HOLIDAY_DAYS} days long.")
    return start, end
