"""Before and after the group's meeting: what each member wants from the next one, and how
useful the last one was, with what they will try before the next (kept as advice to themself)."""

from __future__ import annotations

from collections.abc import Callable

from bot import prompts, values
from bot.availability import zone_of
from bot.forms import NOT_IDENTIFYING, Errors, FieldKind, Form, FormField, Values, check_fields
from bot.grammar import GiveAdvice
from bot.meetings import REQUESTS, RequestKind
from bot.messages import Bold, Line, Message, day_label, line
from bot.model import Delivery, DeliveryKind, Group, MeetingFeedback, MeetingRequest, Member
from bot.scheduling import keys
from bot.services.advice import add_advice
from bot.services.answers import ALREADY_ANSWERED, own_delivery, redraw, take_answer
from bot.services.audit import guard
from bot.services.caller import Context, Result
from bot.values import InvalidValue

PREP_FORM_KIND = "meeting_prep"
FEEDBACK_FORM_KIND = "meeting_feedback"
SELF_ADVICE_DAYS = 7  # what a therapist will try before the next meeting is followed up a week later


def open_prep_form(ctx: Context, delivery_id: str) -> Result:
    return _open_form(ctx, delivery_id, DeliveryKind.PREP, _prep_form)


def _prep_form(delivery: Delivery) -> Form:
    fields = (
        FormField(
            "kind",
            "What do you want from the next meeting?",
            FieldKind.CHOICE,
            choices=tuple((kind.value, label) for kind, label in REQUESTS.items()),
        ),
        FormField(
            "client",
            "Client code, if you bring a case",
            required=False,
            max_length=12,
            hint="A code you choose, with a digit, like C12 or K-7. Never a name, initials or a year.",
        ),
        FormField(
            "text",
            "Your question, or the skill (not for “nothing this time”)",
            FieldKind.LONG_TEXT,
            required=False,
            max_length=values.TEXT_LIMITS["request"],
        ),
        NOT_IDENTIFYING,
    )
    meeting = day_label(keys.meeting_of(delivery.key))
    return Form(PREP_FORM_KIND, f"Meeting on {meeting}", "Send", fields, {"delivery_id": str(delivery.id)})


def submit_prep(ctx: Context, context: dict[str, str], submitted: Values) -> Result:
    delivery, member = _own(ctx, context.get("delivery_id"), DeliveryKind.PREP)
    if delivery.answer is not None:
        return Result(notice=Message.text(ALREADY_ANSWERED))
    clean, errors = check_fields(_prep_form(delivery), submitted)
    if errors:
        return Result(errors=errors)
    kind = RequestKind(clean["kind"])
    code, text = _request_parts(kind, clean, errors)
    if errors:
        return Result(errors=errors)
    group = ctx.session.get(Group, member.group_id)
    guard(ctx, group, request=text)
    if not take_answer(ctx, delivery, kind.value):
        return Result(notice=Message.text(ALREADY_ANSWERED))
    meeting_on = keys.meeting_of(delivery.key)
    ctx.session.add(
        MeetingRequest(
            group_id=group.id,
            user_id=member.user_id,
            meeting_on=meeting_on,
            kind=kind,
            client_code=code,
            text=text,
            answered_at=ctx.now,
        )
    )
    return Result(
        updates=redraw(ctx, delivery, prompts.meeting_prep_answered(meeting_on, _request_said(kind, code, text)))
    )


def _request_parts(kind: RequestKind, clean: Values, errors: Errors) -> tuple[str | None, str | None]:
    """The client code and text the request keeps; what is wrong with them goes in `errors`.
    "Nothing this time" keeps neither."""
    if kind is RequestKind.NOTHING:
        return None, None
    code = None
    if kind is RequestKind.CASE and not clean.get("client"):
        errors["client"] = "A case needs its client code, like C12."
    elif clean.get("client") and kind is not RequestKind.CASE:
        errors["client"] = "A client code goes only with “Bring a case”; leave it empty for this choice."
    elif clean.get("client"):
        try:
            code = values.client_code(clean["client"])
        except InvalidValue as error:
            errors["client"] = str(error)
    if not clean.get("text"):
        errors["text"] = f"Say what you want from the meeting for “{REQUESTS[kind]}”."
    return code, values.bounded_text(clean["text"], "request") if clean.get("text") else None


