"""Setting a group up, and therapists joining and leaving it."""

from __future__ import annotations

from datetime import time, timedelta

from sqlmodel import select

from bot.grammar import HandOverCoach, Join, Leave, Setup, refuse
from bot.meetings import DEFAULT_MINUTES, working_day_before
from bot.messages import Bold, Command, Line, Message, Term, line
from bot.model import THRESHOLD_FIELDS, Group, Member, Person
from bot.scheduling.planner import mark_for_planning, replan
from bot.services.audit import audit
from bot.services.caller import Context, Result
from bot.services.group_settings import outcome_lines_shown
from bot.services.membership import active_member, group_channel, group_here, group_in_this_channel, mention
from bot.values import WEEKDAYS


def setup(ctx: Context, command: Setup) -> Result:
    if ctx.caller.channel_id is None or ctx.caller.in_direct_message:
        raise refuse(
            line("Run ", Command("setup"), " in the channel that will be the group's home, not in a direct message."),
            "setup",
        )
    group = group_here(ctx)
    created = group is None
    if group is None:
        group = Group(
            platform=ctx.caller.platform,
            tenant_id=ctx.caller.tenant_id,
            channel_id=ctx.caller.channel_id,
            address=ctx.caller.channel_address,
            installation_id=ctx.caller.installation_id,
            coach_id=ctx.caller.user_id,
            timezone=_coach_zone(ctx),
            created_at=ctx.now,
            rhythm_from=ctx.now,
        )
    elif group.coach_id != ctx.caller.user_id:
        raise refuse(
            line("This channel is already a group, and only its coach (", mention(group.coach_id), ") can change it."),
            "setup",
        )
    digest_before = (group.digest_weekday, group.digest_time)
    _apply(group, command)
    ctx.session.add(group)
    ctx.session.flush()
    replan(ctx.session, group, ctx.now, timedelta(hours=ctx.settings.checkin_skip_after_hours))
    audit(ctx, "group set up" if created else "group settings changed", group)
    first = "This channel is now a supervision group, with you as its coach." if created else "Group settings updated."
    meeting = _meeting_said(group, digest_before) if command.meeting else []
    return Result(
        reply=Message.text(
            first, *meeting, *settings_lines(group), line("Therapists join with ", Command("join"), " here.")
        )
    )


def _apply(group: Group, command: Setup) -> None:
    if command.timezone:
        group.timezone = command.timezone
    if command.digest:
        group.digest_weekday, group.digest_time = command.digest.weekday, command.digest.at
        group.digest_chosen = True
    if command.checkin:
        group.checkin_weekday, group.checkin_time = command.checkin.weekday, command.checkin.at
    if command.hours:
        group.workday_start, group.workday_end = command.hours
    if command.workdays:
        group.workdays = "".join(str(day) for day in sorted(command.workdays))
    for threshold in THRESHOLD_FIELDS:
        if getattr(command, threshold) is not None:
            setattr(group, threshold, getattr(command, threshold))
    if command.outcomes_in_channel is not None:
        group.outcomes_in_channel = command.outcomes_in_channel
    if command.feedback_named is not None:
        group.feedback_named = command.feedback_named
    if command.meeting:
        meeting = command.meeting.meeting
        group.meeting_weekday = meeting.weekday if meeting else None
        group.meeting_time = meeting.at if meeting else None
        group.meeting_minutes = meeting.minutes if meeting else DEFAULT_MINUTES
    if group.meeting and not group.digest_chosen:
        # A digest the coach never placed follows the meeting, the days worked included.
        group.digest_weekday = working_day_before(group.meeting.weekday, frozenset(int(d) for d in group.workdays))


def _meeting_said(group: Group, digest_before: tuple[int, time]) -> list[Line]:
    """The meeting set or cleared, in words, and what became of the digest's day."""
    digest = _weekly_words(group.digest_weekday, group.digest_time)
    meeting = group.meeting
    if meeting is None:
        return [
            line(f"No meeting time is set now, so no messages go out before or after it; the digest stays on {digest}.")
        ]
    said = [
        line(
            f"The group meets on {_weekly_words(meeting.weekday, meeting.at)} for {meeting.minutes} minutes"
            f" ({group.timezone}). A day before the digest each therapist is asked what they want from the meeting;"
            " after it, how useful it was."
        )
    ]
    if group.digest_chosen:
        said.append(
            line(
                f"The digest stays on {digest}, as you set it; move it with ",
                Command("setup digest <weekday> <HH:MM>"),
                ".",
            )
        )
    elif (group.digest_weekday, group.digest_time) != digest_before:
        said.append(line(f"The digest moves to {digest}, the working day before the meeting."))
    else:
        said.append(line(f"The digest is on {digest}, the working day before the meeting."))
    return said


