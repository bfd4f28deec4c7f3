"""Knowing the work: the coach records each session recording of a therapist's they reviewed,
and how many they reviewed in the last weeks is shown whenever that therapist sets an objective."""

from __future__ import annotations

from sqlmodel import func, select

from bot.grammar import ReviewRecording
from bot.knowing import RECORDINGS_WINDOW, WINDOW_WEEKS
from bot.messages import Mention, Message, line
from bot.model import Group, RecordingReview
from bot.services.audit import guard
from bot.services.caller import Context, Result
from bot.services.membership import my_group, require_coach, require_therapist


def review_recording(ctx: Context, command: ReviewRecording) -> Result:
    group = my_group(ctx, "recording")
    require_coach(ctx, group, "recording")
    therapist = command.therapist_id
    require_therapist(ctx, group, therapist, "recording")
    guard(ctx, group, note=command.note)
    ctx.session.add(
        RecordingReview(
            group_id=group.id,
            therapist_id=therapist,
            coach_id=ctx.caller.user_id,
            client_code=command.client_code,
            note=command.note,
            reviewed_at=ctx.now,
        )
    )
    ctx.session.flush()
    reviewed = recordings_reviewed(ctx, group, therapist)
    client = f" (client {command.client_code})" if command.client_code else ""
    return Result(
        reply=Message.text(
            line("Recorded: you reviewed a session recording of ", Mention(therapist), f"'s{client}."),
            f"You have reviewed {reviewed} of their recordings in the last {WINDOW_WEEKS} weeks.",
        )
    )


def recordings_reviewed(ctx: Context, group: Group, therapist_id: str) -> int:
    """How many of the therapist's recordings the coach reviewed in the window ending now."""
    return ctx.session.exec(
        select(func.count(RecordingReview.id)).where(
            RecordingReview.group_id == group.id,
            RecordingReview.therapist_id == therapist_id,
            RecordingReview.reviewed_at > ctx.now - RECORDINGS_WINDOW,
            RecordingReview.reviewed_at <= ctx.now,
        )
    ).one()
