"""Home: a therapist's practice in each of their groups, and a coach's view of the group they
coach, as one message whose buttons work as they do in a direct message."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import select

from bot import prompts
from bot.availability import zone_of
from bot.calendar import iso_week, zone
from bot.digest.gather import DigestData, gather
from bot.digest.render import agenda
from bot.grammar import Home, refuse
from bot.messages import Bold, Button, ChannelLink, Command, Line, Mention, Message, Section, day_label, line
from bot.model import (
    OPEN_ADVICE,
    Advice,
    CheckIn,
    Client,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Group,
    LearningNote,
    Member,
    PracticeLog,
)
from bot.practice_time import WEEKS_SHOWN, monday_of
from bot.scheduling import keys
from bot.services.answers import id_from
from bot.services.caller import Context, Result
from bot.services.charts import groups_weeks, therapists_practice
from bot.services.clients import classify, client_summary, client_view, trajectories
from bot.services.digests import digest_of
from bot.services.membership import active_member, groups_of
from bot.services.objectives import active_objective
from bot.services.practice import practice_time_lines, progress_trend_of

PICK_GROUP_ACTION = "home:group"
CLIENT_ACTION = "home:client"
PREVIEW_ACTION = "home:digest_preview"
POST_ACTION = "home:digest_post"
NOTES_SHOWN = 3
COACH_MINUTES_WEEKS = 4
NO_GROUP = "That button is for a group you're not in, or one that is gone, so nothing changed."


def home(ctx: Context, _command: Home) -> Result:
    return Result(reply=home_message(ctx), shows_home=True)


def home_message(ctx: Context, coached_id: int | None = None) -> Message:
    """The caller's Home: their practice in each group they belong to, then the group they
    coach (`coached_id`, else the first), with a picker when they coach several."""
    groups = groups_of(ctx)
    members = _memberships(ctx, groups)
    sections: list[Section] = []
    for group in groups:
        if group.id in members:
            sections += therapist_sections(ctx, group, members[group.id])
    coached = [group for group in groups if group.coach_id == ctx.caller.user_id]
    if coached:
        chosen = next((group for group in coached if group.id == coached_id), coached[0])
        sections += coach_sections(ctx, chosen, coached)
    if not sections:
        sections.append(
            Section(
                (line("You're not in a supervision group yet: run ", Command("join"), " in your group's channel."),)
            )
        )
    return Message(summary="Your Home", sections=tuple(sections))


def _memberships(ctx: Context, groups: list[Group]) -> dict[int, Member]:
    ids = [group.id for group in groups]
    found = ctx.session.exec(
        select(Member).where(Member.group_id.in_(ids), Member.user_id == ctx.caller.user_id, Member.left_at.is_(None))
    ).all()
    return {member.group_id: member for member in found}


# The therapist's Home


def therapist_sections(ctx: Context, group: Group, member: Member) -> list[Section]:
    me = ctx.caller.user_id
    where = zone_of(ctx.session, group, me)
    return [
        Section(
            (line(Bold("Group: "), ChannelLink(group.channel_id)), *_objective_lines(ctx, group, where)),
            heading="Your practice",
        ),
        _check_in_section(ctx, group, where),
        *_follow_up_sections(ctx, group),
        Section(
            tuple(practice_time_lines(ctx, group, me, where)),
            heading="Practice minutes",
            image=therapists_practice(ctx, group, me),
        ),
        *_client_sections(ctx, group),
        _notes_section(ctx, group, where),
        Section((_pause_line(member, where, ctx),), heading="Pause"),
    ]


def _objective_lines(ctx: Context, group: Group, where: ZoneInfo) -> list[Line]:
    objective = active_objective(ctx, group.id, ctx.caller.user_id)
    if objective is None:
        return [line(Bold("Objective: "), "none yet; set one with ", Command("objective"))]
    return [
        line(Bold("Objective: "), objective.text, f" (review {day_label(objective.review_on)})"),
        line(Bold("Progress on it (1–5), weekly: "), progress_trend_of(ctx, objective, where)),
    ]


def _check_in_section(ctx: Context, group: Group, where: ZoneInfo) -> Section:
    """This week's check-in: done, open with its button, still to come, or skipped."""
    key = keys.weekly_check_in(group.id, ctx.caller.user_id, ctx.now.astimezone(where).date())
    latest = ctx.session.exec(select(Delivery).where(Delivery.key == key)).first()
    heading = "This week's check-in"
    if latest is None:
        return Section((line("None this week yet."),), heading=heading)
    if latest.answer is not None:
        return Section((line("✅ Done. Thank you."),), heading=heading)
    if latest.status is DeliveryStatus.SENT:
        asked = prompts.check_in(active_objective(ctx, group.id, ctx.caller.user_id), latest.id)
        return Section((line("Open: three quick questions."),), heading=heading, buttons=asked.buttons)
    if latest.status is DeliveryStatus.PENDING:
        return Section((line(f"Comes {day_label(latest.due_at.astimezone(where))}."),), heading=heading)
    return Section((line("Skipped this week."),), heading=heading)