def _weekly_words(weekday: int, at: time) -> str:
    return f"{WEEKDAYS[weekday].title()}s at {at:%H:%M}"


def settings_lines(group: Group) -> list:
    days = ", ".join(WEEKDAYS[int(day)][:3].title() for day in group.workdays)
    return [
        line(
            Bold("Digest: "),
            f"{WEEKDAYS[group.digest_weekday].title()}s at {group.digest_time:%H:%M} ({group.timezone})",
        ),
        line(
            Bold("Check-ins: "),
            f"{WEEKDAYS[group.checkin_weekday].title()}s at {group.checkin_time:%H:%M}, each therapist's local time",
        ),
        line(
            Bold("Direct messages: "),
            f"{days}, {group.workday_start:%H:%M}–{group.workday_end:%H:%M} each person's local time",
        ),
        line(
            Bold("Thresholds: "),
            f"ORS clinical cutoff {group.ors_clinical_cutoff} for adults, {group.adolescent_cutoff} for adolescents,"
            f" {group.child_cutoff} for children; reliable change ±{group.ors_reliable_change};"
            f" SRS alliance concern below {group.srs_alliance_concern} or a drop of {group.srs_drop}",
        ),
        line(
            Bold("On track: "),
            f"a reliable improvement by session {group.on_track_session}, or within {group.on_track_weeks} weeks"
            f" of intake where sessions aren't recorded; early watch at session {group.watch_session}"
            " with no improvement at all",
        ),
        line(Bold("Client outcome lines: "), outcome_lines_shown(group)),
        _meeting_line(group),
        line(
            Bold("Feedback on the meeting: "),
            "in your digest preview only, " + ("with names" if group.feedback_named else "without names"),
        ),
    ]


def _meeting_line(group: Group) -> Line:
    meeting = group.meeting
    if meeting is None:
        return line(Bold("Meeting: "), "not set (", Command("setup meeting <weekday> <HH:MM>"), ")")
    when = _weekly_words(meeting.weekday, meeting.at)
    return line(Bold("Meeting: "), f"{when} for {meeting.minutes} min ({group.timezone})")


def hand_over_coach(ctx: Context, command: HandOverCoach) -> Result:
    group = group_in_this_channel(ctx, "coach")
    if ctx.caller.user_id != group.coach_id and not ctx.caller.is_admin:
        raise refuse(line("Only ", Term.COACH_HANDOVER, " can hand the coach role over."), "coach")
    if command.new_coach_id == group.coach_id:
        raise refuse(line(mention(command.new_coach_id), " is already this group's coach."), "coach")
    audit(ctx, "coach role handed over", group, detail=f"from {group.coach_id} to {command.new_coach_id}")
    group.coach_id = command.new_coach_id
    ctx.session.add(group)
    return Result(reply=Message.text(line(mention(command.new_coach_id), " is now this group's coach.")))


def _coach_zone(ctx: Context) -> str:
    person = ctx.session.get(Person, (ctx.caller.platform, ctx.caller.tenant_id, ctx.caller.user_id))
    return person.timezone if person and person.timezone else "UTC"


def join(ctx: Context, _command: Join) -> Result:
    group = group_in_this_channel(ctx, "join")
    if active_member(ctx, group, ctx.caller.user_id):
        return Result(
            reply=Message.text(line("You're already in this group. See where you are with ", Command("status"), "."))
        )
    member = ctx.session.exec(
        select(Member).where(Member.group_id == group.id, Member.user_id == ctx.caller.user_id)
    ).first() or Member(group_id=group.id, user_id=ctx.caller.user_id)
    member.joined_at, member.left_at = ctx.now, None
    ctx.session.add(member)
    mark_for_planning(group)
    ctx.session.add(group)
    return Result(
        reply=Message.text(
            line("Welcome to the group in ", group_channel(group), ". Your coach is ", mention(group.coach_id), "."),
            line(
                "Next: set your learning objective, the one thing you're working on, with ", Command("objective"), "."
            ),
        )
    )


def leave(ctx: Context, _command: Leave) -> Result:
    group = group_in_this_channel(ctx, "leave")
    member = active_member(ctx, group, ctx.caller.user_id)
    if member is None:
        raise refuse("You're not a member of this group, so there's nothing to leave.", "leave")
    member.left_at = ctx.now
    ctx.session.add(member)
    return Result(reply=Message.text("You've left this group. I won't send you its check-ins or follow-ups any more."))
