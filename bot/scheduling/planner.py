"""Fills the delivery table with each group's weekly occurrences: digests, check-ins, and the
messages before and after the group's meeting.

Follow-ups and objective reviews are scheduled when they are created, in the same
transaction, so only the weekly rhythm needs planning. Each occurrence has one key, so
planning again, from any process, adds nothing. A group records until when its plan stands;
each pass plans only the groups whose plan ran out or that a change marked, each in a short
transaction of its own, so a pass costs what changed, not the number of members.

An occurrence held back (by holidays, working hours or an outage) to the day the next one
of its kind is due is superseded by it: only the newest is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlmodel import Session, select

from bot import meetings
from bot.availability import working_hours, zone_of, zones_of
from bot.calendar import WorkingHours, end_of_local_day, next_allowed, weekly_around, zone
from bot.model import Delivery, DeliveryKind, DeliveryStatus, Group, Member
from bot.scheduling import keys
from bot.scheduling.outbox import schedule


def due_for_planning(now: datetime):
    """The SQL condition that a group's plan has run out, or that something it rests on changed;
    a group whose app was removed is not planned."""
    return Group.removed_at.is_(None) & (Group.planned_until.is_(None) | (Group.planned_until <= now))


def groups_to_plan(session: Session, now: datetime) -> list[int]:
    return list(session.exec(select(Group.id).where(due_for_planning(now)).order_by(Group.id)))


def plan_if_due(session: Session, group_id: int, now: datetime, check_in_window: timedelta) -> None:
    """Plan the group unless another process is planning it (its row is locked) or has just
    done so. The lock also makes a change that marks the group for planning wait for this
    pass, so the mark is never overwritten by a plan that missed the change."""
    group = session.exec(
        select(Group).where(Group.id == group_id, due_for_planning(now)).with_for_update(skip_locked=True)
    ).first()
    if group is not None:
        plan_group(session, group, now, check_in_window)


def mark_for_planning(group: Group) -> None:
    """After a change the group's plan does not show yet (a member joined): the next pass plans it."""
    group.planned_until = None


def plan_group(session: Session, group: Group, now: datetime, check_in_window: timedelta) -> None:
    """The latest occurrence (if it came after the rhythm was set) and the next one, of the
    digest, of each member's check-in, and of the messages before and after the meeting. The
    plan stands until the earliest next digest or check-in is due: until then, planning again
    would find the same occurrences."""
    members = session.exec(select(Member).where(Member.group_id == group.id, Member.left_at.is_(None))).all()
    around = _Around(
        members, zones_of(session, group, [member.user_id for member in members]), working_hours(session, group)
    )
    digests, next_digest = _digests(group, now)
    check_ins, next_check_ins = _check_ins(group, around, now, check_in_window)
    schedule(session, *digests, *check_ins, *_around_meetings(group, around, digests, now, check_in_window))
    group.planned_until = min([next_digest, *next_check_ins])
    session.add(group)


@dataclass(frozen=True)
class _Around:
    """What planning a group's members rests on: who they are, their zones, the group's hours."""

    members: list[Member]
    zones: dict[str, ZoneInfo]
    hours: WorkingHours


def _digests(group: Group, now: datetime) -> tuple[list[Delivery], datetime]:
    """The digests to plan, and when the next one is due."""
    around = weekly_around(now, group.digest_weekday, group.digest_time, zone(group.timezone))
    digests = [
        Delivery(
            key=keys.weekly_digest(group.id, day),
            kind=DeliveryKind.DIGEST,
            group_id=group.id,
            subject_id=group.id,
            due_at=due,
        )
        for day, due in around
        if due > group.rhythm_from
    ]
    return digests, around[-1][1]


def _check_ins(
    group: Group, around: _Around, now: datetime, check_in_window: timedelta
) -> tuple[list[Delivery], list[datetime]]:
    """The members' check-ins to plan, and when each member's next one is due in their zone."""
    check_ins, next_ones = [], []
    for member in around.members:
        where = around.zones[member.user_id]
        weekly = weekly_around(now, group.checkin_weekday, group.checkin_time, where)
        next_ones.append(weekly[-1][1])
        for day, due in weekly:
            if due > max(group.rhythm_from, member.joined_at):
                send_at = next_allowed(due, where, around.hours)
                check_ins.append(
                    Delivery(
                        key=keys.weekly_check_in(group.id, member.user_id, day),
                        kind=DeliveryKind.CHECK_IN,
                        group_id=group.id,
                        recipient_id=member.user_id,
                        subject_id=member.id,
                        due_at=send_at,
                        expires_at=send_at + check_in_window,
                    )
                )
    return check_ins, next_ones


def _around_meetings(
    group: Group, around: _Around, digests: list[Delivery], now: datetime, check_in_window: timedelta
) -> list[Delivery]:
    """Each member's prep message before each digest still to come, for the meeting after that
    digest, and their feedback message after each meeting."""
    meeting = group.meeting
    if meeting is None:
        return []
    where = zone(group.timezone)
    preps = [(meetings.next_meeting(d.due_at, meeting, where)[0], d.due_at) for d in digests if d.due_at > now]
    held = [(day, start) for day, start in meetings.meetings_around(now, meeting, where) if start > group.rhythm_from]
    planned = []
    for member in around.members:
        at = around.zones[member.user_id]
        for day, digest_due in preps:
            prep_at = meetings.prep_due(digest_due, where, at, around.hours)
            planned.append(_meeting_message(group, member, DeliveryKind.PREP, day, prep_at, digest_due))
        for day, start in held:
            if start > member.joined_at:
                send_at = meetings.feedback_due(start, meeting, at, around.hours)
                expires = send_at + check_in_window
                planned.append(_meeting_message(group, member, DeliveryKind.FEEDBACK, day, send_at, expires))
    return planned


MEETING_KEYS = {DeliveryKind.PREP: keys.prep, DeliveryKind.FEEDBACK: keys.feedback}


def _meeting_message(
    group: Group, member: Member, kind: DeliveryKind, meeting_on: date, due_at: datetime, expires_at: datetime
) -> Delivery:
    """A prep message (expiring when the digest is made) or a feedback message, for one meeting."""
    return Delivery(
        key=MEETING_KEYS[kind](group.id, member.user_id, meeting_on),
        kind=kind,
        group_id=group.id,
        recipient_id=member.user_id,
        subject_id=member.id,
        due_at=due_at,
        expires_at=expires_at,
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


IN_MEMBERS_ZONES = (DeliveryKind.CHECK_IN, DeliveryKind.PREP, DeliveryKind.FEEDBACK)  # planned in each one's zone
WEEKLY_KINDS = (DeliveryKind.DIGEST, *IN_MEMBERS_ZONES)


def replan(session: Session, group: Group, now: datetime, check_in_window: timedelta) -> None:
    """After the group's weekly times change: drop what is planned but not yet due, and
    plan again from now."""
    session.execute(
        delete(Delivery).where(
            Delivery.group_id == group.id,
            Delivery.kind.in_(WEEKLY_KINDS),
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.due_at > now,
        )
    )
    group.rhythm_from = now
    plan_group(session, group, now, check_in_window)
