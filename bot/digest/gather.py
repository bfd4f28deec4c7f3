"""The weekly digest's gathering half: everything it shows, read from the tables for its period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import and_, exists, func, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from bot.calendar import zone
from bot.meetings import FeedbackAnswer, RequestKind, next_meeting
from bot.model import (
    OPEN_ADVICE,
    Advice,
    AdviceStatus,
    CheckIn,
    Client,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Group,
    MeetingFeedback,
    MeetingRequest,
    Member,
    Objective,
    ObjectiveStatus,
    PracticeLog,
    Score,
    ScoreKind,
)
from bot.outcomes import Classification, Rating, Thresholds, classify_client, points
from bot.refinement import TREND_WEEKS, progress_trend

# How far back check-ins are read for each therapist's progress trend: its weeks, and the
# days of the oldest one before a week ago.
TREND_READ = timedelta(weeks=TREND_WEEKS + 1)


@dataclass(frozen=True)
class MemberWeek:
    user_id: str
    checked_in: bool
    minutes: int
    objective: str | None = None
    review_on: date | None = None
    away_until: date | None = None
    progress: str | None = None  # the trend of weekly progress ratings under the objective, "2 → – → 4"
    recordings_reviewed: int | None = None  # by the coach before the objective was set; None: not counted


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
class AdviceAbout:
    """Advice in the digest's view about one of its clients, and the ORS change since it."""

    text: str
    given_on: date
    status: AdviceStatus
    baseline_ors: Decimal | None
    latest_ors_since: Decimal | None  # the client's latest ORS, if recorded after the advice


@dataclass(frozen=True)
class ClientWeek:
    """An active client scored in the digest's period, judged from intake."""

    therapist_id: str
    code: str
    judged: Classification
    latest_srs: Decimal | None = None
    advice: tuple[AdviceAbout, ...] = ()


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
class AgendaRequest:
    """What a therapist asked of the next meeting: a case (with its client code), a skill to
    practise, or a question for the coach."""

    therapist_id: str
    kind: RequestKind
    text: str
    client_code: str | None = None


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
    clients: list[ClientWeek] = field(default_factory=list)  # in the members' order, then by code
    outcomes_in_channel: bool = True  # else client-level lines are only for the coach
    learning: list[LearningNote] = field(default_factory=list)
    undelivered: list[Undelivered] = field(default_factory=list)
    requests: list[AgendaRequest] = field(default_factory=list)  # for the next meeting, in the members' order
    feedback: list[FeedbackAnswer] = field(default_factory=list)  # on the meeting, answered in the period
    feedback_named: bool = False


def gather(session: Session, group: Group, now: datetime) -> DigestData:
    """Everything the digest shows, for its period: from the last posted digest (or set-up),
    inclusive, to `now`, exclusive, so that each record falls in exactly one period."""
    since = _period_start(group, now)
    where = zone(group.timezone)
    # The period's check-ins, and those before it that the progress trends need, in one statement.
    recent = session.exec(
        select(CheckIn)
        .where(CheckIn.group_id == group.id, CheckIn.answered_at >= min(since, now - TREND_READ))
        .where(CheckIn.answered_at < now)
        .order_by(CheckIn.answered_at, CheckIn.id)
    ).all()
    check_ins = [check_in for check_in in recent if check_in.answered_at >= since]
    advice = _advice_in_view(session, group, since, now)
    answered_now = [a for a in advice if a.answered_at and since <= a.answered_at < now]
    still_open = [a for a in advice if a.status in OPEN_ADVICE]
    open_loops, awaiting = _open_loops_and_awaiting(session, group, still_open)
    members = _member_weeks(session, group, since, now, {c.user_id for c in check_ins}, recent)
    return DigestData(
        channel_id=group.channel_id,
        period_start=since.astimezone(where).date(),
        period_end=now.astimezone(where).date(),
        today=now.astimezone(where).date(),
        thresholds=group.thresholds,
        members=[week for week, _sharing in members],
        applied=sum(1 for a in answered_now if a.status is AdviceStatus.APPLIED),
        partly=sum(1 for a in answered_now if a.status is AdviceStatus.PARTLY),
        open_loops=open_loops,
        awaiting=awaiting,
        not_due=len(still_open) - len(open_loops) - awaiting,
        clients=_clients(session, group, since, now, [week.user_id for week, _ in members], advice),
        outcomes_in_channel=group.outcomes_in_channel,
        learning=_learning_notes({week.user_id for week, sharing in members if sharing}, answered_now, check_ins),
        undelivered=_undelivered(session, group),
        requests=_requests(session, group, now, [week.user_id for week, _ in members]),
        feedback=_feedback(session, group, since, now),
        feedback_named=group.feedback_named,
    )


