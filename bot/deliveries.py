"""The domain's decisions on a claimed delivery: what it becomes now (a message, a later
time, or nothing), and what sending it changes (a digest's bookkeeping, a reminder)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from bot import prompts, resurfacing
from bot.availability import after_holidays, holidays, next_send_time, working_hours, zone_of
from bot.config import Settings
from bot.digest.gather import gather
from bot.digest.render import render
from bot.messages import Message
from bot.model import (
    OPEN_ADVICE,
    Advice,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Group,
    LearningNote,
    Member,
    Objective,
    ObjectiveStatus,
)
from bot.ports import MessageRef
from bot.scheduling import keys, planner
from bot.scheduling.outbox import schedule
from bot.scheduling.steps import Defer, Send, Skip
from bot.services.charts import group_charts
from bot.services.notes import schedule_return
from bot.services.objective_history import review_material
from bot.services.people import channel_of, named, recipient, remember_address

ABOUT_A_MEETING = (DeliveryKind.PREP, DeliveryKind.FEEDBACK)
# Weekly messages about a moment that passes: during a pause they are skipped, not kept for later.
SKIPPED_DURING_A_PAUSE = (DeliveryKind.CHECK_IN, *ABOUT_A_MEETING)
# A short question about one meeting is asked once: a reminder would come after the moment.
NO_REMINDER = (DeliveryKind.RESURFACING, *ABOUT_A_MEETING)
SUPERSEDED = Skip("a newer one of its kind is due the same day", DeliveryStatus.SUPERSEDED)


def prepare(session: Session, delivery: Delivery, now: datetime, settings: Settings) -> Send | Skip | Defer:
    """Decide what a claimed delivery becomes now: a message, a later time, or nothing."""
    group = session.get(Group, delivery.group_id)
    if delivery.kind is DeliveryKind.DIGEST:
        after_days_off = after_holidays(session, group, now)
        if after_days_off > now:
            return Defer(after_days_off)
        if planner.superseded(session, delivery, now):
            return SUPERSEDED
        data = gather(session, group, now)
        reported = tuple(item.delivery_id for item in data.undelivered)
        digest = replace(render(data), images=group_charts(session, group, now))
        digest = named(session, group.platform, group.tenant_id, digest)
        return Send(digest, channel_of(group), direct=False, reports_failures=reported)
    if delivery.is_reminder and _original_answered(session, delivery):
        return Skip("answered before the reminder")
    member = session.exec(
        select(Member).where(
            Member.group_id == group.id, Member.user_id == delivery.recipient_id, Member.left_at.is_(None)
        )
    ).first()
    if member is None:
        return Skip("no longer in the group")
    if delivery.expires_at is not None and now > delivery.expires_at:
        return Skip("too old to send late")
    if delivery.kind in ABOUT_A_MEETING and keys.meeting_of(delivery.key) in holidays(session, group):
        return Skip("the meeting falls on a group holiday")
    message = _direct_message(session, delivery, now)
    if message is None:
        return Skip("already settled")
    if member.paused_until is not None and member.paused_until > now:
        if delivery.kind in SKIPPED_DURING_A_PAUSE:
            return Skip("due during a pause")
        return Defer(next_send_time(session, group, member.user_id, member.paused_until), for_pause=True)
    if delivery.kind is DeliveryKind.RESURFACING:
        held = _resurfacing_held_back(session, group, member, delivery, now)
        if held is not None:
            return held
    allowed = next_send_time(session, group, member.user_id, now)
    if allowed > now:
        return Defer(allowed)
    if planner.superseded(session, delivery, now):
        return SUPERSEDED
    message = named(session, group.platform, group.tenant_id, message)
    return Send(message, recipient(session, group, member.user_id), direct=True)


def _resurfacing_held_back(
    session: Session, group: Group, member: Member, delivery: Delivery, now: datetime
) -> Skip | Defer | None:
    note = session.get(LearningNote, delivery.subject_id)
    return resurfacing.hold_back(
        now,
        zone_of(session, group, member.user_id),
        working_hours(session, group),
        archived=note.archived_at is not None,
        paused=member.notes_paused,
        last_sent=_last_resurfacing(session, delivery, now),
    )


def _last_resurfacing(session: Session, delivery: Delivery, now: datetime) -> datetime | None:
    """When the recipient was last sent a learning note in this group. One claimed with this
    one and ahead of it in the batch counts as sent now, so two never go out the same day."""
    others = (
        (Delivery.group_id == delivery.group_id)
        & (Delivery.recipient_id == delivery.recipient_id)
        & (Delivery.kind == DeliveryKind.RESURFACING)
        & (Delivery.id != delivery.id)
    )
    ahead = session.exec(
        select(Delivery.id).where(
            others,
            Delivery.status == DeliveryStatus.CLAIMED,
            (Delivery.due_at < delivery.due_at) | ((Delivery.due_at == delivery.due_at) & (Delivery.id < delivery.id)),
        )
    ).first()
    if ahead is not None:
        return now
    return session.exec(select(func.max(Delivery.sent_at)).where(others, Delivery.status == DeliveryStatus.SENT)).one()


def _original_answered(session: Session, reminder: Delivery) -> bool:
    original = session.exec(select(Delivery).where(Delivery.key == keys.occurrence(reminder.key))).first()
    return original is None or original.answer is not None


def _direct_message(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    if delivery.kind is DeliveryKind.FOLLOW_UP:
        advice = session.get(Advice, delivery.subject_id)
        if advice is None or advice.status not in OPEN_ADVICE:
            return None
        return prompts.follow_up(advice, delivery.id, delivery.is_reminder)
    if delivery.kind is DeliveryKind.RESURFACING:
        note = session.get(LearningNote, delivery.subject_id)
        if note is None:
            return None
        objective = session.get(Objective, note.objective_id) if note.objective_id is not None else None
        return prompts.resurfacing(note, objective, delivery.id)
    if delivery.kind is DeliveryKind.PREP:
        return prompts.meeting_prep(keys.meeting_of(delivery.key), delivery.id)
    if delivery.kind is DeliveryKind.FEEDBACK:
        named = session.get(Group, delivery.group_id).feedback_named
        return prompts.meeting_feedback(keys.meeting_of(delivery.key), delivery.id, named)
    if delivery.kind is DeliveryKind.REVIEW:
        objective = session.get(Objective, delivery.subject_id)
        if (
            objective is None
            or objective.status is not ObjectiveStatus.ACTIVE
            # A review moved to a new date ("keep working") leaves the old occurrence behind.
            or keys.occurrence(delivery.key) != keys.review(objective.id, objective.review_on)
        ):
            return None
        results, notes = review_material(session, objective, now)
        return prompts.review(objective, delivery.id, results, notes, delivery.is_reminder)
    member = session.get(Member, delivery.subject_id)
    if member is None:
        return None
    objective = session.exec(
        select(Objective).where(
            Objective.group_id == member.group_id,
            Objective.user_id == member.user_id,
            Objective.status == ObjectiveStatus.ACTIVE,
        )
    ).first()
    return prompts.check_in(objective, delivery.id, delivery.is_reminder)


def after_sent(
    session: Session, delivery: Delivery, now: datetime, sent: Send, ref: MessageRef, settings: Settings
) -> None:
    """A posted digest starts the next period and has told the coach of the failures it
    listed; a direct message gets its reminder. A new way to reach the recipient is kept."""
    if ref.recipient_address is not None:
        remember_address(session, replace(sent.to, address=ref.recipient_address), now)
    reported = sent.reports_failures
    if delivery.kind is DeliveryKind.DIGEST:
        group = session.get(Group, delivery.group_id)
        group.last_digest_at = now
        session.add(group)
        session.execute(update(Delivery).where(Delivery.id.in_(reported)).values(failure_reported=True))
    elif delivery.kind is DeliveryKind.RESURFACING:
        _schedule_next_return(session, delivery, now, settings)
    elif not delivery.is_reminder and delivery.kind not in NO_REMINDER:
        schedule_reminder(session, delivery, now, settings)


def _schedule_next_return(session: Session, delivery: Delivery, now: datetime, settings: Settings) -> None:
    """A learning note gets no reminder: it comes back at its next step instead."""
    note = session.get(LearningNote, delivery.subject_id)
    note.resurfaced = keys.step_of(delivery.key) + 1
    session.add(note)
    schedule_return(session, session.get(Group, delivery.group_id), note, settings, now)


def schedule_reminder(session: Session, delivery: Delivery, now: datetime, settings: Settings) -> None:
    """At most one reminder for a direct message left unanswered."""
    group = session.get(Group, delivery.group_id)
    later = now + timedelta(hours=settings.reminder_after_hours)
    schedule(
        session,
        Delivery(
            key=keys.reminder(delivery.key),
            kind=delivery.kind,
            group_id=delivery.group_id,
            recipient_id=delivery.recipient_id,
            subject_id=delivery.subject_id,
            is_reminder=True,
            due_at=next_send_time(session, group, delivery.recipient_id, later),
            expires_at=delivery.expires_at and delivery.expires_at + (later - now),
        ),
    )
