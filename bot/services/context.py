"""What every use case shares: who is asking, when, what it answers, and group look-ups."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from bot.availability import zone_of
from bot.config import Settings
from bot.forms import Errors, Form
from bot.grammar import USAGE, UsageError
from bot.messages import ChannelLink, Line, Mention, Message, line
from bot.model import AuditEntry, Delivery, DeliveryKind, Group, Member, Platform, in_tenant
from bot.outcomes import Thresholds
from bot.ports import MessageRef, Recipient
from bot.privacy import Flag, LooksIdentifying, screen
from bot.scheduling import keys
from bot.scheduling.outbox import occurrence_messages


@dataclass(frozen=True)
class Caller:
    """Who is asking, and from where. `address` and `channel_address` are what the front-end
    needs to reach the caller privately and the channel (opaque to the core, kept for sending)."""

    platform: Platform
    tenant_id: str
    user_id: str
    channel_id: str | None = None
    in_direct_message: bool = False
    is_admin: bool = False  # looked up only for what needs it
    address: str | None = None
    channel_address: str | None = None

    @property
    def person(self) -> Recipient:
        return Recipient(self.platform, self.tenant_id, self.user_id, self.address)

    def shares_tenant_with(self, group: Group) -> bool:
        return group.platform == self.platform and group.tenant_id == self.tenant_id


@dataclass(frozen=True)
class Context:
    session: Session
    caller: Caller
    now: datetime
    settings: Settings
    override: bool = False  # the caller said flagged text is not identifying


@dataclass
class Result:
    """What a use case answers. The front-end shows `reply` privately or opens `form`;
    the core itself applies `updates` to earlier messages and sends `notices`."""

    reply: Message | None = None
    form: Form | None = None
    errors: Errors = field(default_factory=dict)
    updates: list[tuple[MessageRef, Message]] = field(default_factory=list)
    notice: Message | None = None
    dispatch_now: bool = False
    identifying: list[Flag] = field(default_factory=list)  # why nothing was stored
    files: list[tuple[str, bytes]] = field(default_factory=list)  # sent to the caller with `notice`


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


def refuse(message: str | Line, usage_of: str) -> UsageError:
    return UsageError(message, USAGE[usage_of])


def group_here(ctx: Context) -> Group | None:
    if ctx.caller.channel_id is None:
        return None
    return ctx.session.exec(
        select(Group).where(
            in_tenant(Group, ctx.caller.platform, ctx.caller.tenant_id), Group.channel_id == ctx.caller.channel_id
        )
    ).first()


def group_in_this_channel(ctx: Context, usage_of: str) -> Group:
    group = group_here(ctx)
    if group is None:
        raise refuse(
            "This channel isn't a supervision group. Run this in your group's channel, "
            "or ask your coach to run `/practice setup` here.",
            usage_of,
        )
    return group


def my_group(ctx: Context, usage_of: str) -> Group:
    """The group in this channel, or else the one group the caller belongs to."""
    here = group_here(ctx)
    if here is not None:
        return here
    groups = groups_of(ctx)
    if not groups:
        raise refuse("You're not in a supervision group yet: run `/practice join` in your group's channel.", usage_of)
    if len(groups) > 1:
        raise refuse("You're in more than one group: run this in the channel of the group you mean.", usage_of)
    return groups[0]


def groups_of(ctx: Context) -> list[Group]:
    """The groups the caller coaches or belongs to, in their tenant."""
    return list(
        ctx.session.exec(
            select(Group)
            .join(Member, Member.group_id == Group.id, isouter=True)
            .where(in_tenant(Group, ctx.caller.platform, ctx.caller.tenant_id))
            .where(
                (Group.coach_id == ctx.caller.user_id)
                | ((Member.user_id == ctx.caller.user_id) & (Member.left_at.is_(None)))
            )
            .distinct()
            .order_by(Group.id)
        ).all()
    )


def active_member(ctx: Context, group: Group, user_id: str) -> Member | None:
    return ctx.session.exec(
        select(Member).where(Member.group_id == group.id, Member.user_id == user_id, Member.left_at.is_(None))
    ).first()


def require_member(ctx: Context, group: Group, usage_of: str) -> Member:
    member = active_member(ctx, group, ctx.caller.user_id)
    if member is None:
        raise refuse(
            "You haven't joined this group as a therapist yet: run `/practice join` in its channel first.", usage_of
        )
    return member


def require_coach(ctx: Context, group: Group, usage_of: str) -> None:
    if group.coach_id != ctx.caller.user_id:
        raise refuse(line("Only this group's coach (", Mention(group.coach_id), ") can do that."), usage_of)


def today_for(ctx: Context, group: Group, user_id: str) -> date:
    return ctx.now.astimezone(zone_of(ctx.session, group, user_id)).date()


def thresholds(group: Group) -> Thresholds:
    return Thresholds(group.ors_clinical_cutoff, group.ors_reliable_change, group.srs_alliance_concern)


def week_start(ctx: Context, group: Group, user_id: str) -> datetime:
    """Monday 00:00 of the user's current local week."""
    where = zone_of(ctx.session, group, user_id)
    local = ctx.now.astimezone(where)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, datetime.min.time(), tzinfo=where)


def group_channel(group: Group) -> ChannelLink:
    return ChannelLink(group.channel_id)


def mention(user_id: str) -> Mention:
    return Mention(user_id)


ALREADY_ANSWERED = "Your answer to this is already recorded."


def take_answer(ctx: Context, delivery: Delivery, answer: str) -> bool:
    """Record the answer for the occurrence once: of two clicks at the same moment, or on
    the message and its reminder, exactly one wins. Call it before changing anything else."""
    root = keys.occurrence(delivery.key)
    won = ctx.session.execute(
        update(Delivery).where(Delivery.key == root, Delivery.answer.is_(None)).values(answer=answer)
    ).rowcount
    if won:
        ctx.session.execute(update(Delivery).where(Delivery.key == keys.reminder(root)).values(answer=answer))
    return bool(won)


def redraw(ctx: Context, delivery: Delivery, message: Message) -> list[tuple[MessageRef, Message]]:
    """Every sent message of the occurrence, to be shown as `message`: answered, without buttons."""
    return [
        (MessageRef(ctx.caller.platform, ctx.caller.tenant_id, sent.message_channel, sent.message_id), message)
        for sent in occurrence_messages(ctx.session, delivery.key)
        if sent.message_channel and sent.message_id
    ]


ID = re.compile(r"[0-9]{1,9}")  # within every database's integer column


def id_from(raw: str | None) -> int:
    """An id from a button value or form context; -1, which matches nothing, if it is not one."""
    return int(raw) if raw and ID.fullmatch(raw) else -1


def own_delivery(ctx: Context, raw_id: str | None, kind: DeliveryKind, subject_type, what: str):
    """The delivery a button or form names and its subject, if it was sent to the caller
    in the caller's tenant; ids from buttons and forms are never trusted on their own.
    `what` names it in the refusal ("That follow-up"), whose usage is the command that shows
    the caller's own."""
    delivery = ctx.session.get(Delivery, id_from(raw_id))
    subject = delivery and delivery.kind is kind and ctx.session.get(subject_type, delivery.subject_id)
    group = subject and ctx.session.get(Group, delivery.group_id)
    if not subject or delivery.recipient_id != ctx.caller.user_id or not ctx.caller.shares_tenant_with(group):
        raise refuse(
            f"{what} isn't yours to answer: it was sent to someone else, or is no longer there, so nothing changed.",
            "status",
        )
    return delivery, subject
