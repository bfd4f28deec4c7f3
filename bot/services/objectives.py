"""Learning objectives: setting one, the objective form, and its review on its date; each
ending (achieved, refined, dropped) and each "keep working" with its reason, if given."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import select

from bot import prompts, values
from bot.availability import next_send_time, zone_of
from bot.calendar import at_local
from bot.forms import NOT_IDENTIFYING, FieldKind, Form, FormField, Values, check_fields
from bot.grammar import SetObjective, refuse
from bot.knowing import reviewed_recordings
from bot.messages import Bold, Command, Message, day_label, line
from bot.model import Delivery, DeliveryKind, Group, Objective, ObjectiveStatus
from bot.scheduling import keys
from bot.scheduling.outbox import schedule
from bot.services.answers import ALREADY_ANSWERED, id_from, own_delivery, redraw, take_answer
from bot.services.audit import guard
from bot.services.caller import Context, Result
from bot.services.group_settings import today_for
from bot.services.membership import my_group, require_member
from bot.services.recordings import recordings_reviewed

REVIEW_AFTER = timedelta(weeks=4)
REVIEW_TIME = time(10, 0)
FORM_KIND = "objective"
REVIEW_FORM_KIND = "review"
PREVIOUS_CHOICES = (
    ("refined", "Refined: this one replaces it"),
    ("achieved", "Achieved"),
    ("dropped", "Dropped"),
)
REASON_HINT = "Optional, a sentence: what your clients' results or your practice showed."
# The review's answers asked for a reason in a form of their own: (form title, the question).
REVIEW_REASONS = {
    "achieved": ("Objective achieved", "What tells you it is achieved?"),
    "keep_working": ("Keep working", "Why keep working on it?"),
}


def _reason_field(name: str, label: str) -> FormField:
    return FormField(
        name, label, FieldKind.LONG_TEXT, required=False, hint=REASON_HINT, max_length=values.TEXT_LIMITS["reason"]
    )


def active_objective(ctx: Context, group_id: int, user_id: str) -> Objective | None:
    return ctx.session.exec(
        select(Objective).where(
            Objective.group_id == group_id, Objective.user_id == user_id, Objective.status == ObjectiveStatus.ACTIVE
        )
    ).first()


def set_objective(ctx: Context, command: SetObjective) -> Result:
    group = my_group(ctx, "objective")
    require_member(ctx, group, "objective")
    current = active_objective(ctx, group.id, ctx.caller.user_id)
    if command.text is None:
        return Result(form=objective_form(ctx, group, current, prefill=None))
    guard(ctx, group, objective=command.text)
    review_on = today_for(ctx, group, ctx.caller.user_id) + REVIEW_AFTER
    objective = _replace(ctx, group, current, ObjectiveStatus.REFINED, command.text, None, None, review_on)
    lines = [
        line(Bold("Your learning objective: "), objective.text),
        f"I'll ask you to review it on {day_label(review_on)}.",
        reviewed_recordings(objective.recordings_reviewed or 0),
    ]
    if current:
        lines.append(
            line(
                "Your previous objective is kept as refined. To add why it matters and how progress will show, use ",
                Command("objective"),
                " with no text.",
            )
        )
    return Result(reply=Message.text(*lines))


def objective_form(
    ctx: Context, group: Group, current: Objective | None, prefill: Objective | None, delivery_id: int | None = None
) -> Form:
    default_review = today_for(ctx, group, ctx.caller.user_id) + REVIEW_AFTER
    fields = [
        FormField(
            "objective",
            "Your learning objective",
            FieldKind.LONG_TEXT,
            initial=prefill and prefill.text,
            hint="The one thing you're working on, e.g. ‘ask for feedback on the alliance every session’.",
            max_length=values.TEXT_LIMITS["objective"],
        ),
        FormField(
            "leverage",
            "Why it has leverage on client outcomes",
            FieldKind.LONG_TEXT,
            required=False,
            initial=prefill and prefill.leverage,
            max_length=values.TEXT_LIMITS["note"],
        ),
        FormField(
            "evidence",
            "How progress will show",
            FieldKind.LONG_TEXT,
            required=False,
            initial=prefill and prefill.evidence,
            max_length=values.TEXT_LIMITS["note"],
        ),
        FormField("review_on", "Review date", FieldKind.DATE, initial=default_review.isoformat()),
    ]
    if current is not None:
        fields.append(
            FormField(
                "previous",
                "Your current objective becomes",
                FieldKind.CHOICE,
                initial="refined",
                choices=PREVIOUS_CHOICES,
            )
        )
        fields.append(_reason_field("ended_why", "Why it ends that way"))
    context = {"group_id": str(group.id)}
    if delivery_id is not None:
        context["delivery_id"] = str(delivery_id)
    fields.append(NOT_IDENTIFYING)
    return Form(FORM_KIND, "Learning objective", "Save", tuple(fields), context)


def submit_objective_form(ctx: Context, context: dict[str, str], submitted: Values) -> Result:
    group = ctx.session.get(Group, id_from(context.get("group_id")))
    if group is None or not ctx.caller.shares_tenant_with(group):
        raise refuse("That form no longer matches a group you're in.", "objective")
    require_member(ctx, group, "objective")
    current = active_objective(ctx, group.id, ctx.caller.user_id)
    form = objective_form(ctx, group, current, None)
    clean, errors = check_fields(form, submitted)
    review_on = _review_date(ctx, group, clean.get("review_on"), errors)
    if errors:
        return Result(errors=errors)
    guard(
        ctx,
        group,
        objective=clean["objective"],
        leverage=clean.get("leverage"),
        evidence=clean.get("evidence"),
        ended_why=clean.get("ended_why"),
    )
    review = _own_review(ctx, context["delivery_id"]) if "delivery_id" in context else None
    if review and not take_answer(ctx, review[0], "refine"):
        return Result(notice=Message.text(ALREADY_ANSWERED))
    previous = ObjectiveStatus(clean.get("previous") or "refined")
    if current is not None:
        current.ended_why = clean.get("ended_why")
    objective = _replace(
        ctx,
        group,
        current,
        previous,
        values.bounded_text(clean["objective"], "objective"),
        clean.get("leverage"),
        clean.get("evidence"),
        review_on,
    )
    result = Result(
        notice=Message.text(
            line(Bold("Your learning objective is set: "), objective.text),
            f"I'll ask you to review it on {day_label(review_on)}.",
            reviewed_recordings(objective.recordings_reviewed or 0),
        )
    )
    if review:
        delivery, refined = review
        outcome = prompts.review_answered(refined, f"✏️ Refined into: {objective.text}", refined.ended_why)
        result.updates = redraw(ctx, delivery, outcome)
    return result


def _review_date(ctx: Context, group: Group, raw: str | None, errors: dict[str, str]) -> date | None:
    if raw is None or "review_on" in errors:
        return None
    review_on = date.fromisoformat(raw)
    today = today_for(ctx, group, ctx.caller.user_id)
    if not today < review_on <= today + timedelta(days=365):
        errors["review_on"] = "Choose a date after today and within a year."
    return review_on


def _replace(
    ctx: Context,
    group: Group,
    current: Objective | None,
    previous: ObjectiveStatus,
    text: str,
    leverage: str | None,
    evidence: str | None,
    review_on: date,
) -> Objective:
    if current is not None:
        current.status, current.closed_at = previous, ctx.now
        ctx.session.add(current)
        ctx.session.flush()  # the partial unique index allows one active objective
    objective = Objective(
        group_id=group.id,
        user_id=ctx.caller.user_id,
        text=text,
        leverage=leverage,
        evidence=evidence,
        review_on=review_on,
        created_at=ctx.now,
        recordings_reviewed=recordings_reviewed(ctx, group, ctx.caller.user_id),
    )
    ctx.session.add(objective)
    ctx.session.flush()
    schedule_review(ctx, group, objective)
    return objective


def schedule_review(ctx: Context, group: Group, objective: Objective) -> None:
    where = zone_of(ctx.session, group, objective.user_id)
    schedule(
        ctx.session,
        Delivery(
            key=keys.review(objective.id, objective.review_on),
            kind=DeliveryKind.REVIEW,
            group_id=group.id,
            recipient_id=objective.user_id,
            subject_id=objective.id,
            due_at=next_send_time(
                ctx.session, group, objective.user_id, at_local(objective.review_on, REVIEW_TIME, where)
            ),
        ),
    )


def answer_review(ctx: Context, delivery_id: str, answer: str) -> Result:
    """Each answer opens a form: Refine the objective form, prefilled; the others a reason."""
    delivery, objective = _own_review(ctx, delivery_id)
    if delivery.answer is not None or objective.status is not ObjectiveStatus.ACTIVE:
        return Result(reply=Message.text(ALREADY_ANSWERED))
    if answer == "refine":
        group = ctx.session.get(Group, objective.group_id)
        return Result(form=objective_form(ctx, group, objective, prefill=objective, delivery_id=delivery.id))
    return Result(form=_reason_form(delivery, answer))


def _reason_form(delivery: Delivery, answer: str) -> Form:
    title, question = REVIEW_REASONS[answer]
    context = {"delivery_id": str(delivery.id), "answer": answer}
    return Form(REVIEW_FORM_KIND, title, "Save", (_reason_field("why", question), NOT_IDENTIFYING), context)


def submit_review(ctx: Context, context: dict[str, str], submitted: Values) -> Result:
    delivery, objective = _own_review(ctx, context.get("delivery_id"))
    answer = context.get("answer")
    if answer not in REVIEW_REASONS:
        raise refuse("That form no longer matches a review you were sent, so nothing changed.", "status")
    if delivery.answer is not None or objective.status is not ObjectiveStatus.ACTIVE:
        return Result(notice=Message.text(ALREADY_ANSWERED))
    clean, errors = check_fields(_reason_form(delivery, answer), submitted)
    if errors:
        return Result(errors=errors)
    group = ctx.session.get(Group, objective.group_id)
    guard(ctx, group, why=clean.get("why"))
    if not take_answer(ctx, delivery, answer):
        return Result(notice=Message.text(ALREADY_ANSWERED))
    if answer == "achieved":
        objective.status, objective.closed_at, objective.ended_why = ObjectiveStatus.ACHIEVED, ctx.now, clean.get("why")
        outcome = line("🎉 Marked achieved. Set your next objective with ", Command("objective"), ".")
    else:
        objective.review_on = max(today_for(ctx, group, objective.user_id), objective.review_on) + REVIEW_AFTER
        objective.kept_why = clean.get("why")
        schedule_review(ctx, group, objective)
        outcome = line(f"💪 Keep working: I'll ask again on {day_label(objective.review_on)}.")
    ctx.session.add(objective)
    return Result(updates=redraw(ctx, delivery, prompts.review_answered(objective, outcome, clean.get("why"))))


def _own_review(ctx: Context, raw_id: str | None) -> tuple[Delivery, Objective]:
    return own_delivery(ctx, raw_id, DeliveryKind.REVIEW, Objective, "That review")
