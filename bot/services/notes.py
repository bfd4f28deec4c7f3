"""Learning notes: kept from check-ins, follow-ups and `note`, listed, refined, archived,
and brought back to their author on the spaced schedule (bot/resurfacing.py), asking what
they remember before showing the note."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from bot import prompts, values
from bot.availability import next_send_time, zone_of
from bot.config import Settings
from bot.forms import NOT_IDENTIFYING, FieldKind, Form, FormField, Values, check_fields
from bot.grammar import ListNotes, PauseNotes, WriteNote, refuse
from bot.messages import Bold, Button, Command, Message, Section, day_label, line
from bot.model import (
    Delivery,
    DeliveryKind,
    Group,
    LearningNote,
    NoteRevision,
    NoteSource,
    Objective,
    ObjectiveStatus,
)
from bot.resurfacing import next_step_due
from bot.scheduling import keys
from bot.scheduling.outbox import schedule
from bot.services.answers import ALREADY_ANSWERED, id_from, own_delivery, redraw, take_answer
from bot.services.audit import guard
from bot.services.caller import Context, Result
from bot.services.membership import my_group, require_member

RECALL_FORM_KIND = "resurface_recall"
REFINE_FORM_KIND = "note_refine"
ARCHIVE_ACTION = "note:archive"
LISTED = 10  # the newest shown by `notes`, each with its Archive button


def keep_note(
    ctx: Context, group: Group, user_id: str, text: str, source: NoteSource, client_code: str | None = None
) -> LearningNote:
    """Keep a note (already through the guard) under the author's active objective, and put
    its first return on the schedule."""
    objective = ctx.session.exec(
        select(Objective.id).where(
            Objective.group_id == group.id, Objective.user_id == user_id, Objective.status == ObjectiveStatus.ACTIVE
        )
    ).first()
    note = LearningNote(
        group_id=group.id,
        user_id=user_id,
        text=text,
        source=source,
        objective_id=objective,
        client_code=client_code,
        written_at=ctx.now,
    )
    ctx.session.add(note)
    ctx.session.flush()
    schedule_return(ctx.session, group, note, ctx.settings, ctx.now)
    return note


def schedule_return(session: Session, group: Group, note: LearningNote, settings: Settings, now: datetime) -> None:
    """The note's next return, if its schedule has one, at the author's next working time."""
    due = next_step_due(
        note.written_at, note.resurfaced, settings.resurface_days, zone_of(session, group, note.user_id), now
    )
    if due is None:
        return
    schedule(
        session,
        Delivery(
            key=keys.resurfacing(note.id, note.resurfaced),
            kind=DeliveryKind.RESURFACING,
            group_id=group.id,
            recipient_id=note.user_id,
            subject_id=note.id,
            due_at=next_send_time(session, group, note.user_id, due),
        ),
    )


def write_note(ctx: Context, command: WriteNote) -> Result:
    group = my_group(ctx, "note")
    require_member(ctx, group, "note")
    guard(ctx, group, note=command.text)
    keep_note(ctx, group, ctx.caller.user_id, command.text, NoteSource.NOTE, command.client_code)
    days = ", ".join(str(day) for day in ctx.settings.resurface_days)
    about = f" about client {command.client_code}" if command.client_code else ""
    comes_back = f"It comes back to you {days} days from now, asking first what you remember." if days else ""
    return Result(
        reply=Message.text(f"Learning note kept{about}.", comes_back, line("See them all with ", Command("notes"), "."))
    )


def list_notes(ctx: Context, command: ListNotes) -> Result:
    group = my_group(ctx, "notes")
    query = select(LearningNote).where(
        LearningNote.group_id == group.id,
        LearningNote.user_id == ctx.caller.user_id,
        LearningNote.archived_at.is_(None),
    )
    if command.client_code:
        query = query.where(LearningNote.client_code == command.client_code)
    notes = ctx.session.exec(query.order_by(LearningNote.written_at.desc(), LearningNote.id.desc())).all()
    whose = f" about client {command.client_code}" if command.client_code else ""
    if not notes:
        return Result(
            reply=Message.text(
                f"You have no learning notes{whose} yet.",
                line("Keep one with ", Command("note <what you learned>"), "."),
            )
        )
    objectives = _objective_texts(ctx, {note.objective_id for note in notes[:LISTED]})
    lines = [_listed(number, note, objectives) for number, note in enumerate(notes[:LISTED], start=1)]
    if len(notes) > LISTED:
        lines.append(line(f"…and {len(notes) - LISTED} older ones; archive some to see them here."))
    buttons = tuple(Button(f"Archive {n}", ARCHIVE_ACTION, str(note.id)) for n, note in enumerate(notes[:LISTED], 1))
    heading = f"Your learning notes{whose}, newest first"
    return Result(reply=Message(summary=heading, sections=(Section(tuple(lines), heading=heading),), buttons=buttons))


def _objective_texts(ctx: Context, ids: set[int | None]) -> dict[int, str]:
    known = [objective_id for objective_id in ids if objective_id is not None]
    return dict(ctx.session.exec(select(Objective.id, Objective.text).where(Objective.id.in_(known))).all())


def _listed(number: int, note: LearningNote, objectives: dict[int, str]):
    about = [f"client {note.client_code}"] if note.client_code else []
    if note.objective_id in objectives:
        about.append(f"objective “{objectives[note.objective_id]}”")
    context = f" ({'; '.join(about)})" if about else ""
    return line(Bold(f"{number}. {day_label(note.written_at)}{context}: "), note.text)


def pause_notes(ctx: Context, command: PauseNotes) -> Result:
    group = my_group(ctx, "notes")
    member = require_member(ctx, group, "notes")
    if member.notes_paused == command.paused:
        state = "paused" if command.paused else "coming back"
        raise refuse(f"Your learning notes are already {state}, so nothing changed.", "notes")
    member.notes_paused = command.paused
    ctx.session.add(member)
    if command.paused:
        return Result(
            reply=Message.text(
                line(
                    "Your learning notes won't come back to you until you say ",
                    Command("notes resume"),
                    "; each waits where it is on its schedule.",
                )
            )
        )
    released = ctx.session.exec(
        select(Delivery).where(
            Delivery.group_id == group.id,
            Delivery.recipient_id == member.user_id,
            Delivery.kind == DeliveryKind.RESURFACING,
            Delivery.held_by_pause.is_(True),
        )
    ).all()
    for delivery in released:
        delivery.due_at, delivery.held_by_pause = ctx.now, False
        ctx.session.add(delivery)
    return Result(
        reply=Message.text("Your learning notes come back to you again, at most one a day."), dispatch_now=True
    )


def press_resurfacing(ctx: Context, delivery_id: str, answer: str) -> Result:
    delivery, note = _own_resurfacing(ctx, delivery_id)
    if delivery.answer is not None or note.archived_at is not None:
        return Result(reply=Message.text(ALREADY_ANSWERED))
    if answer == "recall":
        return Result(form=_recall_form(delivery))
    if answer == "show":
        return Result(updates=redraw(ctx, delivery, prompts.resurfaced_note(note, delivery.id)))
    if answer == "refine":
        return Result(form=_refine_form(note, delivery.id))
    if not take_answer(ctx, delivery, answer):
        return Result(reply=Message.text(ALREADY_ANSWERED))
    if answer == "archive":
        note.archived_at = ctx.now
        ctx.session.add(note)
        outcome = "Archived: it won't come back."
    else:
        outcome = "👍 Kept as it is." + (" It comes back once more, later." if _has_next_step(ctx, note) else "")
    return Result(updates=redraw(ctx, delivery, prompts.resurfacing_answered(note, outcome)))


def _has_next_step(ctx: Context, note: LearningNote) -> bool:
    return note.resurfaced < len(ctx.settings.resurface_days)


def _recall_form(delivery: Delivery) -> Form:
    fields = (
        FormField(
            "recalled", "What do you remember of it?", FieldKind.LONG_TEXT, max_length=values.TEXT_LIMITS["note"]
        ),
        NOT_IDENTIFYING,
    )
    return Form(RECALL_FORM_KIND, "What do you remember?", "Show my note", fields, {"delivery_id": str(delivery.id)})


def submit_recall(ctx: Context, context: dict[str, str], submitted: Values) -> Result:
    delivery, note = _own_resurfacing(ctx, context.get("delivery_id"))
    clean, errors = check_fields(_recall_form(delivery), submitted)
    if errors:
        return Result(errors=errors)
    guard(ctx, ctx.session.get(Group, note.group_id), recalled=clean["recalled"])
    if delivery.answer is not None or note.archived_at is not None:
        return Result(notice=Message.text(ALREADY_ANSWERED))
    return Result(updates=redraw(ctx, delivery, prompts.resurfaced_note(note, delivery.id, clean["recalled"])))


def _refine_form(note: LearningNote, delivery_id: int | None) -> Form:
    fields = (
        FormField(
            "note", "Your learning note", FieldKind.LONG_TEXT, initial=note.text, max_length=values.TEXT_LIMITS["note"]
        ),
        NOT_IDENTIFYING,
    )
    context = {"note_id": str(note.id), "delivery_id": "" if delivery_id is None else str(delivery_id)}
    return Form(REFINE_FORM_KIND, "Refine your note", "Save", fields, context)


def submit_refine(ctx: Context, context: dict[str, str], submitted: Values) -> Result:
    delivery, note = _own_resurfacing(ctx, context.get("delivery_id"))
    if note.id != id_from(context.get("note_id")):
        raise refuse("That form is not one I sent, so nothing changed.", "notes")
    clean, errors = check_fields(_refine_form(note, delivery.id), submitted)
    if errors:
        return Result(errors=errors)
    guard(ctx, ctx.session.get(Group, note.group_id), note=clean["note"])
    if note.archived_at is not None or not take_answer(ctx, delivery, "refine"):
        return Result(notice=Message.text(ALREADY_ANSWERED))
    refined = values.bounded_text(clean["note"] or "", "note")
    if refined != note.text:
        ctx.session.add(NoteRevision(note_id=note.id, text=note.text, replaced_at=ctx.now))
        note.text = refined
        ctx.session.add(note)
    outcome = "✏️ Refined; the earlier wording is kept in its history."
    return Result(updates=redraw(ctx, delivery, prompts.resurfacing_answered(note, outcome)))


def archive_note(ctx: Context, raw_id: str) -> Result:
    note = _own_note(ctx, raw_id)
    if note.archived_at is not None:
        return Result(reply=Message.text("That note is already archived."))
    note.archived_at = ctx.now
    ctx.session.add(note)
    return Result(
        reply=Message.text(line("Archived your note of ", day_label(note.written_at), ": it won't come back."))
    )


def _own_note(ctx: Context, raw_id: str | None) -> LearningNote:
    note = ctx.session.get(LearningNote, id_from(raw_id))
    group = note and ctx.session.get(Group, note.group_id)
    if not note or note.user_id != ctx.caller.user_id or not ctx.caller.shares_tenant_with(group):
        raise refuse("That note isn't yours, or is no longer there, so nothing changed.", "notes")
    return note


def _own_resurfacing(ctx: Context, raw_id: str | None) -> tuple[Delivery, LearningNote]:
    return own_delivery(ctx, raw_id, DeliveryKind.RESURFACING, LearningNote, "That learning note")
