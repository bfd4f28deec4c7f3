"""The group's meeting: when it is, the digest day it implies, when the messages before and
after it go out, and what the coach's preview may show of the feedback on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from statistics import median
from zoneinfo import ZoneInfo

from bot.calendar import WorkingHours, add_local_days, at_local, latest_weekly, next_allowed

DEFAULT_MINUTES = 90
# Below this many answers a median or a range would tell the coach what one or two people said.
FEEDBACK_FIGURES_FROM = 3


class RequestKind(StrEnum):
    """What a therapist wants from the next meeting."""

    CASE = "case"  # bring a case: a client code and the question
    SKILL = "skill"  # practise a skill
    QUESTION = "question"  # a question for the coach
    NOTHING = "nothing"  # nothing this time


REQUESTS = {
    RequestKind.CASE: "Bring a case",
    RequestKind.SKILL: "Practise a skill",
    RequestKind.QUESTION: "A question for the coach",
    RequestKind.NOTHING: "Nothing this time",
}


@dataclass(frozen=True)
class Meeting:
    weekday: int  # Monday is 0
    at: time
    minutes: int = DEFAULT_MINUTES


def working_day_before(weekday: int, workdays: frozenset[int]) -> int:
    """The weekday of the last working day before a meeting on `weekday` (a week before, if
    that is the only working day)."""
    return next((weekday - back) % 7 for back in range(1, 8) if (weekday - back) % 7 in workdays)


def next_meeting(after: datetime, meeting: Meeting, where: ZoneInfo) -> tuple[date, datetime]:
    """The first meeting that starts at or after `after`: its local date and its UTC start."""
    day, start = latest_weekly(after, meeting.weekday, meeting.at, where)
    if start < after:
        day += timedelta(days=7)
        start = at_local(day, meeting.at, where)
    return day, start


def meetings_around(now: datetime, meeting: Meeting, where: ZoneInfo) -> list[tuple[date, datetime]]:
    """The latest meeting that started at or before `now`, and the next one."""
    day, start = latest_weekly(now, meeting.weekday, meeting.at, where)
    following = day + timedelta(days=7)
    return [(day, start), (following, at_local(following, meeting.at, where))]


def prep_due(digest_due: datetime, group_zone: ZoneInfo, member_zone: ZoneInfo, hours: WorkingHours) -> datetime:
    """A day before the digest (its wall-clock time the day before, in the group's zone), or the
    start of the member's next working period after that."""
    return next_allowed(add_local_days(digest_due, -1, group_zone), member_zone, hours)


def feedback_due(start: datetime, meeting: Meeting, member_zone: ZoneInfo, hours: WorkingHours) -> datetime:
    """When the meeting ends, or the start of the member's next working period after that."""
    return next_allowed(start + timedelta(minutes=meeting.minutes), member_zone, hours)


@dataclass(frozen=True)
class FeedbackAnswer:
    user_id: str
    usefulness: int  # 0-10
    suggestion: str | None


@dataclass(frozen=True)
class FeedbackSummary:
    """What the coach's preview shows. The figures are None below FEEDBACK_FIGURES_FROM answers;
    a suggestion's author is None unless the group names them."""

    answers: int | None
    median: float | None
    lowest: int | None
    highest: int | None
    suggestions: tuple[tuple[str | None, str], ...]


def summarise_feedback(answers: list[FeedbackAnswer], named: bool) -> FeedbackSummary:
    """The anonymity rule and the minimum for figures, in one place."""
    said = [(answer.user_id if named else None, answer.suggestion) for answer in answers if answer.suggestion]
    # Unnamed, the order of answering could tell who wrote which: they are listed alphabetically.
    suggestions = tuple(said if named else sorted(said, key=lambda pair: pair[1].lower()))
    if len(answers) < FEEDBACK_FIGURES_FROM:
        return FeedbackSummary(None, None, None, None, suggestions)
    scores = [answer.usefulness for answer in answers]
    return FeedbackSummary(len(scores), float(median(scores)), min(scores), max(scores), suggestions)
