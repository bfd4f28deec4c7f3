"""Data rights: who reads a therapist's learning notes, exporting and deleting one's data."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, or_, update
from sqlalchemy import select as sql_select
from sqlmodel import SQLModel, select
from sqlmodel.sql.expression import Select

from bot.grammar import Export, Forget, NotesVisibility, refuse
from bot.messages import Button, Command, Message, Section, line
from bot.model import (
    Advice,
    AuditEntry,
    ChartImage,
    CheckIn,
    Client,
    Delivery,
    Group,
    Holiday,
    LearningNote,
    MeetingFeedback,
    MeetingRequest,
    Member,
    NoteRevision,
    Objective,
    PendingText,
    Person,
    Platform,
    PracticeLog,
    RecordingReview,
    Score,
    SeenRequest,
    SendingHold,
    SigningKey,
    in_tenant,
)
from bot.ports import Recipient
from bot.privacy import forget_pending
from bot.retention import delete_from_groups, deliveries_about
from bot.services.audit import audit
from bot.services.caller import Context, Result
from bot.services.membership import my_group, require_member

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
                        line("This deletes your objectives, advice follow-ups, client records, scores, practice logs,"),
                        line("check-ins and memberships in every group here, and cancels messages still to come."),
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
    delete_from_groups(ctx.session, sql_select(Group.id).where(_callers_tenant(ctx, Group)), me)
    ctx.session.execute(delete(Person).where(_callers_tenant(ctx, Person), Person.user_id == me))
    forget_pending(ctx.session, ctx.caller.person)
    _forget_in_front_ends(ctx)
    audit(ctx, "own data deleted")
    return Result(reply=Message.text("Done: all your data here is deleted."))


def _refuse_while_coaching(ctx: Context) -> None:
    coached = ctx.session.exec(
        select(Group).where(_callers_tenant(ctx, Group), Group.coach_id == ctx.caller.user_id)
    ).first()
    if coached is not None:
        raise refuse(
            line("You coach a group: hand the role to someone else first with ", Command("coach @name"), "."), "forget"
        )


def _callers_tenant(ctx: Context, table):
    return in_tenant(table, ctx.caller.platform, ctx.caller.tenant_id)


def export(ctx: Context, _command: Export) -> Result:
    """Everything stored about the caller in their tenant, as JSON and as CSV."""
    records = _my_records(ctx)
    audit(ctx, "own data exported", detail=f"{len(records)} records")
    return Result(
        reply=Message.text("I'm sending you your data in a direct message: one JSON file and one CSV file."),
        files=[("supervision-bot-export.json", _as_json(records)), ("supervision-bot-export.csv", _as_csv(records))],
        notice=Message.text(f"Your data from supervision-bot: {len(records)} records, as JSON and as CSV."),
    )


# Tables (by name) that hold nothing about a person, and why; every other table is exported.
# A front-end adds its own tables here, or to KEPT_BY_FRONT_ENDS, as it defines them.
HOLDS_NOTHING_ABOUT_A_PERSON = {
    Holiday.__tablename__: "a group's days off",
    SendingHold.__tablename__: "a tenant whose sending is held after its credentials were refused",
    SeenRequest.__tablename__: "the ids of platform requests already handled, kept a day against retries",
    ChartImage.__tablename__: "charts behind signed links: numbers with no name or id, kept until the link expires",
    SigningKey.__tablename__: "the key chart links are signed with",
}


@dataclass(frozen=True)
class KeptByAFrontEnd:
    """A table a front-end keeps in the same database (Slack's installations), whose rows name a
    person of its platform in `person`, in the tenant one of `tenant` holds; `secret` columns
    (tokens) are never exported. A row is the tenant's, not the person's (deleting an installation
    would uninstall the app), so `forget` keeps it and sets its columns to `forgotten`, which holds
    `person` and whatever else is the person's own (their token)."""

    table: Table
    record: str
    platform: Platform
    person: str
    tenant: tuple[str, ...]
    secret: frozenset[str]
    forgotten: dict[str, Any]


KEPT_BY_FRONT_ENDS: list[KeptByAFrontEnd] = []


def exported_tables(who: Recipient) -> dict[type[SQLModel], tuple[str, Select]]:
    """For each table with rows about a person: the record's name and the query for them."""
    me = who.id

    def of_tenant(table):
        return in_tenant(table, who.platform, who.tenant_id)

    groups = sql_select(Group.id).where(of_tenant(Group))
    my_notes = LearningNote.group_id.in_(groups) & (LearningNote.user_id == me)
    return {
        Person: ("person", select(Person).where(of_tenant(Person), Person.user_id == me)),
        Group: ("group you coach", select(Group).where(of_tenant(Group), Group.coach_id == me)),
        Member: ("membership", select(Member).where(Member.group_id.in_(groups), Member.user_id == me)),
        Objective: ("objective", select(Objective).where(Objective.group_id.in_(groups), Objective.user_id == me)),
        Advice: (
            "advice",
            select(Advice).where(Advice.group_id.in_(groups), or_(Advice.therapist_id == me, Advice.given_by == me)),
        ),
        Client: ("client", select(Client).where(Client.group_id.in_(groups), Client.therapist_id == me)),
        Score: ("score", select(Score).where(Score.group_id.in_(groups), Score.user_id == me)),
        PracticeLog: (
            "practice",
            select(PracticeLog).where(PracticeLog.group_id.in_(groups), PracticeLog.user_id == me),
        ),
        RecordingReview: (
            "session recording reviewed",
            select(RecordingReview).where(
                RecordingReview.group_id.in_(groups),
                or_(RecordingReview.therapist_id == me, RecordingReview.coach_id == me),
            ),
        ),
        CheckIn: ("check-in", select(CheckIn).where(CheckIn.group_id.in_(groups), CheckIn.user_id == me)),
        MeetingRequest: (
            "request for a meeting",
            select(MeetingRequest).where(MeetingRequest.group_id.in_(groups), MeetingRequest.user_id == me),
        ),
        MeetingFeedback: (
            "feedback on a meeting",
            select(MeetingFeedback).where(MeetingFeedback.group_id.in_(groups), MeetingFeedback.user_id == me),
        ),
        LearningNote: ("learning note", select(LearningNote).where(my_notes)),
        NoteRevision: (
            "earlier wording of a learning note",
            select(NoteRevision).where(NoteRevision.note_id.in_(sql_select(LearningNote.id).where(my_notes))),
        ),
        Delivery: ("message", select(Delivery).where(Delivery.group_id.in_(groups), deliveries_about(me))),
        PendingText: (
            "text waiting for save anyway",
            select(PendingText).where(of_tenant(PendingText), PendingText.user_id == me),
        ),
        AuditEntry: (
            "audit",
            select(AuditEntry).where(
                of_tenant(AuditEntry), or_(AuditEntry.actor_id == me, AuditEntry.detail.contains(me))
            ),
        ),
    }


def _my_records(ctx: Context) -> list[dict]:
    me = ctx.caller.user_id
    channels = {g.id: g.channel_id for g in ctx.session.exec(select(Group).where(_callers_tenant(ctx, Group)))}
    records = []
    for table, (record, query) in exported_tables(ctx.caller.person).items():
        for row in ctx.session.exec(query):
            if isinstance(row, AuditEntry) and me != row.actor_id and me not in row.detail.split():
                continue  # the detail names someone else whose id contains the caller's
            group_id = row.id if table is Group else getattr(row, "group_id", None)
            records.append({"record": record, "group_channel": channels.get(group_id), **row.model_dump(mode="json")})
    return records + _kept_by_front_ends(ctx)


def _kept_by_front_ends(ctx: Context) -> list[dict]:
    records = []
    for kept in _front_end_tables(ctx):
        columns = [column for column in kept.table.c if column.name not in kept.secret]
        theirs = sql_select(*columns).where(_callers_rows(ctx, kept))
        for fields in ctx.session.execute(theirs).mappings():
            shown = {
                name: value.isoformat() if isinstance(value, datetime) else value for name, value in fields.items()
            }
            records.append({"record": kept.record, "group_channel": None, **shown})
    return records


def _forget_in_front_ends(ctx: Context) -> None:
    for kept in _front_end_tables(ctx):
        ctx.session.execute(update(kept.table).where(_callers_rows(ctx, kept)).values(kept.forgotten))


def _front_end_tables(ctx: Context) -> list[KeptByAFrontEnd]:
    return [kept for kept in KEPT_BY_FRONT_ENDS if kept.platform == ctx.caller.platform]


def _callers_rows(ctx: Context, kept: KeptByAFrontEnd):
    in_tenant = or_(*(kept.table.c[name] == ctx.caller.tenant_id for name in kept.tenant))
    return (kept.table.c[kept.person] == ctx.caller.user_id) & in_tenant


def _as_json(records: list[dict]) -> bytes:
    return json.dumps({"records": records}, indent=1, ensure_ascii=False).encode()


def _as_csv(records: list[dict]) -> bytes:
    """One row per record; the columns are every field of every record, in order of appearance."""
    columns = list(dict.fromkeys(column for record in records for column in record))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode()
