"""Performance and learning feedback: scores, practice time, weekly check-ins, status."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import select

from bot import prompts, values
from bot.availability import zone_of
from bot.forms import NOT_IDENTIFYING, FieldKind, Form, FormField, Values, check_fields
from bot.grammar import LogPractice, OpenLogForm, Status, refuse
from bot.messages import Bold, Command, Line, Message, day_label, line
from bot.model import (
    OPEN_ADVICE,
    Advice,
    CheckIn,
    Delivery,
    DeliveryKind,
    Group,
    Member,
    NoteSource,
    Objective,
    PracticeKind,
    PracticeLog,
)
from bot.practice_time import (
    KIND_LABELS,
    first_week_shown,
    kind_of,
    minutes_by_kind,
    minutes_per_week,
    weeks_start,
)
from bot.refinement import progress_trend
from bot.scheduling import keys
from bot.services.answers import ALREADY_ANSWERED, id_from, own_delivery, redraw, take_answer
from bot.services.audit import guard
from bot.services.caller import Context, Result
from bot.services.group_settings import outcome_lines_shown, week_start
from bot.services.membership import my_group, require_member
from bot.services.notes import keep_note
from bot.services.objectives import active_objective

CHECK_IN_FORM_KIND = "check_in"
PROGRESS_CHOICES = tuple(
    (str(n), f"{n} – {label}") for n, label in enumerate(("no progress", "a little", "some", "good", "a lot"), start=1)
)
REPORTED_AT_CHECK_IN = "reported at the weekly check-in"
LOG_FORM_KIND = "practice_log"
FROM_THE_WORDS = "from_the_words"  # the log form's kind: told from the activity's words


def log_practice(ctx: Context, command: LogPractice) -> Result:
    group = my_group(ctx, "log")
    require_member(ctx, group, "log")
    return Result(reply=_log(ctx, group, command.minutes, command.activity, kind_of(command.activity)))


def _log(ctx: Context, group: Group, minutes: int, activity: str, kind: PracticeKind) -> Message:
    guard(ctx, group, activity=activity)
    ctx.session.add(
        PracticeLog(
            group_id=group.id,
            user_id=ctx.caller.user_id,
            minutes=minutes,
            activity=activity,
            kind=kind,
            logged_at=ctx.now,
        )
    )
    ctx.session.flush()
    week = minutes_since(ctx, group, ctx.caller.user_id, week_start(ctx, group, ctx.caller.user_id))
    return Message.text(f"Logged {minutes} min: {activity} ({KIND_LABELS[kind]})", f"This week so far: {week} min.")


def open_log_form(ctx: Context, _command: OpenLogForm) -> Result:
    group = my_group(ctx, "log")
    require_member(ctx, group, "log")
    return Result(form=_log_form(group))


def _log_form(group: Group) -> Form:
    kinds = (
        (FROM_THE_WORDS, "Tell it from what I wrote"),
        *((kind.value, label) for kind, label in KIND_LABELS.items()),
    )
    fields = (
        FormField(
            "minutes", "Minutes of deliberate practice", FieldKind.NUMBER, low=1, high=values.MAX_PRACTICE_MINUTES
        ),
        FormField(
            "activity",
            "What you practised",
            hint="e.g. ‘reviewed a session recording’ or ‘role-played a rupture repair’.",
            max_length=values.TEXT_LIMITS["activity"],
        ),
        FormField(
            "kind",
            "Kind of practice",
            FieldKind.CHOICE,
            initial=FROM_THE_WORDS,
            choices=kinds,
            hint="From the words, “recording” is a recording review, “rehearsed” a skill rehearsal, and so on.",
        ),
        NOT_IDENTIFYING,
    )
    return Form(LOG_FORM_KIND, "Log practice", "Log", fields, {"group_id": str(group.id)})


def submit_log_form(ctx: Context, context: dict[str, str], submitted: Values) -> Result:
    group = ctx.session.get(Group, id_from(context.get("group_id")))
    if group is None or not ctx.caller.shares_tenant_with(group):
        raise refuse("That form no longer matches a group you're in.", "log")
    require_member(ctx, group, "log")
    clean, errors = check_fields(_log_form(group), submitted)
    if errors:
        return Result(errors=errors)
    activity = values.bounded_text(clean["activity"], "activity")
    chosen = clean["kind"]
    kind = kind_of(activity) if chosen == FROM_THE_WORDS else PracticeKind(chosen)
    return Result(notice=_log(ctx, group, int(clean["minutes"]), activity, kind))


def minutes_since(ctx: Context, group: Group, user_id: str, since: datetime) -> int:
    return ctx.session.exec(
        select(func.coalesce(func.sum(PracticeLog.minutes), 0)).where(
            PracticeLog.group_id == group.id, PracticeLog.user_id == user_id, PracticeLog.logged_at >= since
        )
    ).one()


def status(ctx: Context, _command: Status) -> Result:
    group = my_group(ctx, "status")
    return Result(reply=status_message(ctx, group))


def status_message(ctx: Context, group: Group) -> Message:
    me = ctx.caller.user_id
    where = zone_of(ctx.session, group, me)
    objective = active_objective(ctx, group.id, me)
    if objective:
        lines = [
            line(Bold("Objective: "), objective.text, f" (review {day_label(objective.review_on)})"),
            line(Bold("Progress on it (1–5), weekly: "), progress_trend_of(ctx, objective, where)),
        ]
    else:
        lines = [line(Bold("Objective: "), "none yet; set one with ", Command("objective"))]
    open_advice = ctx.session.exec(
        select(Advice)
        .where(
            Advice.group_id == group.id,
            Advice.therapist_id == me,
            Advice.status.in_(OPEN_ADVICE),
        )
        .order_by(Advice.created_at)
    ).all()
    lines.append(line(Bold("Open follow-ups: "), str(len(open_advice)) if open_advice else "none"))
    for advice in open_advice:
        client = f" ({advice.client_code})" if advice.client_code else ""
        lines.append(line(f"• {day_label(advice.created_at)}: ", advice.text, client))
    lines += practice_time_lines(ctx, group, me, where)
    if group.coach_id == me:
        lines.append(line(Bold("You coach this group."), " Preview its digest with ", Command("digest preview"), "."))
        lines.append(line(Bold("Client outcome lines: "), outcome_lines_shown(group)))
    return Message.text(*lines, heading="Your practice")


def progress_trend_of(ctx: Context, objective: Objective, where: ZoneInfo) -> str:
    """The weekly ratings since the objective was set, in one statement."""
    by_week = dict(
        ctx.session.exec(
            select(CheckIn.week, CheckIn.progress).where(
                CheckIn.group_id == objective.group_id,
                CheckIn.user_id == objective.user_id,
                CheckIn.answered_at >= objective.created_at,
            )
        ).all()
    )
    trend = progress_trend(by_week, objective.created_at.astimezone(where).date(), ctx.now.astimezone(where).date())
    return trend or "no check-in since you set it"


def practice_time_lines(ctx: Context, group: Group, me: str, where: ZoneInfo) -> list[Line]:
    """This week's minutes, and each of the last WEEKS_SHOWN weeks' in the therapist's zone, and
    each kind's over those weeks."""
    today = ctx.now.astimezone(where).date()
    logs = ctx.session.exec(
        select(PracticeLog.logged_at, PracticeLog.minutes, PracticeLog.kind).where(
            PracticeLog.group_id == group.id,
            PracticeLog.user_id == me,
            PracticeLog.logged_at >= weeks_start(today, where),
        )
    ).all()
    weekly = minutes_per_week(((at, minutes) for at, minutes, _kind in logs), today, where)
    kinds = minutes_by_kind((kind, minutes) for _at, minutes, kind in logs)
    by_kind = " · ".join(f"{KIND_LABELS[kind]} {minutes} min" for kind, minutes in kinds.items()) or "none logged"
    since = day_label(first_week_shown(today))
    return [
        line(Bold("Practice this week: "), f"{weekly[-1]} min"),
        line(Bold(f"Practice per week since {since}: "), " · ".join(str(m) for m in weekly), " min, this week last"),
        line(Bold(f"By kind since {since}: "), by_kind),
    ]


