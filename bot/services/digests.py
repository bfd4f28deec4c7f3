"""The coach's digest commands: preview it privately, or post it to the channel now."""

from __future__ import annotations

from bot.digest.gather import gather
from bot.digest.render import render
from bot.grammar import DigestRequest
from bot.messages import ChannelLink, Message, line
from bot.model import Delivery, DeliveryKind, Group
from bot.scheduling import keys
from bot.scheduling.outbox import schedule
from bot.services.audit import audit
from bot.services.caller import Context, Result
from bot.services.membership import group_here, my_group, require_coach


def digest_command(ctx: Context, command: DigestRequest) -> Result:
    group = group_here(ctx) or my_group(ctx, "digest")
    return digest_of(ctx, group, command.post)


def digest_of(ctx: Context, group: Group, post: bool) -> Result:
    """The coach's preview of the group's digest, or the digest posted to its channel now."""
    require_coach(ctx, group, "digest")
    if not post:
        return Result(reply=render(gather(ctx.session, group, ctx.now), for_coach_only=True))
    audit(ctx, "digest posted now", group)
    # Posted by the dispatcher, like the weekly one, so both share pacing, retries and bookkeeping.
    schedule(
        ctx.session,
        Delivery(
            key=keys.digest_now(group.id, ctx.now),
            kind=DeliveryKind.DIGEST,
            group_id=group.id,
            subject_id=group.id,
            due_at=ctx.now,
        ),
    )
    return Result(
        reply=Message.text(line("Posting the digest to ", ChannelLink(group.channel_id), " now.")), dispatch_now=True
    )
