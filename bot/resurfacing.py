"""The spaced schedule on which a learning note comes back to its author: on the days after
writing that the settings give (by default 2, 7, 21 and 60), then no more; at most one note a
day, in their working hours, never while they have paused it, never once archived.

Pure: the caller reads the note, the person's zone and hours, and the last resurfacing sent.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.calendar import WorkingHours, add_local_days, at_local, local_date, next_allowed
from bot.scheduling.steps import Defer, Skip

HELD_FOR = timedelta(days=365)  # a paused resurfacing waits for `notes resume`, which sends it at once


def step_due(written_at: datetime, step: int, days: tuple[int, ...], where: ZoneInfo) -> datetime | None:
    """When the note's step (0 for its first return) falls due, at the time of day it was
    written in the author's zone; None once the schedule has no more steps."""
    if step >= len(days):
        return None
    return add_local_days(written_at, days[step], where)


def next_step_due(
    written_at: datetime, step: int, days: tuple[int, ...], where: ZoneInfo, now: datetime
) -> datetime | None:
    """The next step's due time, but never the same local day as `now`, when a step was sent."""
    due = step_due(written_at, step, days, where)
    return None if due is None else max(due, at_local(local_date(now, where) + timedelta(days=1), time(0), where))


def hold_back(
    now: datetime,
    where: ZoneInfo,
    hours: WorkingHours,
    *,
    archived: bool,
    paused: bool,
    last_sent: datetime | None,
) -> Skip | Defer | None:
    """Why a due resurfacing is not sent now, or None to send it."""
    if archived:
        return Skip("the note is archived")
    if paused:
        return Defer(now + HELD_FOR, for_pause=True)
    if last_sent is not None and local_date(last_sent, where) == local_date(now, where):
        tomorrow = at_local(local_date(now, where) + timedelta(days=1), time(0), where)
        return Defer(next_allowed(tomorrow, where, hours))
    allowed = next_allowed(now, where, hours)
    return Defer(allowed) if allowed > now else None
