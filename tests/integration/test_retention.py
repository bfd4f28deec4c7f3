"""Retention: history older than RETENTION_DAYS is purged by the scheduler; current state stays.
Each kind of history is tried with a row just outside the period and one just inside it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, select

from bot.meetings import RequestKind
from bot.model import (
    Advice,
    AdviceStatus,
    AuditEntry,
    CheckIn,
    Client,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Group,
    Holiday,
    LearningNote,
    MeetingFeedback,
    MeetingRequest,
    Member,
    NoteRevision,
    NoteSource,
    Objective,
    ObjectiveStatus,
    Person,
    Platform,
    PracticeLog,
    RecordingReview,
    Score,
    ScoreKind,
    SendingHold,
)
from bot.retention import purge_older_than
from tests.core_harness import CoreHarness

START = datetime(2026, 6, 1, 10, tzinfo=timezone.utc)
CUTOFF = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
OUTSIDE, INSIDE = CUTOFF - timedelta(seconds=1), CUTOFF + timedelta(seconds=1)
LONG_AGO = CUTOFF - timedelta(days=400)
TEAM, COACH, ALICE = "T1", "UCOACH", "UALICE"


def test_the_scheduler_purges_what_is_older_than_the_retention_period(database_url):
    harness = CoreHarness(database_url, START, {COACH: "Europe/Paris", ALICE: "Europe/Paris"}, RETENTION_DAYS="30")
    try:
        harness.say(COACH, "setup")
        harness.say(ALICE, "join")
        harness.say(ALICE, "log 30 old practice")
        harness.say(ALICE, "outcome C1 ors 20")
        harness.advance_to(START + timedelta(days=20))
        harness.say(ALICE, "log 15 recent practice")

        harness.advance_to(START + timedelta(days=35))

        with Session(harness.engine) as session:
            assert [log.activity for log in session.exec(select(PracticeLog))] == ["recent practice"]
            assert list(session.exec(select(Score))) == []
    finally:
        harness.close()


def test_the_purge_runs_once_an_hour_while_leases_are_taken_back_at_every_pass(database_url):
    harness = CoreHarness(database_url, START, {COACH: "Europe/Paris"}, RETENTION_DAYS="1")
    tidy = harness.core.dispatcher.tidy

    def an_old_log_and_an_expired_lease() -> None:
        with Session(harness.engine) as session, session.begin():
            group = session.exec(select(Group)).one()
            now = harness.clock.now
            session.add(PracticeLog(group_id=group.id, user_id=ALICE, minutes=5, activity="old", logged_at=LONG_AGO))
            session.add(_delivery(group, now, DeliveryStatus.CLAIMED, lease_expires_at=now - timedelta(seconds=1)))

    def left() -> tuple[int, int]:
        with Session(harness.engine) as session:
            logs = len(session.exec(select(PracticeLog)).all())
            claimed = len(session.exec(select(Delivery).where(Delivery.status == DeliveryStatus.CLAIMED)).all())
        return logs, claimed

    try:
        harness.say(COACH, "setup")
        an_old_log_and_an_expired_lease()
        asyncio.run(tidy())
        assert left() == (0, 0)  # the first pass purges

        harness.clock.now += timedelta(minutes=59)
        an_old_log_and_an_expired_lease()
        asyncio.run(tidy())
        assert left() == (1, 0)  # the lease is taken back; the purge waits for its hour

        harness.clock.now += timedelta(minutes=1)
        asyncio.run(tidy())
        assert left() == (0, 0)
    finally:
        harness.close()


def _group(session: Session) -> Group:
    group = Group(
        platform=Platform.SLACK,
        tenant_id=TEAM,
        channel_id="CGROUP",
        coach_id=COACH,
        timezone="UTC",
        created_at=LONG_AGO,
    )
    group.rhythm_from = LONG_AGO
    session.add(group)
    session.flush()
    return group


def _delivery(group: Group, at: datetime, status=DeliveryStatus.SENT, **fields) -> Delivery:
    key = f"{fields.get('kind', DeliveryKind.CHECK_IN)}:{fields.get('subject_id')}:{at.isoformat()}:{status}"
    return Delivery(key=key, group_id=group.id, due_at=at, status=status, **{"kind": DeliveryKind.CHECK_IN, **fields})


def _answered_advice(session: Session, group: Group, at: datetime) -> list[SQLModel]:
    advice = Advice(
        group_id=group.id,
        therapist_id=ALICE,
        given_by=COACH,
        text="Pause",
        created_at=LONG_AGO,
        status=AdviceStatus.APPLIED,
        answered_at=at,
    )
    session.add(advice)
    session.flush()
    # Its reminder still pending when it was answered goes with it.
    return [
        advice,
        _delivery(group, LONG_AGO, DeliveryStatus.PENDING, kind=DeliveryKind.FOLLOW_UP, subject_id=advice.id),
    ]


def _closed_objective(session: Session, group: Group, at: datetime) -> list[SQLModel]:
    objective = Objective(
        group_id=group.id,
        user_id=ALICE,
        text="Silence",
        review_on=date(2025, 1, 1),
        created_at=LONG_AGO,
        status=ObjectiveStatus.ACHIEVED,
        closed_at=at,
    )
    session.add(objective)
    session.flush()
    return [
        objective,
        _delivery(group, LONG_AGO, DeliveryStatus.PENDING, kind=DeliveryKind.REVIEW, subject_id=objective.id),
    ]


def _ended_membership(session: Session, group: Group, at: datetime) -> list[SQLModel]:
    """A member who left: with the membership goes what was kept of theirs as current state."""
    user = f"ULEFT{at.second}"
    objective = Objective(
        group_id=group.id, user_id=user, text="Listen", review_on=date(2027, 1, 1), created_at=LONG_AGO
    )
    advice = Advice(group_id=group.id, therapist_id=user, given_by=COACH, text="Slow down", created_at=LONG_AGO)
    session.add_all([objective, advice])
    session.flush()
    return [
        Member(group_id=group.id, user_id=user, joined_at=LONG_AGO, left_at=at),
        Client(group_id=group.id, therapist_id=user, code="C1", created_at=LONG_AGO),
        RecordingReview(group_id=group.id, therapist_id=user, coach_id=COACH, reviewed_at=INSIDE),
        objective,
        advice,
        _delivery(group, INSIDE, DeliveryStatus.PENDING, kind=DeliveryKind.FOLLOW_UP, subject_id=advice.id),
        _delivery(
            group, INSIDE, DeliveryStatus.PENDING, kind=DeliveryKind.REVIEW, subject_id=objective.id, recipient_id=user
        ),
    ]


def _learning_note(session: Session, group: Group, at: datetime) -> list[SQLModel]:
    note = LearningNote(group_id=group.id, user_id=ALICE, text="Silence", source=NoteSource.NOTE, written_at=at)
    session.add(note)
    session.flush()
    return [note, NoteRevision(note_id=note.id, text="Quiet", replaced_at=at)]


HISTORY: dict[str, Callable[[Session, Group, datetime], list[SQLModel]]] = {
    "practice log": lambda s, g, at: [PracticeLog(group_id=g.id, user_id=ALICE, minutes=5, activity="x", logged_at=at)],
    "recording reviewed": lambda s, g, at: [
        RecordingReview(group_id=g.id, therapist_id=ALICE, coach_id=COACH, reviewed_at=at)
    ],
    "score": lambda s, g, at: [
        Score(group_id=g.id, user_id=ALICE, client_code="C1", kind=ScoreKind.ORS, value=20, recorded_at=at)
    ],
    "closed client": lambda s, g, at: [
        Client(group_id=g.id, therapist_id=ALICE, code=f"C{at.second}", created_at=LONG_AGO, closed_at=at)
    ],
    "check-in": lambda s, g, at: [
        CheckIn(group_id=g.id, user_id=ALICE, week=at.isoformat(), progress=3, minutes=5, learned="x", answered_at=at)
    ],
    "answered advice": _answered_advice,
    "closed objective": _closed_objective,
    "finished delivery": lambda s, g, at: [
        _delivery(g, at, DeliveryStatus.SENT),
        _delivery(g, at, DeliveryStatus.SKIPPED),
        _delivery(g, at, DeliveryStatus.SUPERSEDED),
        _delivery(g, at, DeliveryStatus.DEAD),
    ],
    "request for a meeting": lambda s, g, at: [
        MeetingRequest(
            group_id=g.id, user_id=f"U{at.second}", meeting_on=at.date(), kind=RequestKind.SKILL, answered_at=at
        )
    ],
    "feedback on a meeting": lambda s, g, at: [
        MeetingFeedback(group_id=g.id, user_id=f"U{at.second}", meeting_on=at.date(), usefulness=7, answered_at=at)
    ],
    "learning note": _learning_note,
    "ended membership": _ended_membership,
    "person record of someone in no group": lambda s, g, at: [
        Person(platform=Platform.SLACK, tenant_id=TEAM, user_id=f"UGONE{at.second}", timezone="UTC", refreshed_at=at)
    ],
    "audit entry": lambda s, g, at: [
        AuditEntry(platform=Platform.SLACK, tenant_id=TEAM, group_id=g.id, actor_id=COACH, action="x", at=at)
    ],
}


def _identities(rows: list[SQLModel]) -> list[tuple[type, tuple]]:
    return [(type(row), inspect(row).identity) for row in rows]


def _remaining(engine, identities: list[tuple[type, tuple]]) -> list[bool]:
    with Session(engine) as session:
        return [session.get(table, identity) is not None for table, identity in identities]


def _purge(engine) -> None:
    with Session(engine) as session:
        purge_older_than(session, CUTOFF)
        session.commit()


@pytest.mark.parametrize("history", HISTORY.values(), ids=HISTORY.keys())
def test_history_just_outside_the_period_goes_and_just_inside_stays(engine, history):
    with Session(engine) as session:
        group = _group(session)
        outside, inside = history(session, group, OUTSIDE), history(session, group, INSIDE)
        session.add_all(outside + inside)
        session.commit()
        outside, inside = _identities(outside), _identities(inside)
    assert _remaining(engine, outside + inside) == [True] * len(outside + inside)  # the check sees rows

    _purge(engine)

    assert _remaining(engine, outside) == [False] * len(outside)
    assert _remaining(engine, inside) == [True] * len(inside)


def test_current_state_stays_however_old(engine):
    with Session(engine) as session:
        group = _group(session)
        objective = Objective(
            group_id=group.id, user_id=ALICE, text="Silence", review_on=date(2025, 1, 1), created_at=LONG_AGO
        )
        open_advice = Advice(group_id=group.id, therapist_id=ALICE, given_by=COACH, text="Pause", created_at=LONG_AGO)
        not_yet = Advice(
            group_id=group.id,
            therapist_id=ALICE,
            given_by=COACH,
            text="Wait",
            created_at=LONG_AGO,
            status=AdviceStatus.NOT_YET,
            answered_at=LONG_AGO,
        )
        session.add_all([objective, open_advice, not_yet])
        session.flush()
        current = [
            group,
            Member(group_id=group.id, user_id=ALICE, joined_at=LONG_AGO),
            Person(platform=Platform.SLACK, tenant_id=TEAM, user_id=ALICE, timezone="UTC", refreshed_at=LONG_AGO),
            Person(platform=Platform.SLACK, tenant_id=TEAM, user_id=COACH, timezone="UTC", refreshed_at=LONG_AGO),
            objective,
            open_advice,
            not_yet,
            _delivery(group, LONG_AGO, DeliveryStatus.PENDING, kind=DeliveryKind.FOLLOW_UP, subject_id=open_advice.id),
            Holiday(group_id=group.id, day=LONG_AGO.date()),
            Client(group_id=group.id, therapist_id=ALICE, code="C1", created_at=LONG_AGO),  # active
            SendingHold(
                platform=Platform.SLACK, tenant_id=TEAM, reason="token_revoked", since=LONG_AGO, check_after=LONG_AGO
            ),
        ]
        session.add_all(current)
        session.commit()
        current = _identities(current)

    _purge(engine)

    assert _remaining(engine, current) == [True] * len(current)


def test_an_old_person_record_stays_only_for_current_members_and_coaches(engine):
    with Session(engine) as session:
        group = _group(session)
        session.add_all(
            [
                Member(group_id=group.id, user_id=ALICE, joined_at=LONG_AGO),
                Member(group_id=group.id, user_id="UBOB", joined_at=LONG_AGO, left_at=INSIDE),
                *(
                    Person(platform=Platform.SLACK, tenant_id=TEAM, user_id=user, timezone="UTC", refreshed_at=LONG_AGO)
                    for user in (COACH, ALICE, "UBOB", "UEVE")
                ),
                Person(
                    platform=Platform.SLACK, tenant_id="T2", user_id=ALICE, timezone="UTC", refreshed_at=LONG_AGO
                ),  # a member only in T1
            ]
        )
        session.commit()

    _purge(engine)

    with Session(engine) as session:
        assert sorted((p.tenant_id, p.user_id) for p in session.exec(select(Person))) == [(TEAM, ALICE), (TEAM, COACH)]
