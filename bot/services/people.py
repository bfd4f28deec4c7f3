"""What we know of each person from their platform: their time zone."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from bot.calendar import zone
from bot.model import Delivery, DeliveryKind, DeliveryStatus, Group, Member, Person
from bot.scheduling.planner import plan_group


def remember_timezone(
    session: Session, team_id: str, user_id: str, timezone_name: str, now: datetime, check_in_window: timedelta
) -> None:
    """Store the user's zone; when it changed, plan their weekly check-ins again in the new one."""
    try:
        zone(timezone_name)
    except ValueError:
        timezone_name = "UTC"
    person = session.get(Person, (team_id, user_id))
    moved = person is not None and person.timezone != timezone_name
    person = person or Person(team_id=team_id, user_id=user_id, timezone=timezone_name)
    person.timezone, person.refreshed_at = timezone_name, now
    session.add(person)
    if moved:
        _replan_check_ins(session, team_id, user_id, now, check_in_window)


def _replan_check_ins(session: Session, team_id: str, user_id: str, now: datetime, window: timedelta) -> None:
    groups = session.exec(
        select(Group)
        .join(Member, Member.group_id == Group.id)
        .where(Group.team_id == team_id, Member.user_id == user_id, Member.left_at.is_(None))
    ).all()
    for group in groups:
        session.execute(
            delete(Delivery).where(
                Delivery.group_id == group.id,
                Delivery.recipient_id == user_id,
                Delivery.kind == DeliveryKind.CHECK_IN,
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.due_at > now,
            )
        )
        session.flush()
        plan_group(session, group, now, window)
