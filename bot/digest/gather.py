"""The weekly digest's gathering half: everything it shows, read from the tables for its period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from bot.calendar import zone
from bot.model import (
    OPEN_ADVICE,
    Advice,
    AdviceStatus,
    CheckIn,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Group,
    Member,
    Objective,
    ObjectiveStatus,
    PracticeLog,
    Score,
    ScoreKind,
)
from bot.outcomes import OrsChange, Thresholds, alliance_concern, classify_ors


@dataclass(frozen=True)
class MemberWeek:
    user_id: str
    checked_in: bool
    minutes: int
    objective: str | None = None
    review_on: date | None = None
    away_until: date | None = None


class LoopReason(StrEnum):
    REMINDER_UNANSWERED = "reminder unanswered"
    ANSWERED_NOT_YET = "answered Not yet"


@dataclass(frozen=True)
class OpenLoop:
    """Advice still open after its follow-up's reminder went unanswered, or answered "Not yet"."""

    therapist_id: str
    advice: str
    client_code: str | None
    reason: LoopReason


@dataclass(frozen=True)
class ClientMovement:
    therapist_id: str
    client_code: str
    change: OrsChange


@dataclass(frozen=True)
class AllianceConcern:
    therapist_id: str
    client_code: str
    srs: Decimal


@dataclass(frozen=True)
class LearningNote:
    therapist_id: str
    note: str
    client_code: str | None = None
    shared: bool = False  # the therapist chose to show their notes in the channel digest


@dataclass(frozen=True)
class Undelivered:
    delivery_id: int
    kind: DeliveryKind
    recipient_id: str | None
    reason: str


@dataclass(frozen=True)
class DigestData:
    channel_id: str
    period_start: date
    period_end: date
    today: date
    thresholds: Thresholds
    members: list[MemberWeek]
    applied: int = 0
    partly: int = 0
    open_loops: list[OpenLoop] = field(default_factory=list)
    awaiting: int = 0  # follow-ups sent (or given up on) and not yet an open loop
    not_due: int = 0
    movements: list[ClientMovement] = field(default_factory=list)
    alliance_concerns: list[AllianceConcern] = field(default_factory=list)
    learning: list[LearningNote] = field(default_factory=list)
    undelivered: list[Undelivered] = field(default_factory=list)


def gather(session: Session, group: Group, now: datetime) -> DigestData:
    """Everything the digest shows, for its period: from the last posted digest (or set-up),
    inclusive, to `now`, exclusive, so that each record falls in exactly one period."""
    since = _period_start(group, now)
    where = zone(group.timezone)
    check_ins = session.exec(
        select(CheckIn)
        .where(CheckIn.group_id == group.id, CheckIn.answered_at >= since, CheckIn.answered_at < now)
        .order_by(CheckIn.answered_at, CheckIn.id)
    ).all()
    in_view = _advice_in_view(session, group, since, now)
    advice = [a for a, _ in in_view]
    latest_ors = {a.id: latest for a, latest in in_view}
    answered_now = [a for a in advice if a.answered_at and since <= a.answered_at < now]
    still_open = [a for a in advice if a.status in OPEN_ADVICE]
    open_loops, awaiting = _open_loops_and_awaiting(session, group, still_open)
    limits = group.thresholds
    return DigestData(
        channel_id=group.channel_id,
        period_start=since.astimezone(where).date(),
        period_end=now.astimezone(where).date(),
        today=now.astimezone(where).date(),
        thresholds=limits,
        members=_member_weeks(session, group, since, now, {c.user_id for c in check_ins}),
        applied=sum(1 for a in answered_now if a.status is AdviceStatus.APPLIED),
        partly=sum(1 for a in answered_now if a.status is AdviceStatus.PARTLY),
        open_loops=open_loops,
        awaiting=awaiting,
        not_due=len(still_open) - len(open_loops) - awaiting,
        movements=_movements(answered_now + still_open, latest_ors, limits),
        alliance_concerns=_alliance_concerns(session, group, since, now, limits),
        learning=_learning_notes(session, group, answered_now, check_ins),
        undelivered=_undelivered(session, group),
    )


def _member_weeks(session: Session, group: Group, since: datetime, now: datetime, checked_in: set[str]):
    where = zone(group.timezone)
    members = session.exec(
        select(Member)
        .where(Member.group_id == group.id, Member.left_at.is_(None))
        .order_by(Member.joined_at, Member.id)
    ).all()
    objectives = {
        objective.user_id: objective
        for objective in session.exec(
            select(Objective).where(Objective.group_id == group.id, Objective.status == ObjectiveStatus.ACTIVE)
        )
    }
    minutes = dict(
        session.exec(
            select(PracticeLog.user_id, func.sum(PracticeLog.minutes))
            .where(PracticeLog.group_id == group.id, PracticeLog.logged_at >= since, PracticeLog.logged_at < now)
            .group_by(PracticeLog.user_id)
        ).all()
    )
    weeks = []
    for member in members:
        objective = objectives.get(member.user_id)
        away = member.paused_until is not None and member.paused_until > now
        weeks.append(
            MemberWeek(
                user_id=member.user_id,
                checked_in=member.user_id in checked_in,
                minutes=minutes.get(member.user_id, 0),
                objective=objective.text if objective else None,
                review_on=objective.review_on if objective else None,
                away_until=member.paused_until.astimezone(where).date() if away else None,
            )
        )
    return weeks