def _requests(session: Session, group: Group, now: datetime, members: list[str]) -> list[AgendaRequest]:
    """The requests for the next meeting, but "nothing this time", of current members."""
    if group.meeting is None:
        return []
    meeting_on, _ = next_meeting(now, group.meeting, zone(group.timezone))
    asked = session.exec(
        select(MeetingRequest)
        .where(
            MeetingRequest.group_id == group.id,
            MeetingRequest.meeting_on == meeting_on,
            MeetingRequest.kind != RequestKind.NOTHING,
        )
        .order_by(MeetingRequest.answered_at, MeetingRequest.id)
    )
    position = {user: index for index, user in enumerate(members)}
    return sorted(
        (AgendaRequest(r.user_id, r.kind, r.text or "", r.client_code) for r in asked if r.user_id in position),
        key=lambda request: position[request.therapist_id],
    )


def _feedback(session: Session, group: Group, since: datetime, now: datetime) -> list[FeedbackAnswer]:
    answered = session.exec(
        select(MeetingFeedback)
        .where(MeetingFeedback.group_id == group.id, MeetingFeedback.answered_at >= since)
        .where(MeetingFeedback.answered_at < now)
        .order_by(MeetingFeedback.answered_at, MeetingFeedback.id)
    )
    return [FeedbackAnswer(answer.user_id, answer.usefulness, answer.suggestion) for answer in answered]


def _member_weeks(
    session: Session, group: Group, since: datetime, now: datetime, checked_in: set[str], recent: list[CheckIn]
) -> list[tuple[MemberWeek, bool]]:
    """Each member's week, and whether they share their learning notes in the channel."""
    where = zone(group.timezone)
    ratings: dict[str, list[CheckIn]] = {}
    for check_in in recent:
        ratings.setdefault(check_in.user_id, []).append(check_in)
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
        week = MemberWeek(
            user_id=member.user_id,
            checked_in=member.user_id in checked_in,
            minutes=minutes.get(member.user_id, 0),
            objective=objective.text if objective else None,
            review_on=objective.review_on if objective else None,
            recordings_reviewed=objective.recordings_reviewed if objective else None,
            away_until=member.paused_until.astimezone(where).date() if away else None,
            progress=_trend(objective, ratings.get(member.user_id, []), now, where) if objective else None,
        )
        weeks.append((week, member.notes_in_channel))
    return weeks


def _trend(objective: Objective, check_ins: list[CheckIn], now: datetime, where) -> str | None:
    """The member's progress trend under their current objective, by its check-ins' weeks."""
    by_week = {c.week: c.progress for c in check_ins if c.answered_at >= objective.created_at}
    return progress_trend(by_week, objective.created_at.astimezone(where).date(), now.astimezone(where).date())


def _learning_notes(sharing: set[str], answered: list[Advice], check_ins: list[CheckIn]) -> list[LearningNote]:
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


def _advice_in_view(session: Session, group: Group, since: datetime, now: datetime) -> list[Advice]:
    """The advice the digest shows, answered in its period or still open, oldest first."""
    # The group in each alternative, so that each can use an index of its own.
    in_view = or_(
        and_(Advice.group_id == group.id, Advice.status.in_(OPEN_ADVICE)),
        and_(Advice.group_id == group.id, Advice.answered_at >= since, Advice.answered_at < now),
    )
    return list(session.exec(select(Advice).where(in_view).order_by(Advice.created_at, Advice.id)))


