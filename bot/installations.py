"""The app removed from a tenant, or from one install in it (Teams: a team), and installed again.

Removing the app stops sending there at once: the groups it held are marked removed, their
deliveries wait unclaimed and no new ones are planned. Installing it again within the grace
period resumes them as they were; after it, housekeeping deletes the groups' data
(`retention.purge_uninstalled`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from bot.model import AuditEntry, Group, Platform, SendingHold, in_tenant

PLATFORM_ACTOR = "platform"  # who the audit log says acted: the platform told us, no user did


def removed(session: Session, platform: Platform, tenant_id: str, installation_id: str | None, now: datetime) -> int:
    """Mark the groups of the tenant (of one install in it, when named) removed; how many were."""
    groups = _groups(session, platform, tenant_id, installation_id, Group.removed_at.is_(None))
    for group in groups:
        group.removed_at = now
        session.add(group)
        _audit(session, group, "app removed", now)
    if installation_id is None:
        # Nothing can be sent there, so there is nothing to check credentials for.
        held = session.get(SendingHold, (platform, tenant_id))
        if held is not None:
            session.delete(held)
    return len(groups)


def installed(session: Session, platform: Platform, tenant_id: str, installation_id: str | None, now: datetime) -> int:
    """Resume the tenant's removed groups (of one install in it, when named); how many were."""
    groups = _groups(session, platform, tenant_id, installation_id, Group.removed_at.is_not(None))
    for group in groups:
        group.removed_at = None
        group.planned_until = None  # planned again at once, from now
        session.add(group)
        _audit(session, group, "app installed again", now)
    return len(groups)


def _groups(session: Session, platform: Platform, tenant_id: str, installation_id: str | None, state) -> list[Group]:
    which = select(Group).where(in_tenant(Group, platform, tenant_id), state)
    if installation_id is not None:
        which = which.where(Group.installation_id == installation_id)
    return list(session.exec(which.order_by(Group.id).with_for_update()).all())


def _audit(session: Session, group: Group, action: str, now: datetime) -> None:
    session.add(
        AuditEntry(
            platform=group.platform,
            tenant_id=group.tenant_id,
            group_id=group.id,
            actor_id=PLATFORM_ACTOR,
            action=action,
            at=now,
        )
    )
