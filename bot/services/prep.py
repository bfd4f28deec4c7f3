"""Backstage, a minute before a session: `prep <CODE>` shows the client's latest scores in one
line, the open advice about them, the therapist's objective and their newest learning note
about this client or objective, with a button to set an intention, which is kept as a note."""

from __future__ import annotations

from sqlmodel import select

from bot import values
from bot.availability import zone_of
from bot.forms import NOT_IDENTIFYING, FieldKind, Form, FormField, Values, check_fields
from bot.grammar import Prepare, refuse
from bot.messages import Bold, Button, Command, Line, Mention, Message, Section, day_label, line
from bot.model import OPEN_ADVICE, Advice, Client, Group, LearningNote, NoteSource, Objective, Person
from bot.outcomes import prep_line
from bot.services.answers import id_from
from bot.services.audit import guard
from bot.services.caller import Context, Result
from bot.services.clients import Trajectory, chart_of, classify, find_client, trajectories
from bot.services.membership import my_group, require_member
from bot.services.notes import keep_note
from bot.services.objectives import active_objective

INTENTION_ACTION = "prep:intention"
INTENTION_FORM_KIND = "prep_intention"


def prepare(ctx: Context, command: Prepare) -> Result:
    group = my_group(ctx, "prep")
    require_member(ctx, group, "prep")
    code, me = command.client_code, ctx.caller.user_id
    # Held for the request, so that each lookup of the caller's zone is answered from the session.
    _held = ctx.session.get(Person, (group.platform, group.tenant_id, me))
    objective = active_objective(ctx, group.id, me)
    client = find_client(ctx, group, me, code)
    trajectory = trajectories(ctx, group, me, [code])[code] if client else None
    lines = (
        line(Bold("Scores: "), _scores(group, client, trajectory)),
        *_open_advice(ctx, group, code),
        line(Bold("Your objective: "), objective.text) if objective else _no_objective(),
        _newest_note(ctx, group, code, objective),
    )
    heading = f"Before your session with {code}"
    return Result(
        reply=Message(
            summary=heading,
            sections=(Section(lines, heading=heading),),
            images=chart_of(client, group, trajectory) if client and trajectory else (),
            buttons=(Button("Set an intention", INTENTION_ACTION, f"{group.id}:{code}", "primary"),),
        )
    )


def _scores(group: Group, client: Client | None, trajectory: Trajectory | None) -> str:
    if client is None or trajectory is None:
        return "no scores yet"
    return prep_line(trajectory.ors, trajectory.srs, classify(group, client, trajectory))


def _open_advice(ctx: Context, group: Group, code: str) -> tuple[Line, ...]:
    me = ctx.caller.user_id
    advice = ctx.session.exec(
        select(Advice)
        .where(
            Advice.group_id == group.id,
            Advice.therapist_id == me,
            Advice.client_code == code,
            Advice.status.in_(OPEN_ADVICE),
        )
        .order_by(Advice.created_at, Advice.id)
    ).all()
    if not advice:
        return (line(Bold("Open advice: "), "none"),)
    where = zone_of(ctx.session, group, me)
    return (
        line(Bold("Open advice:")),
        *(
            line(f"• {day_label(a.created_at.astimezone(where).date())}, from ", Mention(a.given_by), ": ", a.text)
            for a in advice
        ),
    )


def _no_objective() -> Line:
    return line(Bold("Your objective: "), "none set yet; set one with ", Command("objective"))


def _newest_note(ctx: Context, group: Group, code: str, objective: Objective | None) -> Line:
    about = LearningNote.client_code == code
    if objective is not None:
        about = about | (LearningNote.objective_id == objective.id)
    note = ctx.session.exec(
        select(LearningNote)
        .where(
            LearningNote.group_id == group.id,
            LearningNote.user_id == ctx.caller.user_id,
            LearningNote.archived_at.is_(None),
            about,
        )
        .order_by(LearningNote.written_at.desc(), LearningNote.id.desc())
    ).first()
    if note is None:
        return line(
            Bold("Newest learning note: "), f"none yet about {code}" + (" or your objective" if objective else "")
        )
    written = day_label(note.written_at.astimezone(zone_of(ctx.session, group, note.user_id)).date())
    return line(Bold(f"Newest learning note ({written}): "), note.text)


def _intention_form(group: Group, code: str) -> Form:
    fields = (
        FormField(
            "intention",
            "Your intention for this session?",
            FieldKind.LONG_TEXT,
            max_length=values.TEXT_LIMITS["note"],
        ),
        NOT_IDENTIFYING,
    )
    context = {"group_id": str(group.id), "client_code": code}
    return Form(INTENTION_FORM_KIND, f"Session with {code}", "Keep it", fields, context)


def _own_group_and_code(ctx: Context, raw_group: str | None, raw_code: str | None) -> tuple[Group, str]:
    """The group and client code a button or form names, if the caller is a member there;
    what comes back from a platform is never trusted on its own."""
    group = ctx.session.get(Group, id_from(raw_group))
    if group is None or not ctx.caller.shares_tenant_with(group):
        raise refuse("That button no longer matches a group you're in, so nothing changed.", "prep")
    require_member(ctx, group, "prep")
    try:
        return group, values.client_code(raw_code or "")
    except values.InvalidValue as error:
        raise refuse(str(error), "prep") from None


def open_intention_form(ctx: Context, value: str) -> Result:
    raw_group, _, raw_code = value.partition(":")
    group, code = _own_group_and_code(ctx, raw_group, raw_code)
    return Result(form=_intention_form(group, code))


def submit_intention(ctx: Context, context: dict[str, str], submitted: Values) -> Result:
    group, code = _own_group_and_code(ctx, context.get("group_id"), context.get("client_code"))
    clean, errors = check_fields(_intention_form(group, code), submitted)
    if errors:
        return Result(errors=errors)
    guard(ctx, group, intention=clean["intention"])
    intention = values.bounded_text(clean["intention"] or "", "note")
    keep_note(ctx, group, ctx.caller.user_id, intention, NoteSource.INTENTION, code)
    return Result(
        notice=Message.text(
            line(Bold(f"Your intention for the session with {code}: "), intention),
            line("It is kept as a learning note, so it comes back to you later; see it with ", Command("notes"), "."),
        )
    )
