"""The weekly digest the coach reads before the meeting: gathered from the tables,
then laid out as a platform-neutral message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, select

from bot.calendar import zone
from bot.messages import Bold, ChannelLink, Command, Line, Mention, Message, Section, day_label, line
from bot.model import (
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
from bot.outcomes import Movement, OrsChange, Thresholds, alliance_concern, classify_ors, describe

OBJECTIVE_LINE_LIMIT = 140
REVIEW_HORIZON = timedelta(days=7)


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
    srs: int


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
    advice = session.exec(
        select(Advice).where(Advice.group_id == group.id).order_by(Advice.created_at, Advice.id)
    ).all()
    answered_now = [a for a in advice if a.answered_at and since <= a.answered_at < now]
    still_open = [a for a in advice if a.status in (AdviceStatus.OPEN, AdviceStatus.NOT_YET)]
    open_loops, awaiting = _open_loops_and_awaiting(session, group, still_open)
    limits = Thresholds(group.ors_clinical_cutoff, group.ors_reliable_change, group.srs_alliance_concern)
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
        movements=_movements(session, group, answered_now + still_open, limits),
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


def _movements(session: Session, group: Group, advice: list[Advice], limits: Thresholds) -> list[ClientMovement]:
    movements = []
    for item in advice:
        if item.client_code is None or item.baseline_ors is None:
            continue
        latest = session.exec(
            select(Score.value)
            .where(
                Score.group_id == group.id,
                Score.user_id == item.therapist_id,
                Score.client_code == item.client_code,
                Score.kind == ScoreKind.ORS,
                Score.recorded_at > item.created_at,
            )
            .order_by(Score.recorded_at.desc(), Score.id.desc())
        ).first()
        if latest is not None:
            movements.append(
                ClientMovement(item.therapist_id, item.client_code, classify_ors(item.baseline_ors, latest, limits))
            )
    return movements


def _alliance_concerns(
    session: Session, group: Group, since: datetime, now: datetime, limits: Thresholds
) -> list[AllianceConcern]:
    latest: dict[tuple[str, str], int] = {}
    for score in session.exec(
        select(Score)
        .where(
            Score.group_id == group.id, Score.kind == ScoreKind.SRS, Score.recorded_at >= since, Score.recorded_at < now
        )
        .order_by(Score.recorded_at, Score.id)
    ):
        latest[(score.user_id, score.client_code)] = score.value
    return [AllianceConcern(user, code, srs) for (user, code), srs in latest.items() if alliance_concern(srs, limits)]


def render(data: DigestData, for_coach_only: bool = False) -> Message:
    """The digest; learning notes are added only where the coach alone will read it."""
    sections = [
        _participation(data),
        _objectives(data),
        _practice(data),
        _follow_ups(data),
        _movement(data),
        _agenda(data),
    ]
    sections.append(_learning(data, for_coach_only))
    sections.append(_not_delivered(data))
    heading = f"Practice digest, {day_label(data.period_start)} – {day_label(data.period_end)}"
    intro = Section((line("For ", ChannelLink(data.channel_id), "'s next supervision meeting."),), heading=heading)
    return Message(summary=heading, sections=(intro, *[s for s in sections if s.lines]))


def _participation(data: DigestData) -> Section:
    if not data.members:
        return Section((line("No therapists have joined yet: they join with ", Command("join"), "."),), "Participation")
    done = [m for m in data.members if m.checked_in]
    away = [m for m in data.members if m.away_until and not m.checked_in]
    missing = [m for m in data.members if not m.checked_in and not m.away_until]
    lines = [line(f"{len(done)} of {len(data.members) - len(away)} checked in.")]
    if done:
        lines.append(line(Bold("Checked in: "), *_people(done)))
    if missing:
        lines.append(line(Bold("Not yet: "), *_people(missing)))
    for member in away:
        lines.append(line(Bold("Away: "), Mention(member.user_id), f" until {day_label(member.away_until)}"))
    return Section(tuple(lines), "Participation")


def _people(members: list[MemberWeek]) -> list:
    spans: list = []
    for index, member in enumerate(members):
        spans.extend([", "] if index else [])
        spans.append(Mention(member.user_id))
    return spans


def _objectives(data: DigestData) -> Section:
    return Section(
        tuple(
            line("• ", Mention(m.user_id), ": ", _shorten(m.objective))
            if m.objective
            else line("• ", Mention(m.user_id), ": no objective yet")
            for m in data.members
        ),
        "Learning objectives",
    )


def _practice(data: DigestData) -> Section:
    if not data.members:
        return Section(())
    total = sum(m.minutes for m in data.members)
    lines = [line("• ", Mention(m.user_id), f": {m.minutes} min") for m in data.members]
    return Section((line(Bold(f"{total} min in all")), *lines), "Deliberate practice")


def _follow_ups(data: DigestData) -> Section:
    return Section(
        (
            line(
                f"Applied: {data.applied} · Partly: {data.partly} · Open loops: {len(data.open_loops)}"
                f" · Awaiting an answer: {data.awaiting} · Not due yet: {data.not_due}"
            ),
        ),
        "Follow-ups",
    )


def _movement(data: DigestData) -> Section:
    lines = [line("• ", Mention(m.therapist_id), f" · {m.client_code}: {describe(m.change)}") for m in data.movements]
    lines += [
        line(
            "• ",
            Mention(c.therapist_id),
            f" · {c.client_code}: SRS {c.srs}, alliance concern (below {data.thresholds.srs_alliance_concern})",
        )
        for c in data.alliance_concerns
    ]
    return Section(tuple(lines), "Outcome movement")


def _agenda(data: DigestData) -> Section:
    items: list[Line] = []
    for loop in data.open_loops:
        client = f" ({loop.client_code})" if loop.client_code else ""
        items.append(
            line("• Open loop: ", Mention(loop.therapist_id), ": ", _shorten(loop.advice), client, f", {loop.reason}")
        )
    for m in data.movements:
        if m.change.movement is Movement.RELIABLE_DETERIORATION:
            items.append(
                line("• Deterioration: ", Mention(m.therapist_id), f" · {m.client_code}: {describe(m.change)}")
            )
    for c in data.alliance_concerns:
        items.append(line("• Alliance concern: ", Mention(c.therapist_id), f" · {c.client_code}: SRS {c.srs}"))
    for member in data.members:
        if member.review_on and member.review_on <= data.today + REVIEW_HORIZON:
            items.append(
                line("• Objective due for review: ", Mention(member.user_id), f" on {day_label(member.review_on)}")
            )
        if member.objective is None:
            items.append(line("• No objective yet: ", Mention(member.user_id)))
    if not items:
        items.append(line("Nothing pressing: a good week to share what worked."))
    return Section(tuple(items), "Agenda for the next meeting")


def _learning(data: DigestData, for_coach_only: bool) -> Section:
    notes = [note for note in data.learning if for_coach_only or note.shared]
    heading = "Learning notes (only you see these)" if for_coach_only else "Learning notes"
    return Section(
        tuple(
            line(
                "• ", Mention(note.therapist_id), f" ({note.client_code})" if note.client_code else "", ": ", note.note
            )
            for note in notes
        ),
        heading,
    )


UNDELIVERED_KINDS = {
    DeliveryKind.FOLLOW_UP: "a follow-up",
    DeliveryKind.CHECK_IN: "a check-in",
    DeliveryKind.REVIEW: "an objective review",
    DeliveryKind.DIGEST: "a digest",
}


def _not_delivered(data: DigestData) -> Section:
    lines = []
    for item in data.undelivered:
        to = (" to ", Mention(item.recipient_id)) if item.recipient_id else ()
        lines.append(line(f"⚠ Could not deliver {UNDELIVERED_KINDS[item.kind]}", *to, f" ({item.reason})"))
    return Section(tuple(lines), "Not delivered")


def _shorten(text: str) -> str:
    return text if len(text) <= OBJECTIVE_LINE_LIMIT else text[: OBJECTIVE_LINE_LIMIT - 1].rstrip() + "…"
