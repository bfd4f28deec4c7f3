"""Fills the delivery table with each group's weekly occurrences: digests and check-ins.

Follow-ups and objective reviews are scheduled when they are created, in the same
transaction, so only the weekly rhythm needs planning. Each occurrence has one key, so
planning again, from any process, adds nothing.

An occurrence held back (by holidays, working hours or an outage) to the day the next one
of its kind is due is superseded by it: only the newest is sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from bot.availability import next_send_time, zone_of
from bot.calendar import end_of_local_day, weekly_around, zone
from bot.model import Delivery, DeliveryKind, DeliveryStatus, Group, Member
from bot.scheduling import keys
from bot.scheduling.outbox import schedule


def plan(session: Session, now: datetime, check_in_window: timedelta) -> None:
    for group in session.exec(select(Group)).all():
        plan_group(session, group, now, check_in_window)


def plan_group(session: Session, group: Group, now: datetime, check_in_window: timedelta) -> None:
    """The latest occurrence (if it came after the rhythm was set) and the next one."""
    for day, due in weekly_around(now, group.digest_weekday, group.digest_time, zone(group.timezone)):
        if due > group.rhythm_from:
            schedule(
                session,
                Delivery(
                    key=keys.weekly_digest(group.id, day),
                    kind=DeliveryKind.DIGEST,
                    group_id=group.id,
                    subject_id=group.id,
                    due_at=due,
                ),
            )
    members = session.exec(select(Member).where(Member.group_id == group.id, Member.left_at.is_(None))).all()
    for member in members:
        where = zone_of(session, group, member.user_id)
        for day, due in weekly_around(now, group.checkin_weekday, group.checkin_time, where):
            if due > max(group.rhythm_from, member.joined_at):
                schedule(
                    session,
                    Delivery(
                        key=keys.weekly_check_in(group.id, member.user_id, day),
                        kind=DeliveryKind.CHECK_IN,
                        group_id=group.id,
                        recipient_id=member.user_id,
                        subject_id=member.id,
                        due_at=(send_at := next_send_time(session, group, member.user_id, due)),
                        expires_at=send_at + check_in_window,
                    ),
                )


def superseded(session: Session, delivery: Delivery, now: datetime) -> bool:
    """Whether a newer weekly occurrence of the same kind, to the same recipient, is due by the
    end of the local day this one would be sent on. Reminders and digests posted by hand have
    no week, and are never superseded."""
    week = keys.week_of(delivery.key)
    if week is None:
        return False
    group = session.get(Group, delivery.group_id)
    where = zone_of(session, group, delivery.recipient_id)
    due_the_same_day = session.exec(
        select(Delivery.key).where(
            Delivery.kind == delivery.kind,
            Delivery.group_id == delivery.group_id,
            Delivery.recipient_id == delivery.recipient_id,
            Delivery.id != delivery.id,
            Delivery.due_at < end_of_local_day(now, where),
        )
    )
    return any((keys.week_of(key) or "") > week for key in due_the_same_day)


def replan(session: Session, group: Group, now: datetime, check_in_window: timedelta) -> None:
    """After the group's weekly times change: drop what is planned but not yet due, and
    plan again from now."""
    session.execute(
        delete(Delivery).where(
            Delivery.group_id == group.id,
            Delivery.kind.in_([DeliveryKind.DIGEST, DeliveryKind.CHECK_IN]),
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.due_at > now,
        )
    )
    group.rhythm_from = now
    plan_group(session, group, now, check_in_window)
