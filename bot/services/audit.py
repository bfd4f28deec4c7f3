"""The audit trail, and the identifier guard whose overrides it records."""

from __future__ import annotations

from bot.model import AuditEntry, Group
from bot.privacy import LooksIdentifying, screen
from bot.services.caller import Context


def audit(ctx: Context, action: str, group: Group | None = None, detail: str = "") -> None:
    ctx.session.add(
        AuditEntry(
            platform=ctx.caller.platform,
            tenant_id=ctx.caller.tenant_id,
            group_id=group.id if group else None,
            actor_id=ctx.caller.user_id,
            action=action,
            detail=detail,
            at=ctx.now,
        )
    )


def guard(ctx: Context, group: Group, **texts: str | None) -> None:
    """Refuse free text that looks identifying, unless the caller said it is not (audited)."""
    flags = screen(texts)
    if not flags:
        return
    if not ctx.override:
        raise LooksIdentifying(flags)
    audit(ctx, "identifier override", group, detail="flagged: " + ", ".join(sorted({flag.kind for flag in flags})))
