"""Credential holds: a tenant whose platform refused our credentials gets nothing sent until
a check of them, every minute or so, succeeds."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.model import Platform, SendingHold
from bot.ports import Recipient

log = logging.getLogger(__name__)

CHECK_HELD_CREDENTIALS_EVERY = timedelta(minutes=1)


def hold_sending(session: Session, tenant: Recipient, reason: str, now: datetime) -> None:
    key = (tenant.platform, tenant.tenant_id)
    hold = session.get(SendingHold, key) or SendingHold(
        platform=tenant.platform, tenant_id=tenant.tenant_id, reason=reason, since=now
    )
    hold.check_after = now + CHECK_HELD_CREDENTIALS_EVERY
    session.add(hold)
    log.error(
        "%s refused our credentials for tenant %s (%s): sending there is held until they work again",
        tenant.platform,
        tenant.tenant_id,
        reason,
    )


def due_for_a_check(session: Session, now: datetime, platforms: Iterable[Platform]) -> list[SendingHold]:
    return list(
        session.exec(
            select(SendingHold).where(SendingHold.check_after <= now, SendingHold.platform.in_(list(platforms)))
        ).all()
    )


def settle_hold(session: Session, held: SendingHold, valid: bool, now: datetime) -> None:
    hold = session.get(SendingHold, (held.platform, held.tenant_id))
    if hold is None:
        return
    if valid:
        session.delete(hold)
        log.warning("%s accepts our credentials for tenant %s again: sending resumes", hold.platform, hold.tenant_id)
    else:
        hold.check_after = now + CHECK_HELD_CREDENTIALS_EVERY
        session.add(hold)