def _request_said(kind: RequestKind, code: str | None, text: str | None) -> Line:
    if kind is RequestKind.NOTHING:
        return line("✅ Nothing this time. Thank you.")
    about = f" ({code})" if code else ""
    return line("✅ On the agenda: ", Bold(f"{REQUESTS[kind]}{about}: "), text)


def open_feedback_form(ctx: Context, delivery_id: str) -> Result:
    return _open_form(ctx, delivery_id, DeliveryKind.FEEDBACK, _feedback_form)


def _open_form(ctx: Context, delivery_id: str, kind: DeliveryKind, form_of: Callable[[Delivery], Form]) -> Result:
    delivery, _member = _own(ctx, delivery_id, kind)
    if delivery.answer is not None:
        return Result(reply=Message.text(ALREADY_ANSWERED))
    return Result(form=form_of(delivery))


def _feedback_form(delivery: Delivery) -> Form:
    fields = (
        FormField(
            "usefulness",
            "How useful was today's supervision, from 0 (not at all) to 10 (very)?",
            FieldKind.NUMBER,
            low=0,
            high=10,
        ),
        FormField(
            "suggestion",
            "What one thing would make it more useful? (optional)",
            FieldKind.LONG_TEXT,
            required=False,
            max_length=values.TEXT_LIMITS["suggestion"],
        ),
        FormField(
            "will_try",
            "What will you try before the next meeting? (optional)",
            FieldKind.LONG_TEXT,
            required=False,
            max_length=values.TEXT_LIMITS["advice"],
            hint=f"I'll ask you in {SELF_ADVICE_DAYS} days how it went, like advice from the meeting.",
        ),
        NOT_IDENTIFYING,
    )
    meeting = day_label(keys.meeting_of(delivery.key))
    return Form(FEEDBACK_FORM_KIND, f"The meeting on {meeting}", "Send", fields, {"delivery_id": str(delivery.id)})


def submit_feedback(ctx: Context, context: dict[str, str], submitted: Values) -> Result:
    delivery, member = _own(ctx, context.get("delivery_id"), DeliveryKind.FEEDBACK)
    if delivery.answer is not None:
        return Result(notice=Message.text(ALREADY_ANSWERED))
    clean, errors = check_fields(_feedback_form(delivery), submitted)
    if errors:
        return Result(errors=errors)
    group = ctx.session.get(Group, member.group_id)
    suggestion = values.bounded_text(clean["suggestion"], "suggestion") if clean.get("suggestion") else None
    will_try = values.bounded_text(clean["will_try"], "advice") if clean.get("will_try") else None
    guard(ctx, group, suggestion=suggestion, will_try=will_try)
    if not take_answer(ctx, delivery, "answered"):
        return Result(notice=Message.text(ALREADY_ANSWERED))
    usefulness = int(clean["usefulness"])
    said = [f"✅ Thank you: {usefulness}/10."]
    advice_id = None
    if will_try:
        advice, due = add_advice(ctx, group, GiveAdvice(member.user_id, will_try, follow_up_days=SELF_ADVICE_DAYS))
        advice_id = advice.id
        asked_on = day_label(due.astimezone(zone_of(ctx.session, group, member.user_id)))
        said.append(f"I'll ask you on {asked_on} how “{will_try}” went.")
    meeting_on = keys.meeting_of(delivery.key)
    ctx.session.add(
        MeetingFeedback(
            group_id=group.id,
            user_id=member.user_id,
            meeting_on=meeting_on,
            usefulness=usefulness,
            suggestion=suggestion,
            advice_id=advice_id,
            answered_at=ctx.now,
        )
    )
    return Result(updates=redraw(ctx, delivery, prompts.meeting_feedback_answered(meeting_on, line(" ".join(said)))))


def _own(ctx: Context, raw_id: str | None, kind: DeliveryKind) -> tuple[Delivery, Member]:
    return own_delivery(ctx, raw_id, kind, Member, "That question about the meeting")
