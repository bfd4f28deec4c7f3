"""When someone may be messaged: their own time zone, their group's working hours and
holidays. Every due time and every send goes through here."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.calendar import WorkingHours, at_local, next_allowed, zone
from bot.model import Group, Holiday, Person, in_tenant


def zone_of(session: Session, group: Group, user_id: str | None) -> ZoneInfo:
    """A user's own zone, as the platform last told us; the group's until we know it."""
    person = session.get(Person, (group.platform, group.tenant_id, user_id)) if user_id else None
    return _zone_of(person, group)


def zones_of(session: Session, group: Group, user_ids: list[str]) -> dict[str, ZoneInfo]:
    """`zone_of` for many users of the group, in one query."""
    people = session.exec(
        select(Person).where(in_tenant(Person, group.platform, group.tenant_id), Person.user_id.in_(user_ids))
    )
    known = {person.user_id: person for person in people}
    return {user_id: _zone_of(known.get(user_id), group) for user_id in user_ids}


def _zone_of(person: Person | None, group: Group) -> ZoneInfo:
    return zone(person.timezone if person and person.timezone else group.timezone)


def working_hours(session: Session, group: Group) -> WorkingHours:
    return WorkingHours(
        start=group.workday_start,
        end=group.workday_end,
        weekdays=frozenset(int(day) for day in group.workdays),
        holidays=holidays(session, group),
    )


def holidays(session: Session, group: Group) -> frozenset[date]:
    return frozenset(session.exec(select(Holiday.day).where(Holiday.group_id == group.id)))


def next_send_time(session: Session, group: Group, user_id: str, instant: datetime) -> datetime:
    """`instant`, or the start of the user's next working period in the group if it falls outside one."""
    return next_allowed(instant, zone_of(session, group, user_id), working_hours(session, group))


def after_holidays(session: Session, group: Group, instant: datetime) -> datetime:
    """`instant`, or, if it falls on a group holiday, the same local time on the next working day."""
    where = zone(group.timezone)
    hours = working_hours(session, group)
    local = instant.astimezone(where)
    if local.date() not in hours.holidays:
        return instant
    day = local.date() + timedelta(days=1)
    while not hours.is_working_day(day):
        day += timedelta(days=1)
    return at_local(day, time(local.hour, local.minute), where)