def _follow_up_sections(ctx: Context, group: Group) -> list[Section]:
    """Each open follow-up, with the buttons of the direct message that asked about it."""
    advice = ctx.session.exec(
        select(Advice)
        .where(Advice.group_id == group.id, Advice.therapist_id == ctx.caller.user_id, Advice.status.in_(OPEN_ADVICE))
        .order_by(Advice.created_at, Advice.id)
    ).all()
    if not advice:
        return [Section((line("none"),), heading="Open follow-ups")]
    asked = {
        delivery.subject_id: delivery
        for delivery in ctx.session.exec(
            select(Delivery)
            .where(
                Delivery.group_id == group.id,
                Delivery.kind == DeliveryKind.FOLLOW_UP,
                Delivery.subject_id.in_([a.id for a in advice]),
                Delivery.status == DeliveryStatus.SENT,
                Delivery.answer.is_(None),
            )
            .order_by(Delivery.sent_at)
        )
    }
    return [_follow_up_section(one, asked.get(one.id)) for one in advice]


def _follow_up_section(advice: Advice, asked: Delivery | None) -> Section:
    if asked is None:
        shown = prompts.follow_up_answered(advice, line("I'll ask you about it when it is due."))
        return Section(shown.sections[0].lines, heading="Open follow-up")
    shown = prompts.follow_up(advice, asked.id)
    return Section(shown.sections[0].lines, heading="Open follow-up", buttons=shown.buttons)


def _client_sections(ctx: Context, group: Group) -> list[Section]:
    me = ctx.caller.user_id
    active = ctx.session.exec(
        select(Client)
        .where(Client.group_id == group.id, Client.therapist_id == me, Client.closed_at.is_(None))
        .order_by(Client.code)
    ).all()
    if not active:
        return [Section((line("none yet; record a score with ", Command("outcome")),), heading="Active clients")]
    found = trajectories(ctx, group, me, [client.code for client in active])
    return [
        Section(
            (client_summary(client.code, classify(group, client, found[client.code])),),
            heading="Active clients" if number == 0 else None,
            buttons=(Button(f"Open {client.code}", CLIENT_ACTION, f"{group.id}:{client.code}"),),
        )
        for number, client in enumerate(active)
    ]


def _notes_section(ctx: Context, group: Group, where: ZoneInfo) -> Section:
    me = ctx.caller.user_id
    newest = ctx.session.exec(
        select(LearningNote)
        .where(LearningNote.group_id == group.id, LearningNote.user_id == me, LearningNote.archived_at.is_(None))
        .order_by(LearningNote.written_at.desc(), LearningNote.id.desc())
        .limit(NOTES_SHOWN)
    ).all()
    lines = [line(f"• {day_label(note.written_at.astimezone(where))}: ", note.text) for note in newest]
    lines = lines or [line("none yet; keep one with ", Command("note <what you learned>"))]
    next_due = ctx.session.exec(
        select(Delivery.due_at, LearningNote.text)
        .join(LearningNote, LearningNote.id == Delivery.subject_id)
        .where(
            Delivery.group_id == group.id,
            Delivery.recipient_id == me,
            Delivery.kind == DeliveryKind.RESURFACING,
            Delivery.status == DeliveryStatus.PENDING,
        )
        .order_by(Delivery.due_at)
    ).first()
    if next_due is not None:
        due_at, text = next_due
        lines.append(line(Bold(f"Comes back next, {day_label(due_at.astimezone(where))}: "), text))
    return Section(tuple(lines), heading="Learning notes, newest first")


def _pause_line(member: Member, where: ZoneInfo, ctx: Context) -> Line:
    if member.paused_until is None or member.paused_until <= ctx.now:
        return line("Not paused. Pause your messages with ", Command("pause 2w"), ".")
    return line(
        f"Paused until {day_label(member.paused_until.astimezone(where))}; end it with ", Command("resume"), "."
    )


# The coach's Home


