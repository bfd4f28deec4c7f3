"""Answers to what was sent: the delivery a button or form names, the answer taken once,
and every copy of the message redrawn."""

from __future__ import annotations

import re

from sqlalchemy import update

from bot.grammar import refuse
from bot.messages import Message
from bot.model import Delivery, DeliveryKind, Group
from bot.ports import MessageRef
from bot.scheduling import keys
from bot.scheduling.outbox import occurrence_messages
from bot.services.caller import Context

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