def open_check_in(ctx: Context, delivery_id: str) -> Result:
    delivery, member = _own_check_in(ctx, delivery_id)
    if delivery.answer is not None:
        return Result(reply=Message.text(ALREADY_ANSWERED))
    group = ctx.session.get(Group, member.group_id)
    logged = minutes_since(ctx, group, member.user_id, _last_check_in(ctx, member))
    fields = (
        FormField(
            "progress",
            "Progress on your objective",
            FieldKind.CHOICE,
            choices=PROGRESS_CHOICES,
            hint="Your status and the group's digest show the last few weeks' ratings as a trend.",
        ),
        FormField(
            "minutes",
            "Minutes of deliberate practice since your last check-in",
            FieldKind.NUMBER,
            initial=str(logged),
            low=0,
            high=10_000,
            hint=line(f"You logged {logged} min with ", Command("log"), "."),
        ),
        FormField("learned", "One thing you learned", FieldKind.LONG_TEXT, max_length=values.TEXT_LIMITS["note"]),
        NOT_IDENTIFYING,
    )
    return Result(
        form=Form(CHECK_IN_FORM_KIND, "Weekly check-in", "Check in", fields, {"delivery_id": str(delivery.id)})
    )


def submit_check_in(ctx: Context, context: dict[str, str], submitted: Values) -> Result:
    delivery, member = _own_check_in(ctx, context.get("delivery_id"))
    opened = open_check_in(ctx, str(delivery.id))
    if opened.form is None:
        return Result(notice=opened.reply)
    clean, errors = check_fields(opened.form, submitted)
    if errors:
        return Result(errors=errors)
    guard(ctx, ctx.session.get(Group, member.group_id), learned=clean["learned"])
    if not take_answer(ctx, delivery, "checked_in"):
        return Result(notice=Message.text(ALREADY_ANSWERED))
    group = ctx.session.get(Group, member.group_id)
    reported = int(clean["minutes"])
    logged = minutes_since(ctx, group, member.user_id, _last_check_in(ctx, member))
    if reported > logged:
        # Minutes are counted once: what the log already holds, plus what was only reported here.
        ctx.session.add(
            PracticeLog(
                group_id=group.id,
                user_id=member.user_id,
                minutes=reported - logged,
                activity=REPORTED_AT_CHECK_IN,
                kind=PracticeKind.OTHER,  # the check-in does not ask what the practice was
                logged_at=ctx.now,
            )
        )
    ctx.session.add(
        CheckIn(
            group_id=group.id,
            user_id=member.user_id,
            week=keys.week_of(keys.occurrence(delivery.key)),
            progress=int(clean["progress"]),
            minutes=reported,
            learned=clean["learned"],
            answered_at=ctx.now,
        )
    )
    keep_note(ctx, group, member.user_id, clean["learned"], NoteSource.CHECK_IN)
    redrawn = prompts.check_in_answered(int(clean["progress"]), reported)
    return Result(updates=redraw(ctx, delivery, redrawn))


def _last_check_in(ctx: Context, member: Member) -> datetime:
    last = ctx.session.exec(
        select(func.max(CheckIn.answered_at)).where(
            CheckIn.group_id == member.group_id, CheckIn.user_id == member.user_id
        )
    ).one()
    return max(last, member.joined_at) if last else member.joined_at


def _own_check_in(ctx: Context, raw_id: str | None) -> tuple[Delivery, Member]:
    return own_delivery(ctx, raw_id, DeliveryKind.CHECK_IN, Member, "That check-in")