def coach_sections(ctx: Context, group: Group, coached: list[Group]) -> list[Section]:
    data = gather(ctx.session, group, ctx.now)
    picker = tuple(
        Button(f"#{other.channel_id}", PICK_GROUP_ACTION, str(other.id), "primary" if other.id == group.id else None)
        for other in coached
    )
    return [
        Section(
            (line(Bold("Group: "), ChannelLink(group.channel_id)),),
            heading="The group you coach",
            buttons=picker if len(coached) > 1 else (),
        ),
        Section(tuple(_therapist_rows(ctx, group, data)), heading="Therapists"),
        agenda(data, for_coach_only=True),
        Section(
            (_participation_line(ctx, group, len(data.members)),),
            heading="Participation",
            image=groups_weeks(ctx.session, group, ctx.now),
        ),
        Section(
            (line("The digest as it would be posted now:"),),
            heading="Digest",
            buttons=(
                Button("Digest preview", PREVIEW_ACTION, str(group.id)),
                Button("Post digest now", POST_ACTION, str(group.id), "primary"),
            ),
        ),
    ]


def _therapist_rows(ctx: Context, group: Group, data: DigestData) -> list[Line]:
    """One line a therapist: objective, last check-in, progress, 4 weeks' minutes, open loops, flags."""
    where = zone(group.timezone)
    since = ctx.now - timedelta(weeks=COACH_MINUTES_WEEKS)
    minutes = dict(
        ctx.session.exec(
            select(PracticeLog.user_id, func.sum(PracticeLog.minutes))
            .where(PracticeLog.group_id == group.id, PracticeLog.logged_at >= since)
            .group_by(PracticeLog.user_id)
        ).all()
    )
    last_check_in = dict(
        ctx.session.exec(
            select(CheckIn.user_id, func.max(CheckIn.answered_at))
            .where(CheckIn.group_id == group.id)
            .group_by(CheckIn.user_id)
        ).all()
    )
    loops = [loop.therapist_id for loop in data.open_loops]
    flagged = [client.therapist_id for client in data.clients for _flag in client.judged.flags]
    if not data.members:
        return [line("No therapists yet: they join with ", Command("join"), " in the group's channel.")]
    return [
        _therapist_row(member, last_check_in.get(member.user_id), minutes.get(member.user_id, 0), loops, flagged, where)
        for member in data.members
    ]


def _therapist_row(member, last_check_in, minutes: int, loops: list[str], flagged: list[str], where) -> Line:
    objective = member.objective or "no objective"
    checked = day_label(last_check_in.astimezone(where)) if last_check_in else "never"
    return line(
        "• ",
        Mention(member.user_id),
        f": {objective} · last check-in {checked} · progress {member.progress or '–'}"
        f" · {minutes} min in {COACH_MINUTES_WEEKS} weeks · open loops {loops.count(member.user_id)}"
        f" · flags {flagged.count(member.user_id)}",
    )


def _participation_line(ctx: Context, group: Group, members: int) -> Line:
    """Check-ins answered in each of the last WEEKS_SHOWN weeks, oldest first, in one statement."""
    this_monday = monday_of(ctx.now.astimezone(zone(group.timezone)).date())
    weeks = [iso_week(this_monday - timedelta(weeks=back)) for back in range(WEEKS_SHOWN - 1, -1, -1)]
    counts = dict(
        ctx.session.exec(
            select(CheckIn.week, func.count(func.distinct(CheckIn.user_id)))
            .where(CheckIn.group_id == group.id, CheckIn.week.in_(weeks))
            .group_by(CheckIn.week)
        ).all()
    )
    shown = " · ".join(f"{counts.get(week, 0)}/{members}" for week in weeks)
    return line(Bold(f"Checked in, each of the last {WEEKS_SHOWN} weeks: "), shown, ", this week last")


# Its buttons


def pick_group(ctx: Context, raw_id: str) -> Result:
    return Result(reply=home_message(ctx, id_from(raw_id)), shows_home=True)


def open_client(ctx: Context, value: str) -> Result:
    raw_id, _, code = value.partition(":")
    group = _group_of_mine(ctx, raw_id)
    client = ctx.session.exec(
        select(Client).where(
            Client.group_id == group.id, Client.therapist_id == ctx.caller.user_id, Client.code == code
        )
    ).first()
    if client is None or active_member(ctx, group, ctx.caller.user_id) is None:
        raise refuse(NO_GROUP, "client")
    return Result(reply=client_view(ctx, group, client))


def preview_digest(ctx: Context, raw_id: str) -> Result:
    return digest_of(ctx, _group_of_mine(ctx, raw_id, "digest"), post=False)


def post_digest(ctx: Context, raw_id: str) -> Result:
    return digest_of(ctx, _group_of_mine(ctx, raw_id, "digest"), post=True)


def _group_of_mine(ctx: Context, raw_id: str, usage_of: str = "client") -> Group:
    """The group a Home button names, if it is in the caller's tenant; ids from buttons are not trusted."""
    group = ctx.session.get(Group, id_from(raw_id))
    if group is None or not ctx.caller.shares_tenant_with(group):
        raise refuse(NO_GROUP, usage_of)
    return group
