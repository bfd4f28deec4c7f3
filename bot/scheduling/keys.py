"""Delivery keys: one per occurrence, so that scheduling it again adds nothing. Stored rows
carry these exact strings, so a change here needs a migration of the keys already stored."""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.calendar import iso_week

REMINDER_SUFFIX = ":reminder"
WEEK_AT_END = re.compile(r":(\d{4}-W\d{2})$")


def weekly_digest(group_id: int, day: date) -> str:
    return f"digest:{group_id}:{iso_week(day)}"


def digest_now(group_id: int, now: datetime) -> str:
    """A digest the coach asked to post now: it has no week, so it is never superseded."""
    return f"digest:{group_id}:now:{now.isoformat()}"


def weekly_check_in(group_id: int, user_id: str, day: date) -> str:
    return f"check_in:{group_id}:{user_id}:{iso_week(day)}"


def follow_up(advice_id: int, due: datetime) -> str:
    return f"follow_up:{advice_id}:{due:%Y%m%dT%H%M}"


def review(objective_id: int, review_on: date) -> str:
    return f"review:{objective_id}:{review_on.isoformat()}"


def reminder(key: str) -> str:
    return key + REMINDER_SUFFIX


def occurrence(key: str) -> str:
    """The key of the occurrence a delivery belongs to: its own, or its original's for a reminder."""
    return key.removesuffix(REMINDER_SUFFIX)


def week_of(key: str) -> str | None:
    """The ISO week of a weekly occurrence's key, such as 2026-W53; None for a reminder and
    for a digest posted by hand."""
    found = WEEK_AT_END.search(key)
    return found.group(1) if found else None


def resurfacing(note_id: int, step: int) -> str:
    return f"resurfacing:{note_id}:{step}"


def step_of(key: str) -> int:
    """The step of the schedule a learning note's resurfacing key is for."""
    return int(key.rsplit(":", 1)[1])


def prep(group_id: int, user_id: str, meeting_on: date) -> str:
    return f"prep:{group_id}:{user_id}:{meeting_on.isoformat()}"


def feedback(group_id: int, user_id: str, meeting_on: date) -> str:
    return f"feedback:{group_id}:{user_id}:{meeting_on.isoformat()}"


def meeting_of(key: str) -> date:
    """The meeting (its local date) a prep or feedback key, or its reminder's, is for."""
    return date.fromisoformat(occurrence(key).rsplit(":", 1)[1])