def _clients(
    session: Session, group: Group, since: datetime, now: datetime, members: list[str], advice: list[Advice]
) -> list[ClientWeek]:
    """Each active client of a member with a score in the period, judged from intake by the
    scores the rules read (intake, latest ORS, the last two SRS), all in one statement."""
    where = zone(group.timezone)
    about: dict[tuple[str, str | None], list[Advice]] = {}
    for item in advice:
        about.setdefault((item.therapist_id, item.client_code), []).append(item)
    found = []
    for therapist, code, band, *columns in session.exec(_judged_clients(group, since, now)):
        intake, latest_ors, latest_srs, previous_srs = (
            _rating(columns[at : at + len(RATING_COLUMNS)], where) for at in range(0, len(columns), len(RATING_COLUMNS))
        )
        ors = [rating for rating in (intake, latest_ors) if rating is not None]
        judged = classify_client(
            ors[:1] if len(ors) == 2 and columns[0] == columns[len(RATING_COLUMNS)] else ors,
            [rating for rating in (previous_srs, latest_srs) if rating is not None],
            band,
            group.thresholds,
        )
        notes = tuple(_advice_about(item, latest_ors, where) for item in about.get((therapist, code), []))
        found.append(ClientWeek(therapist, code, judged, latest_srs.value if latest_srs else None, notes))
    position = {user: index for index, user in enumerate(members)}
    return sorted(
        (client for client in found if client.therapist_id in position),
        key=lambda client: (position[client.therapist_id], client.code),
    )


def _judged_clients(group: Group, since: datetime, now: datetime):
    """Active clients scored in [since, now), each with its intake (the latest ORS marked so,
    or else the first), latest ORS, latest and previous SRS; each picked by an index."""

    def pick(kind: ScoreKind, *, marked: bool = False, first: bool = False, skip: int = 0):
        picked = select(Score.id).where(
            Score.group_id == Client.group_id,
            Score.user_id == Client.therapist_id,
            Score.client_code == Client.code,
            Score.kind == kind,
            Score.recorded_at < now,
        )
        if marked:
            picked = picked.where(Score.intake == true())
        order = (Score.recorded_at, Score.id) if first else (Score.recorded_at.desc(), Score.id.desc())
        return picked.order_by(*order).offset(skip).limit(1).correlate(Client).scalar_subquery()

    scored_in_period = exists().where(
        Score.group_id == Client.group_id,
        Score.user_id == Client.therapist_id,
        Score.client_code == Client.code,
        Score.kind.in_([ScoreKind.ORS, ScoreKind.SRS]),
        Score.recorded_at >= since,
        Score.recorded_at < now,
    )
    chosen = (
        select(
            Client.id.label("client_id"),
            func.coalesce(pick(ScoreKind.ORS, marked=True), pick(ScoreKind.ORS, first=True)).label("intake"),
            pick(ScoreKind.ORS).label("latest_ors"),
            pick(ScoreKind.SRS).label("latest_srs"),
            pick(ScoreKind.SRS, skip=1).label("previous_srs"),
        )
        .where(Client.group_id == group.id, Client.closed_at.is_(None), scored_in_period)
        .cte("chosen")
    )
    picked = [aliased(Score) for _ in range(4)]  # intake, latest ORS, latest SRS, previous SRS
    columns = [getattr(score, name) for score in picked for name in RATING_COLUMNS]
    intake, latest_ors, latest_srs, previous_srs = picked
    return (
        select(Client.therapist_id, Client.code, Client.band, *columns)
        .join(chosen, chosen.c.client_id == Client.id)
        .outerjoin(intake, intake.id == chosen.c.intake)
        .outerjoin(latest_ors, latest_ors.id == chosen.c.latest_ors)
        .outerjoin(latest_srs, latest_srs.id == chosen.c.latest_srs)
        .outerjoin(previous_srs, previous_srs.id == chosen.c.previous_srs)
    )


RATING_COLUMNS = ("id", "value", "recorded_at", "session", "intake")  # each picked score's, as plain columns


def _rating(columns, where) -> Rating | None:
    """A picked score's columns (RATING_COLUMNS) as the rules read it; None if none was picked."""
    score_id, value, recorded_at, session, intake = columns
    if score_id is None:
        return None
    return Rating(points(value), recorded_at.astimezone(where).date(), session, bool(intake), recorded_at)


def _advice_about(advice: Advice, latest_ors: Rating | None, where) -> AdviceAbout:
    since = latest_ors.value if latest_ors and latest_ors.at and latest_ors.at > advice.created_at else None
    given_on = advice.created_at.astimezone(where).date()
    return AdviceAbout(advice.text, given_on, advice.status, advice.baseline_ors, since)
