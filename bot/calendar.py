"""Local time: turning a user's wall-clock rules into UTC instants.

Wall-clock times that do not exist (the spring-forward gap) are moved forward by the
gap; times that happen twice (the autumn fold) take the first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.values import time_zone


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: frozenset[int] = frozenset(range(5))  # Monday is 0
    holidays: frozenset[date] = frozenset()

    def __post_init__(self):
        if not self.weekdays or self.start >= self.end:
            raise ValueError("working hours need at least one weekday and a start before the end")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`; ValueError if there is none."""
    return ZoneInfo(time_zone(name))


def at_local(day: date, clock: time, where: ZoneInfo) -> datetime:
    """The UTC instant when clocks in `where` show `clock` on `day`."""
    # With fold=0, zoneinfo reads a wall time in the spring-forward gap with the offset
    # from before the change, which lands just after the gap (02:30 becomes 03:30), and
    # a wall time that happens twice as its first occurrence.
    return datetime.combine(day, clock, tzinfo=where).astimezone(timezone.utc)


def local_date(instant: datetime, where: ZoneInfo) -> date:
    return instant.astimezone(where).date()


def end_of_local_day(instant: datetime, where: ZoneInfo) -> datetime:
    """The UTC instant the local day of `instant` ends: the next local midnight."""
    return at_local(local_date(instant, where) + timedelta(days=1), time(0, 0), where)


def add_local_days(instant: datetime, days: int, where: ZoneInfo) -> datetime:
    """The same wall-clock time `days` calendar days later, across any DST change."""
    local = instant.astimezone(where)
    # fold=0: the new day's wall time follows the same gap and fold rules as any other.
    return at_local(local.date() + timedelta(days=days), local.time().replace(tzinfo=None, fold=0), where)


def next_allowed(instant: datetime, where: ZoneInfo, hours: WorkingHours = WorkingHours()) -> datetime:
    """`instant` if it falls in working hours, else the start of the next working period."""
    local = instant.astimezone(where)
    clock = local.time().replace(tzinfo=None)
    if hours.is_working_day(local.date()) and hours.start <= clock < hours.end:
        return instant
    day = local.date()
    if not hours.is_working_day(day) or clock >= hours.end:
        day += timedelta(days=1)
    while not hours.is_working_day(day):
        day += timedelta(days=1)
    return at_local(day, hours.start, where)


def latest_weekly(now: datetime, weekday: int, clock: time, where: ZoneInfo) -> tuple[date, datetime]:
    """The most recent occurrence, at or before `now`, of `weekday` at `clock` in `where`:
    its local date and its UTC instant."""
    today = now.astimezone(where).date()
    day = today - timedelta(days=(today.weekday() - weekday) % 7)
    instant = at_local(day, clock, where)
    if instant > now:
        day -= timedelta(days=7)
        instant = at_local(day, clock, where)
    return day, instant


def weekly_around(now: datetime, weekday: int, clock: time, where: ZoneInfo) -> list[tuple[date, datetime]]:
    """The latest occurrence at or before `now` and the one after it."""
    day, instant = latest_weekly(now, weekday, clock, where)
    following = day + timedelta(days=7)
    return [(day, instant), (following, at_local(following, clock, where))]


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
