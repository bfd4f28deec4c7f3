"""Deleting data: one person's from some groups (when they ask, or long after they left),
history older than the retention period, and whole groups long after the app was removed."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import delete, exists, or_
from sqlalchemy import select as sql_select
from sqlmodel import Session, SQLModel, select

from bot.installations import PLATFORM_ACTOR
from bot.model import (
    CLOSED_ADVICE,
    Advice,
    AuditEntry,
    CheckIn,
    Client,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Group,
    LearningNote,
    MeetingFeedback,
    MeetingRequest,
    Member,
    NoteRevision,
    Objective,
    ObjectiveStatus,
    Person,
    Platform,
    PracticeLog,
    RecordingReview,
    Score,
    SendingHold,
)


def delete_from_groups(session: Session, group_ids, user_id: str) -> None:
    """Everything of one person's in these groups, messages still to come included."""
    session.execute(delete(Delivery).where(Delivery.group_id.in_(group_ids), deliveries_about(user_id)))
    _delete_notes(session, LearningNote.group_id.in_(group_ids) & (LearningNote.user_id == user_id))
    for table, owner in (
        (Advice, Advice.therapist_id),
        (Objective, Objective.user_id),
        (Score, Score.user_id),
        (Client, Client.therapist_id),
        (PracticeLog, PracticeLog.user_id),
        (RecordingReview, RecordingReview.therapist_id),
        (CheckIn, CheckIn.user_id),
        (MeetingRequest, MeetingRequest.user_id),
        (MeetingFeedback, MeetingFeedback.user_id),
        (Member, Member.user_id),
    ):
        session.execute(delete(table).where(table.group_id.in_(group_ids), owner == user_id))


def _delete_notes(session: Session, which) -> None:
    """Learning notes, with their earlier wordings and their returns still to come."""
    notes = sql_select(LearningNote.id).where(which)
    session.execute(delete(NoteRevision).where(NoteRevision.note_id.in_(notes)))
    session.execute(delete(Delivery).where(Delivery.kind == DeliveryKind.RESURFACING, Delivery.subject_id.in_(notes)))
    session.execute(delete(LearningNote).where(LearningNote.id.in_(notes)))


def deliveries_about(user_id: str):
    their_advice = sql_select(Advice.id).where(Advice.therapist_id == user_id)
    return or_(
        Delivery.recipient_id == user_id,
        (Delivery.kind == DeliveryKind.FOLLOW_UP) & Delivery.subject_id.in_(their_advice),
    )


# Every status but these is a message done with (sent, skipped, superseded, given up), so a status
# added later is purged too.
STILL_TO_COME = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)


def purge_older_than(session: Session, cutoff: datetime) -> None:
    """Retention: history older than the cutoff goes; current state stays, however old
    (the README's *Data rights and retention* lists both)."""
    for ended in session.exec(select(Member).where(Member.left_at < cutoff)).all():
        delete_from_groups(session, [ended.group_id], ended.user_id)
    _purge_closed(
        session, Advice, DeliveryKind.FOLLOW_UP, Advice.status.in_(CLOSED_ADVICE) & (Advice.answered_at < cutoff)
    )
    _purge_closed(
        session,
        Objective,
        DeliveryKind.REVIEW,
        (Objective.status != ObjectiveStatus.ACTIVE) & (Objective.closed_at < cutoff),
    )
    _delete_notes(session, LearningNote.written_at < cutoff)
    for when in (
        Score.recorded_at,
        PracticeLog.logged_at,
        RecordingReview.reviewed_at,
        CheckIn.answered_at,
        MeetingRequest.answered_at,
        MeetingFeedback.answered_at,
        AuditEntry.at,
        Client.closed_at,
    ):
        session.execute(delete(when.class_).where(when < cutoff))
    session.execute(delete(Delivery).where(Delivery.status.not_in(STILL_TO_COME), Delivery.due_at < cutoff))
    session.execute(delete(Person).where(Person.refreshed_at < cutoff, ~_in_a_group(Person)))


def _purge_closed(session: Session, table, delivery_kind: DeliveryKind, closed_before) -> None:
    closed = sql_select(table.id).where(closed_before)
    session.execute(delete(Delivery).where(Delivery.kind == delivery_kind, Delivery.subject_id.in_(closed)))
    session.execute(delete(table).where(table.id.in_(closed)))


def _in_a_group(person):
    """Whether a person is a current member or the coach of a group in their tenant."""
    same_tenant = (Group.platform == person.platform) & (Group.tenant_id == person.tenant_id)
    member = sql_select(Member.id).join(Group, Group.id == Member.group_id)
    member = member.where(same_tenant, Member.user_id == person.user_id, Member.left_at.is_(None))
    coach = sql_select(Group.id).where(same_tenant, Group.coach_id == person.user_id)
    return exists(member) | exists(coach)


def purge_uninstalled(session: Session, removed_before: datetime, now: datetime) -> None:
    """Every group removed before the cutoff and not installed again, with all it holds, and
    then the people of its tenant who belong to no group any more. The audit log keeps that it
    happened, without content."""
    groups = session.exec(select(Group).where(Group.removed_at < removed_before)).all()
    if not groups:
        return
    group_ids = [group.id for group in groups]
    tenants = Counter((group.platform, group.tenant_id) for group in groups)
    _delete_notes(session, LearningNote.group_id.in_(group_ids))
    for table in _tables_of_groups():
        session.execute(delete(table).where(table.c.group_id.in_(group_ids)))
    session.execute(delete(Group).where(Group.id.in_(group_ids)))
    for (platform, tenant_id), count in tenants.items():
        _forget_tenant_if_empty(session, platform, tenant_id)
        session.add(
            AuditEntry(
                platform=platform,
                tenant_id=tenant_id,
                actor_id=PLATFORM_ACTOR,
                action="data deleted after the app was removed",
                detail=f"{count} group(s)",
                at=now,
            )
        )


def _tables_of_groups():
    """Every table whose rows belong to a group, children first: a table added later is purged too."""
    return [
        table
        for table in reversed(SQLModel.metadata.sorted_tables)
        if "group_id" in table.c and table.name != Group.__tablename__
    ]


def _forget_tenant_if_empty(session: Session, platform: Platform, tenant_id: str) -> None:
    in_tenant_person = (Person.platform == platform) & (Person.tenant_id == tenant_id)
    session.execute(delete(Person).where(in_tenant_person, ~_in_a_group(Person)))
    if session.exec(select(Group.id).where(Group.platform == platform, Group.tenant_id == tenant_id)).first() is None:
        hold = session.get(SendingHold, (platform, tenant_id))
        if hold is not None:
            session.delete(hold)
