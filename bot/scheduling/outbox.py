"""The delivery table's operations. Each claim and each completion is one atomic statement."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlmodel import Session

from bot.model import Delivery, DeliveryStatus, Group, Platform, SendingHold
from bot.scheduling import keys
from bot.storage import insert_all_or_ignore


def schedule(session: Session, *deliveries: Delivery) -> None:
    """Add occurrences, in one statement, except those whose key exists: planning twice is harmless."""
    insert_all_or_ignore(session, Delivery, "key", [delivery.model_dump(exclude={"id"}) for delivery in deliveries])


def claim_due(
    session: Session,
    now: datetime,
    lease: timedelta,
    limit: int,
    platforms: Iterable[Platform],
    waiting: Iterable[tuple[Platform, str]] = (),
) -> tuple[str, list[Delivery]]:
    """Lease up to `limit` due deliveries of the platforms this worker serves, in one
    statement. A tenant whose sending is held keeps its deliveries waiting, as do the
    `waiting` ones (platform, tenant): those that asked us to slow down.

    On PostgreSQL, FOR UPDATE SKIP LOCKED lets concurrent workers claim disjoint rows;
    SQLite runs one writer at a time, so the same statement is atomic there too.
    """
    token = uuid.uuid4().hex
    due = (
        select(Delivery.id)
        .where(_sendable(platforms, waiting), Delivery.due_at <= now)
        .order_by(Delivery.due_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = session.scalars(
        update(Delivery)
        .where(Delivery.id.in_(due.scalar_subquery()))
        .values(
            status=DeliveryStatus.CLAIMED,
            lease_token=token,
            lease_expires_at=now + lease,
            attempts=Delivery.attempts + 1,
        )
        .returning(Delivery)
        .execution_options(synchronize_session=False)
    ).all()
    return token, sorted(claimed, key=lambda delivery: (delivery.due_at, delivery.id))


def _sendable(platforms: Iterable[Platform], waiting: Iterable[tuple[Platform, str]] = ()):
    """Pending, in a group of a platform served here whose app was not removed, in a tenant
    whose sending is not held and that is not `waiting`."""
    held = (SendingHold.platform == Group.platform) & (SendingHold.tenant_id == Group.tenant_id)
    sendable_groups = select(Group.id).where(
        Group.platform.in_(list(platforms)),
        Group.removed_at.is_(None),
        ~exists().where(held),
        *(~((Group.platform == platform) & (Group.tenant_id == tenant)) for platform, tenant in waiting),
    )
    return (Delivery.status == DeliveryStatus.PENDING) & Delivery.group_id.in_(sendable_groups)


def finish(session: Session, delivery_id: int, token: str, **values) -> bool:
    """Record the result of a claimed delivery, only if this worker still holds its lease.

    A worker that stalled past its lease finds the row taken back and changes nothing.
    """
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.lease_token == token, Delivery.status == DeliveryStatus.CLAIMED)
        .values(lease_token=None, lease_expires_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def take_back_expired(session: Session, now: datetime) -> int:
    """Return deliveries whose worker died (its lease ran out) to the queue."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.CLAIMED, Delivery.lease_expires_at < now)
        .values(status=DeliveryStatus.PENDING, lease_token=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def occurrence_messages(session: Session, key: str) -> list[Delivery]:
    """The sent messages of one occurrence: the original and its reminder."""
    root = keys.occurrence(key)
    return list(
        session.scalars(
            select(Delivery).where(
                Delivery.key.in_([root, keys.reminder(root)]),
                Delivery.status == DeliveryStatus.SENT,
            )
        ).all()
    )


def next_due(session: Session, platforms: Iterable[Platform]) -> datetime | None:
    """When the earliest delivery that could be sent is due, if any is."""
    return session.scalar(select(func.min(Delivery.due_at)).where(_sendable(platforms)))
