"""Practice time: the kind of a practice log told from its activity's words, and minutes per
week and per kind over the last weeks, in the therapist's own zone. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.model import PracticeKind

WEEKS_SHOWN = 8
KIND_LABELS = {
    PracticeKind.RECORDING_REVIEW: "recording review",
    PracticeKind.SKILL_REHEARSAL: "skill rehearsal",
    PracticeKind.READING: "reading",
    PracticeKind.NOTES_REVIEW: "reviewing learning notes",
    PracticeKind.CONSULTATION: "consultation",
    PracticeKind.OTHER: "other",
}
# The first kind with a word of the activity starting with one of its keywords; "read my notes"
# is reviewing notes, so notes come before reading.
KEYWORDS = (
    (PracticeKind.RECORDING_REVIEW, ("recording", "tape", "video")),
    (PracticeKind.SKILL_REHEARSAL, ("rehears", "role-play", "roleplay", "role play", "drill")),
    (PracticeKind.NOTES_REVIEW, ("notes",)),
    (PracticeKind.READING, ("read", "article", "book", "paper")),
    (PracticeKind.CONSULTATION, ("consult", "peer")),
)
RULES = tuple(
    (kind, re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + ")", re.IGNORECASE))
    for kind, words in KEYWORDS
)


def kind_of(activity: str) -> PracticeKind:
    """The kind of practice the activity's words tell, e.g. "reviewed a session recording"."""
    return next((kind for kind, rule in RULES if rule.search(activity)), PracticeKind.OTHER)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def first_week_shown(today: date, weeks: int = WEEKS_SHOWN) -> date:
    """The Monday that starts the oldest of the `weeks` weeks ending with today's."""
    return monday_of(today) - timedelta(weeks=weeks - 1)


def weeks_start(today: date, where: ZoneInfo, weeks: int = WEEKS_SHOWN) -> datetime:
    """The instant the oldest week shown starts: its Monday's midnight in the therapist's zone."""
    return datetime.combine(first_week_shown(today, weeks), time(0), tzinfo=where)


def minutes_per_week(
    logs: Iterable[tuple[datetime, int]], today: date, where: ZoneInfo, weeks: int = WEEKS_SHOWN
) -> list[int]:
    """Minutes in each of the `weeks` weeks (Monday to Sunday in `where`) ending with today's,
    oldest first; logs outside them are left out."""
    first = first_week_shown(today, weeks)
    totals = [0] * weeks
    for logged_at, minutes in logs:
        week = (monday_of(logged_at.astimezone(where).date()) - first).days // 7
        if 0 <= week < weeks:
            totals[week] += minutes
    return totals


def minutes_by_kind(logs: Iterable[tuple[PracticeKind, int]]) -> dict[PracticeKind, int]:
    """Minutes of each kind practised, most first (in KIND_LABELS' order when equal)."""
    totals = dict.fromkeys(KIND_LABELS, 0)
    for kind, minutes in logs:
        totals[kind] += minutes
    order = list(KIND_LABELS)
    ranked = sorted((kind for kind in totals if totals[kind]), key=lambda kind: (-totals[kind], order.index(kind)))
    return {kind: totals[kind] for kind in ranked}


def minutes_per_week_by_kind(
    logs: Iterable[tuple[datetime, PracticeKind, int]], today: date, where: ZoneInfo, weeks: int = WEEKS_SHOWN
) -> dict[PracticeKind, list[int]]:
    """Each kind practised in the `weeks` weeks ending with today's, with its minutes in each
    week, oldest first; in KIND_LABELS' order."""
    by_kind: dict[PracticeKind, list[tuple[datetime, int]]] = {}
    for logged_at, kind, minutes in logs:
        by_kind.setdefault(kind, []).append((logged_at, minutes))
    totals = {kind: minutes_per_week(by_kind.get(kind, []), today, where, weeks) for kind in KIND_LABELS}
    return {kind: weekly for kind, weekly in totals.items() if any(weekly)}
