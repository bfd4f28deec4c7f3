"""What we know of each person from their platform: their time zone, and how to reach them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from bot.calendar import zone
from bot.messages import Message, mentioned, with_names
from bot.model import Delivery, DeliveryStatus, Group, Member, Person, Platform, in_tenant
from bot.ports import Recipient
from bot.scheduling.planner import IN_MEMBERS_ZONES, plan_group


def remember_timezone(
    session: Session,
    who: Recipient,
    timezone_name: str | None,
    now: datetime,
    check_in_window: timedelta,
    display_name: str | None = None,
) -> None:
    """Store the user's zone and display name, when the platform told them, and their address,
    when the front-end gave one; when the zone changed, plan their weekly messages again in it."""
    if timezone_name is not None:
        try:
            zone(timezone_name)
        except ValueError:
            timezone_name = "UTC"
    person = session.get(Person, (who.platform, who.tenant_id, who.id))
    person = person or Person(platform=who.platform, tenant_id=who.tenant_id, user_id=who.id, timezone=None)
    moved = timezone_name is not None and person.timezone != timezone_name
    person.timezone = timezone_name or person.timezone
    person.display_name = display_name or person.display_name
    person.refreshed_at = now
    person.address = who.address or person.address
    session.add(person)
    if moved:
        _replan_check_ins(session, who, now, check_in_window)


def remember_address(session: Session, who: Recipient, now: datetime) -> None:
    """Keep how the front-end can reach a person, as it found while sending to them."""
    person = session.get(Person, (who.platform, who.tenant_id, who.id))
    person = person or Person(
        platform=who.platform, tenant_id=who.tenant_id, user_id=who.id, timezone=None, refreshed_at=now
    )
    person.address = who.address
    session.add(person)


def named(session: Session, platform: Platform, tenant_id: str, message: Message) -> Message:
    """The message with each mention carrying the display name the platform told us, if any."""
    ids = mentioned(message)
    if not ids:
        return message
    people = session.exec(select(Person).where(in_tenant(Person, platform, tenant_id), Person.user_id.in_(ids))).all()
    return with_names(message, {person.user_id: person.display_name for person in people if person.display_name})


def recipient(session: Session, group: Group, user_id: str) -> Recipient:
    """A group's member as the front-end can reach them: with the address it gave us, if any."""
    person = session.get(Person, (group.platform, group.tenant_id, user_id))
    return Recipient(group.platform, group.tenant_id, user_id, person.address if person else None)


def channel_of(group: Group) -> Recipient:
    return Recipient(group.platform, group.tenant_id, group.channel_id, group.address)


def _replan_check_ins(session: Session, who: Recipient, now: datetime, window: timedelta) -> None:
    user_id = who.id
    groups = session.exec(
        select(Group)
        .join(Member, Member.group_id == Group.id)
        .where(in_tenant(Group, who.platform, who.tenant_id), Member.user_id == user_id, Member.left_at.is_(None))
    ).all()
    for group in groups:
        session.execute(
            delete(Delivery).where(
                Delivery.group_id == group.id,
                Delivery.recipient_id == user_id,
                Delivery.kind.in_(IN_MEMBERS_ZONES),
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.due_at > now,
            )
        )
        session.flush()
        plan_group(session, group, now, window)
