"""Advice from consultation and its follow-up: applied? did the client's outcome move?"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import select

from bot import prompts, values
from bot.availability import next_send_time, zone_of
from bot.calendar import add_local_days
from bot.forms import NOT_IDENTIFYING, FieldKind, Form, FormField, Values, check_fields
from bot.grammar import DEFAULT_FOLLOW_UP_DAYS, GiveAdvice, OpenAdviceForm, refuse
from bot.messages import Code, Mention, Message, day_label, line
from bot.model import (
    CLOSED_ADVICE,
    Advice,
    AdviceStatus,
    Delivery,
    DeliveryKind,
    Group,
    NoteSource,
    Score,
    ScoreKind,
)
from bot.outcomes import alliance_concern, describe_since_advice, points, shown
from bot.scheduling import keys
from bot.scheduling.outbox import schedule
from bot.services.answers import ALREADY_ANSWERED, id_from, own_delivery, redraw, take_answer
from bot.services.audit import guard
from bot.services.caller import Context, Result
from bot.services.clients import client_record, flags_raised, open_client, record_score
from bot.services.membership import my_group, require_therapist
from bot.services.notes import keep_note
from bot.values import InvalidValue

INTAKE = FormField(
    "intake",
    "Intake",
    FieldKind.TICK,
    required=False,
    choices=(("yes", "This ORS is the client's intake, the score change is measured from"),),
)
NOT_YET_DELAY_DAYS = 7
FORM_KIND = "advice"
ANSWER_FORM_KIND = "follow_up"


def give_advice(ctx: Context, command: GiveAdvice) -> Result:
    group = my_group(ctx, "advice")
    return _record(ctx, group, command)


def _record(ctx: Context, group: Group, command: GiveAdvice) -> Result:
    therapist = command.therapist_id
    if therapist != ctx.caller.user_id and group.coach_id != ctx.caller.user_id:
        raise refuse("Only the coach can record advice for someone else; you can record advice for yourself.", "advice")
    require_therapist(ctx, group, therapist, "advice")
    if command.baseline_ors is not None and command.client_code is None:
        raise refuse(
            line("A baseline ORS needs the client code it belongs to, e.g. ", Code("client C12 ors 18"), "."), "advice"
        )
    guard(ctx, group, advice=command.text)
    baseline = command.baseline_ors
    if command.client_code and baseline is not None:
        record_score(ctx, open_client(ctx, group, therapist, command.client_code, "advice"), ScoreKind.ORS, baseline)
    elif command.client_code:
        client_record(ctx, group, therapist, command.client_code)
        baseline = _latest_ors(ctx, group, therapist, command.client_code)
    advice, due = add_advice(ctx, group, replace(command, baseline_ors=baseline))
    where = zone_of(ctx.session, group, therapist)
    whom = "you" if therapist == ctx.caller.user_id else "them"
    about = f" about client {advice.client_code}" if advice.client_code else ""
    baseline_note = f" (baseline ORS {shown(baseline)})" if baseline is not None else ""
    return Result(
        reply=Message.text(
            line("Advice recorded for ", Mention(therapist), about, baseline_note, "."),
            f"I'll ask {whom} on {day_label(due.astimezone(where))} whether it was applied"
            " and whether the outcome moved.",
        )
    )


def add_advice(ctx: Context, group: Group, command: GiveAdvice) -> tuple[Advice, datetime]:
    """Advice already checked and through the guard, given by the caller, and its follow-up: when it is due."""
    advice = Advice(
        group_id=group.id,
        therapist_id=command.therapist_id,
        given_by=ctx.caller.user_id,
        text=command.text,
        client_code=command.client_code,
        baseline_ors=command.baseline_ors,
        created_at=ctx.now,
    )
    ctx.session.add(advice)
    ctx.session.flush()
    later = add_local_days(ctx.now, command.follow_up_days, zone_of(ctx.session, group, command.therapist_id))
    return advice, _schedule_follow_up(ctx, advice, next_send_time(ctx.session, group, command.therapist_id, later))


def open_advice_form(ctx: Context, _command: OpenAdviceForm) -> Result:
    return Result(form=_advice_form(ctx, my_group(ctx, "advice")))


def _advice_form(ctx: Context, group: Group) -> Form:
    is_coach = group.coach_id == ctx.caller.user_id
    fields = (
        FormField("therapist", "Advice for", FieldKind.USER, initial=None if is_coach else ctx.caller.user_id),
        FormField("advice", "The advice", FieldKind.LONG_TEXT, max_length=values.TEXT_LIMITS["advice"]),
        FormField(
            "client",
            "Client code (optional)",
            required=False,
            max_length=12,
            hint="A code you choose, with a digit, like C12 or K-7. Never a name, initials or a year.",
        ),
        FormField(
            "ors",
            "Baseline ORS (optional)",
            FieldKind.NUMBER,
            required=False,
            low=0,
            high=values.MAX_SCORE,
            decimal=True,
        ),
        FormField(
            "days",
            "Follow up in how many days",
            FieldKind.NUMBER,
            initial=str(DEFAULT_FOLLOW_UP_DAYS),
            low=1,
            high=values.MAX_FOLLOW_UP_DAYS,
        ),
    )
    context = {"group_id": str(group.id)}
    return Form(FORM_KIND, "Advice from consultation", "Save", (*fields, NOT_IDENTIFYING), context)


def submit_advice_form(ctx: Context, context: dict[str, str], submitted: Values) -> Result:
    group = ctx.session.get(Group, id_from(context.get("group_id")))
    if group is None or not ctx.caller.shares_tenant_with(group):
        raise refuse("That form no longer matches a group you're in.", "advice")
    clean, errors = check_fields(_advice_form(ctx, group), submitted)
    code = None
    if clean.get("client") and "client" not in errors:
        try:
            code = values.client_code(clean["client"])
        except InvalidValue as error:
            errors["client"] = str(error)
    if errors:
        return Result(errors=errors)
    command = GiveAdvice(
        therapist_id=clean["therapist"],
        text=values.bounded_text(clean["advice"], "advice"),
        client_code=code,
        baseline_ors=points(clean["ors"]) if clean.get("ors") else None,
        follow_up_days=int(clean["days"]),
    )
    result = _record(ctx, group, command)
    return Result(notice=result.reply)


def _schedule_follow_up(ctx: Context, advice: Advice, due):
    schedule(
        ctx.session,
        Delivery(
            key=keys.follow_up(advice.id, due),
            kind=DeliveryKind.FOLLOW_UP,
            group_id=advice.group_id,
            recipient_id=advice.therapist_id,
            subject_id=advice.id,
            due_at=due,
        ),
    )
    return due


def _latest_ors(ctx: Context, group: Group, therapist: str, code: str) -> Decimal | None:
    latest = ctx.session.exec(
        select(Score)
        .where(
            Score.group_id == group.id,
            Score.user_id == therapist,
            Score.client_code == code,
            Score.kind == ScoreKind.ORS,
        )
        .order_by(Score.recorded_at.desc(), Score.id.desc())
    ).first()
    return latest.value if latest else None


def press_follow_up(ctx: Context, delivery_id: str, answer: str) -> Result:
    delivery, advice = _own_follow_up(ctx, delivery_id)
    if delivery.answer is not None or advice.status in CLOSED_ADVICE:
        return Result(reply=Message.text(ALREADY_ANSWERED))
    if answer in ("applied", "partly"):
        return Result(form=_answer_form(advice, delivery, answer))
    if not take_answer(ctx, delivery, answer):
        return Result(reply=Message.text(ALREADY_ANSWERED))
    if answer == "not_yet":
        advice.status = AdviceStatus.NOT_YET
        group = ctx.session.get(Group, advice.group_id)
        where = zone_of(ctx.session, group, advice.therapist_id)
        later = ctx.now + timedelta(days=NOT_YET_DELAY_DAYS)
        again = _schedule_follow_up(ctx, advice, next_send_time(ctx.session, group, advice.therapist_id, later))
        outcome = line(f"⏳ Not yet: I'll ask again on {day_label(again.astimezone(where))}.")
    else:
        advice.status, advice.answered_at = AdviceStatus.NO_LONGER_RELEVANT, ctx.now
        outcome = line("Marked no longer relevant.")
    ctx.session.add(advice)
    return Result(updates=redraw(ctx, delivery, prompts.follow_up_answered(advice, outcome)))


def _answer_form(advice: Advice, delivery: Delivery, answer: str) -> Form:
    fields = [
        FormField(
            "learning", "What happened? What did you learn?", FieldKind.LONG_TEXT, max_length=values.TEXT_LIMITS["note"]
        )
    ]
    if advice.client_code:
        fields += [
            FormField(
                kind,
                f"Latest {kind.upper()} for {advice.client_code} (optional)",
                FieldKind.NUMBER,
                required=False,
                low=0,
                high=values.MAX_SCORE,
                decimal=True,
            )
            for kind in ("ors", "srs")
        ]
        fields += [
            FormField(
                "session",
                "Session number of these scores (optional)",
                FieldKind.NUMBER,
                required=False,
                low=1,
                high=values.MAX_SESSION,
            ),
            INTAKE,
        ]
    title = "Applied" if answer == "applied" else "Partly applied"
    fields.append(NOT_IDENTIFYING)
    return Form(ANSWER_FORM_KIND, title, "Save", tuple(fields), {"delivery_id": str(delivery.id), "answer": answer})


def submit_follow_up_form(ctx: Context, context: dict[str, str], submitted: Values) -> Result:
    delivery, advice = _own_follow_up(ctx, context.get("delivery_id"))
    answer = context.get("answer")
    if answer not in ("applied", "partly"):
        raise refuse("That form is not one I sent, so nothing changed.", "status")
    clean, errors = check_fields(_answer_form(advice, delivery, answer), submitted)
    if errors:
        return Result(errors=errors)
    group = ctx.session.get(Group, advice.group_id)
    guard(ctx, group, learning=clean["learning"])
    if advice.status in CLOSED_ADVICE or not take_answer(ctx, delivery, answer):
        return Result(notice=Message.text(ALREADY_ANSWERED))
    advice.status = AdviceStatus(answer)
    advice.answered_at = ctx.now
    advice.learning = clean["learning"]
    ctx.session.add(advice)
    keep_note(ctx, group, advice.therapist_id, clean["learning"], NoteSource.FOLLOW_UP, advice.client_code)
    outcome: list = ["✅ Applied." if answer == "applied" else "✅ Partly applied."]
    if advice.client_code:
        client = client_record(ctx, group, advice.therapist_id, advice.client_code)
        session = int(clean["session"]) if clean.get("session") else None
        for kind in (ScoreKind.ORS, ScoreKind.SRS):
            if clean.get(kind.value):
                intake = kind is ScoreKind.ORS and clean.get(INTAKE.name) == "yes"
                record_score(ctx, client, kind, points(clean[kind.value]), session, intake)
    outcome.extend(_movement_notes(ctx, group, advice, clean))
    if advice.client_code:
        outcome.extend(flag.why + "." for flag in flags_raised(ctx, group, client, _recorded_kinds(clean)))
    redrawn = prompts.follow_up_answered(advice, line(" ".join(outcome)))
    return Result(updates=redraw(ctx, delivery, redrawn))


def _movement_notes(ctx: Context, group: Group, advice: Advice, clean: Values) -> list[str]:
    notes = []
    limits = group.thresholds
    if clean.get("ors") and advice.baseline_ors is not None:
        given = advice.created_at.astimezone(zone_of(ctx.session, group, advice.therapist_id)).date()
        notes.append(describe_since_advice(advice.baseline_ors, points(clean["ors"]), limits, given) + ".")
    if clean.get("srs") and alliance_concern(points(clean["srs"]), limits):
        notes.append(
            f"SRS {clean['srs']} is below {limits.srs_alliance_concern}:"
            " worth talking over the alliance in supervision."
        )
    return notes


def _recorded_kinds(clean: Values) -> list[ScoreKind]:
    return [kind for kind in (ScoreKind.ORS, ScoreKind.SRS) if clean.get(kind.value)]


def _own_follow_up(ctx: Context, raw_id: str | None) -> tuple[Delivery, Advice]:
    return own_delivery(ctx, raw_id, DeliveryKind.FOLLOW_UP, Advice, "That follow-up")