def _learning_notes(
    session: Session, group: Group, answered: list[Advice], check_ins: list[CheckIn]
) -> list[LearningNote]:
    sharing = set(
        session.exec(select(Member.user_id).where(Member.group_id == group.id, Member.notes_in_channel.is_(True)))
    )
    return [
        LearningNote(a.therapist_id, a.learning, a.client_code, a.therapist_id in sharing)
        for a in answered
        if a.learning
    ] + [LearningNote(c.user_id, c.learned, None, c.user_id in sharing) for c in check_ins]


def _open_loops_and_awaiting(session: Session, group: Group, still_open: list[Advice]) -> tuple[list[OpenLoop], int]:
    """The open loops among advice not yet closed, and how many others await an answer: their
    follow-up went out (or could not be delivered), but its reminder has not gone unanswered."""
    asked, reminded = set(), set()
    for advice_id, is_reminder, status in session.exec(
        select(Delivery.subject_id, Delivery.is_reminder, Delivery.status).where(
            Delivery.group_id == group.id,
            Delivery.kind == DeliveryKind.FOLLOW_UP,
            Delivery.subject_id.in_([advice.id for advice in still_open]),
            Delivery.status.in_([DeliveryStatus.SENT, DeliveryStatus.DEAD]),
        )
    ):
        asked.add(advice_id)
        if is_reminder and status == DeliveryStatus.SENT:
            reminded.add(advice_id)
    loops, awaiting = [], 0
    for advice in still_open:
        if advice.status is AdviceStatus.NOT_YET:
            loops.append(_open_loop(advice, LoopReason.ANSWERED_NOT_YET))
        elif advice.id in reminded:
            loops.append(_open_loop(advice, LoopReason.REMINDER_UNANSWERED))
        elif advice.id in asked:
            awaiting += 1
    return loops, awaiting


def _open_loop(advice: Advice, reason: LoopReason) -> OpenLoop:
    return OpenLoop(advice.therapist_id, advice.text, advice.client_code, reason)


def _undelivered(session: Session, group: Group) -> list[Undelivered]:
    """Deliveries given up on that no posted digest has reported yet."""
    dead = session.exec(
        select(Delivery)
        .where(Delivery.group_id == group.id, Delivery.status == DeliveryStatus.DEAD)
        .where(Delivery.failure_reported.is_(False))
        .order_by(Delivery.due_at, Delivery.id)
    )
    return [Undelivered(d.id, d.kind, d.recipient_id, d.last_error or "unknown error") for d in dead]


def _period_start(group: Group, now: datetime) -> datetime:
    # Since the last digest; a week back if that one was posted "in the future", as a
    # `tick --now` ahead of the clock, or a replica with a fast clock, can do.
    if group.last_digest_at is None:
        return group.created_at
    if group.last_digest_at <= now:
        return group.last_digest_at
    return max(group.created_at, now - timedelta(days=7))


def _advice_in_view(
    session: Session, group: Group, since: datetime, now: datetime
) -> list[tuple[Advice, Decimal | None]]:
    """The advice the digest shows, answered in its period or still open, oldest first, each
    with its client's latest ORS since the advice was given (None if there is none)."""
    latest_ors = (
        select(Score.value)
        .where(
            Score.group_id == Advice.group_id,
            Score.user_id == Advice.therapist_id,
            Score.client_code == Advice.client_code,
            Score.kind == ScoreKind.ORS,
            Score.recorded_at > Advice.created_at,
        )
        .order_by(Score.recorded_at.desc(), Score.id.desc())
        .limit(1)
        .correlate(Advice)
        .scalar_subquery()
    )
    # The group in each alternative, so that each can use an index of its own.
    in_view = or_(
        and_(Advice.group_id == group.id, Advice.status.in_(OPEN_ADVICE)),
        and_(Advice.group_id == group.id, Advice.answered_at >= since, Advice.answered_at < now),
    )
    rows = session.exec(select(Advice, latest_ors).where(in_view).order_by(Advice.created_at, Advice.id))
    return [(advice, latest) for advice, latest in rows]


def _movements(
    advice: list[Advice], latest_ors: dict[int | None, Decimal | None], limits: Thresholds
) -> list[ClientMovement]:
    movements = []
    for item in advice:
        latest = latest_ors[item.id]
        if item.client_code is None or item.baseline_ors is None or latest is None:
            continue
        movements.append(
            ClientMovement(item.therapist_id, item.client_code, classify_ors(item.baseline_ors, latest, limits))
        )
    return movements


def _alliance_concerns(
    session: Session, group: Group, since: datetime, now: datetime, limits: Thresholds
) -> list[AllianceConcern]:
    latest: dict[tuple[str, str], Decimal] = {}
    for score in session.exec(
        select(Score)
        .where(
            Score.group_id == group.id, Score.kind == ScoreKind.SRS, Score.recorded_at >= since, Score.recorded_at < now
        )
        .order_by(Score.recorded_at, Score.id)
    ):
        latest[(score.user_id, score.client_code)] = score.value
    return [AllianceConcern(user, code, srs) for (user, code), srs in latest.items() if alliance_concern(srs, limits)]
