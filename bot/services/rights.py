"""Data rights: who reads a therapist's learning notes, deleting one's data, and retention."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from sqlalchemy import delete, or_
from sqlalchemy import select as sql_select
from sqlmodel import Session, select

from bot.grammar import Export, Forget, NotesVisibility
from bot.messages import Button, Message, Section, line
from bot.model import (
    Advice,
    AdviceStatus,
    CheckIn,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Group,
    Member,
    Objective,
    ObjectiveStatus,
    Person,
    PracticeLog,
    Score,
)
from bot.privacy import forget_pending
from bot.services.context import Context, Result, audit, my_group, refuse, require_member

FORGET_CONFIRM = "forget:confirm"


def notes_visibility(ctx: Context, command: NotesVisibility) -> Result:
    group = my_group(ctx, "notes")
    member = require_member(ctx, group, "notes")
    member.notes_in_channel = command.in_channel
    ctx.session.add(member)
    where = "in the group's channel digest" if command.in_channel else "only to your coach"
    return Result(reply=Message.text(f"Your learning notes now go {where}. Numbers and objectives are always shown."))


def forget(ctx: Context, _command: Forget) -> Result:
    _refuse_while_coaching(ctx)
    return Result(
        reply=Message(
            summary="Delete all your data?",
            sections=(
                Section(
                    (
                        line("This deletes your objectives, advice follow-ups, scores, practice logs, check-ins"),
                        line("and memberships in every group here, and cancels messages still to come."),
                        line("It cannot be undone. Only a record that you asked for it is kept, with no content."),
                    ),
                    heading="Delete all your data?",
                ),
            ),
            buttons=(Button("Delete all my data", FORGET_CONFIRM, "confirm", "danger"),),
        )
    )


def confirm_forget(ctx: Context, _value: str) -> Result:
    _refuse_while_coaching(ctx)
    me = ctx.caller.user_id
    groups = sql_select(Group.id).where(Group.team_id == ctx.caller.team_id)
    my_advice = sql_select(Advice.id).where(Advice.group_id.in_(groups), Advice.therapist_id == me)
    ctx.session.execute(
        delete(Delivery).where(
            Delivery.group_id.in_(groups),
            or_(
                Delivery.recipient_id == me,
                (Delivery.kind == DeliveryKind.FOLLOW_UP) & Delivery.subject_id.in_(my_advice),
            ),
        )
    )
    for table, owner in (
        (Advice, Advice.therapist_id),
        (Objective, Objective.user_id),
        (Score, Score.user_id),
        (PracticeLog, PracticeLog.user_id),
        (CheckIn, CheckIn.user_id),
        (Member, Member.user_id),
    ):
        ctx.session.execute(delete(table).where(table.group_id.in_(groups), owner == me))
    ctx.session.execute(delete(Person).where(Person.team_id == ctx.caller.team_id, Person.user_id == me))
    forget_pending(ctx.session, ctx.caller.team_id, me)
    audit(ctx, "own data deleted")
    return Result(reply=Message.text("Done: all your data here is deleted."))


def _refuse_while_coaching(ctx: Context) -> None:
    coached = ctx.session.exec(
        select(Group).where(Group.team_id == ctx.caller.team_id, Group.coach_id == ctx.caller.user_id)
    ).first()
    if coached is not None:
        raise refuse("You coach a group: hand the role to someone else first with `/practice coach @name`.", "forget")


def purge_older_than(session: Session, cutoff: datetime) -> None:
    """Retention: remove records older than the cutoff, and finished deliveries with them."""
    closed_advice = sql_select(Advice.id).where(
        Advice.status.in_([AdviceStatus.APPLIED, AdviceStatus.PARTLY, AdviceStatus.NO_LONGER_RELEVANT]),
        Advice.answered_at < cutoff,
    )
    session.execute(
        delete(Delivery).where(Delivery.kind == DeliveryKind.FOLLOW_UP, Delivery.subject_id.in_(closed_advice))
    )
    session.execute(delete(Advice).where(Advice.id.in_(closed_advice)))
    closed_objectives = sql_select(Objective.id).where(
        Objective.status != ObjectiveStatus.ACTIVE, Objective.closed_at < cutoff
    )
    session.execute(
        delete(Delivery).where(Delivery.kind == DeliveryKind.REVIEW, Delivery.subject_id.in_(closed_objectives))
    )
    session.execute(delete(Objective).where(Objective.id.in_(closed_objectives)))
    session.execute(delete(Score).where(Score.recorded_at < cutoff))
    session.execute(delete(PracticeLog).where(PracticeLog.logged_at < cutoff))
    session.execute(delete(CheckIn).where(CheckIn.answered_at < cutoff))
    finished = [DeliveryStatus.SENT, DeliveryStatus.SKIPPED, DeliveryStatus.DEAD]
    session.execute(delete(Delivery).where(Delivery.status.in_(finished), Delivery.due_at < cutoff))


def export(ctx: Context, _command: Export) -> Result:
    """Everything stored about the caller in this workspace, as JSON and as CSV."""
    records = _my_records(ctx)
    audit(ctx, "own data exported", detail=f"{len(records)} records")
    return Result(
        reply=Message.text("I'm sending you your data in a direct message: one JSON file and one CSV file."),
        files=[("supervision-bot-export.json", _as_json(records)), ("supervision-bot-export.csv", _as_csv(records))],
        notice=Message.text(f"Your data from supervision-bot: {len(records)} records, as JSON and as CSV."),
    )


EXPORT_COLUMNS = ("record", "group_channel", "at", "client_code", "status", "value", "text")


def _my_records(ctx: Context) -> list[dict]:
    me = ctx.caller.user_id
    channels = {g.id: g.channel_id for g in ctx.session.exec(select(Group).where(Group.team_id == ctx.caller.team_id))}

    def mine(table, owner):
        return ctx.session.exec(select(table).where(table.group_id.in_(list(channels)), owner == me)).all()

    rows = [
        ("membership", m.group_id, m.joined_at, None, "left" if m.left_at else "member", None, None)
        for m in mine(Member, Member.user_id)
    ]
    rows += [
        ("objective", o.group_id, o.created_at, None, o.status.value, o.review_on, o.text)
        for o in mine(Objective, Objective.user_id)
    ]
    for a in mine(Advice, Advice.therapist_id):
        rows.append(("advice", a.group_id, a.created_at, a.client_code, a.status.value, a.baseline_ors, a.text))
        if a.learning:
            rows.append(("learning note", a.group_id, a.answered_at, a.client_code, a.status.value, None, a.learning))
    rows += [
        ("score", x.group_id, x.recorded_at, x.client_code, x.kind.value, x.value, None)
        for x in mine(Score, Score.user_id)
    ]
    rows += [
        ("practice", p.group_id, p.logged_at, None, None, p.minutes, p.activity)
        for p in mine(PracticeLog, PracticeLog.user_id)
    ]
    rows += [
        ("check-in", c.group_id, c.answered_at, None, c.week, c.progress, c.learned)
        for c in mine(CheckIn, CheckIn.user_id)
    ]
    return [
        {
            "record": record,
            "group_channel": channels[group_id],
            "at": at.isoformat() if at else None,
            "client_code": code,
            "status": status,
            "value": None if value is None else str(value),
            "text": text,
        }
        for record, group_id, at, code, status, value, text in rows
    ]


def _as_json(records: list[dict]) -> bytes:
    return json.dumps({"records": records}, indent=1, ensure_ascii=False).encode()


def _as_csv(records: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode()
