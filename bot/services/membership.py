"""Which group a request is about, and whether the caller belongs to it or coaches it."""

from __future__ import annotations

from sqlmodel import select

from bot.grammar import refuse
from bot.messages import ChannelLink, Command, Mention, line
from bot.model import Group, Member, in_tenant
from bot.services.caller import Context


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
            line(
                "This channel isn't a supervision group. Run this in your group's channel, or ask your coach to run ",
                Command("setup"),
                " here.",
            ),
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
        raise refuse(
            line("You're not in a supervision group yet: run ", Command("join"), " in your group's channel."), usage_of
        )
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
            line("You haven't joined this group as a therapist yet: run ", Command("join"), " in its channel first."),
            usage_of,
        )
    return member


def require_therapist(ctx: Context, group: Group, user_id: str, usage_of: str) -> Member:
    """The member the caller names (advice for them, a recording of theirs reviewed)."""
    member = active_member(ctx, group, user_id)
    if member is None:
        raise refuse(
            line(
                Mention(user_id),
                " isn't a therapist in this group; they can join with ",
                Command("join"),
                " in its channel.",
            ),
            usage_of,
        )
    return member


def require_coach(ctx: Context, group: Group, usage_of: str) -> None:
    if group.coach_id != ctx.caller.user_id:
        raise refuse(line("Only this group's coach (", Mention(group.coach_id), ") can do that."), usage_of)


def group_channel(group: Group) -> ChannelLink:
    return ChannelLink(group.channel_id)


def mention(user_id: str) -> Mention:
    return Mention(user_id)
