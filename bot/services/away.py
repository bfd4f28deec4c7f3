"""Time away: a therapist's pause, and the group's holidays. What falls due meanwhile waits
for the next time it may be sent, except a weekly check-in due during a pause: the
dispatcher skips it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from bot.availability import zone_of
from bot.grammar import AddHoliday, Pause, Resume, refuse
from bot.messages import Command, Message, day_label, line
from bot.model import Delivery, DeliveryStatus, Holiday
from bot.services.audit import audit
from bot.services.caller import Context, Result
from bot.services.membership import my_group, require_coach, require_member


def pause(ctx: Context, command: Pause) -> Result:
    group = my_group(ctx, "pause")
    member = require_member(ctx, group, "pause")
    member.paused_until = ctx.now + timedelta(days=command.days)
    ctx.session.add(member)
    until = member.paused_until.astimezone(zone_of(ctx.session, group, member.user_id))
    return Result(
        reply=Message.text(
            f"Paused until {day_label(until)} {until:%H:%M}. I won't message you until then:"
            " follow-ups and reviews wait for your return, the weekly check-ins and the questions about the"
            " meeting due meanwhile are skipped,"
            " and the digest shows you as away.",
            line("End it early with ", Command("resume"), "."),
        )
    )


def resume(ctx: Context, _command: Resume) -> Result:
    group = my_group(ctx, "resume")
    member = require_member(ctx, group, "resume")
    if member.paused_until is None or member.paused_until <= ctx.now:
        raise refuse("You're not paused, so there is nothing to resume.", "resume")
    ctx.session.execute(
        update(Delivery)
        .where(
            Delivery.group_id == group.id,
            Delivery.recipient_id == member.user_id,
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.held_by_pause.is_(True),
        )
        .values(due_at=ctx.now, held_by_pause=False)
    )
    member.paused_until = None
    ctx.session.add(member)
    return Result(
        reply=Message.text("Welcome back: your pause has ended, and anything that waited comes next."),
        dispatch_now=True,
    )


def add_holiday(ctx: Context, command: AddHoliday) -> Result:
    group = my_group(ctx, "holiday")
    require_coach(ctx, group, "holiday")
    known = set(ctx.session.exec(select(Holiday.day).where(Holiday.group_id == group.id)))
    day = command.first
    while day <= command.last:
        if day not in known:
            ctx.session.add(Holiday(group_id=group.id, day=day))
        day += timedelta(days=1)
    audit(ctx, "holiday added", group, detail=f"{command.first.isoformat()}..{command.last.isoformat()}")
    span = day_label(command.first) + ("" if command.last == command.first else f" – {day_label(command.last)}")
    return Result(
        reply=Message.text(
            f"Days off for the group: {span}.",
            "Direct messages and the digest due then wait for the next working day.",
        )
    )
