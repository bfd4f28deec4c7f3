"""Groups with weeks of history, inserted straight into the tables: fast enough to seed a year
for hundreds of therapists, for the digest's benchmark and its statement-count test."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session, select

from bot.model import (
    CLOSED_ADVICE,
    Advice,
    AdviceStatus,
    CheckIn,
    Client,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Group,
    Member,
    Objective,
    ObjectiveStatus,
    Platform,
    PracticeKind,
    PracticeLog,
    Score,
    ScoreKind,
)
from bot.outcomes import Band
from bot.scheduling import keys

CLIENTS_PER_THERAPIST = 5


def seeded_group(
    session: Session,
    channel_id: str,
    therapists: int,
    weeks: int,
    now: datetime,
    platform: Platform = Platform.SLACK,
    tenant_id: str = "TBENCH",
) -> Group:
    """A group whose therapists each have `weeks` weeks of history up to `now`: weekly ORS and
    SRS for their clients (every tenth one's last client closed a week ago), advice (the last
    two weeks' still open, one answered "Not yet") with
    follow-ups and reminders, practice logs, check-ins, and objectives (earlier ones achieved).
    Its coach is `<channel_id>-COACH`, and its last digest went out a week before `now`."""
    start = now - timedelta(weeks=weeks)
    group = Group(
        platform=platform,
        tenant_id=tenant_id,
        channel_id=channel_id,
        coach_id=f"{channel_id}-COACH",
        timezone="Europe/London",
        created_at=start,
        rhythm_from=start,
        last_digest_at=now - timedelta(weeks=1),
    )
    session.add(group)
    session.flush()
    assert group.id is not None
    models = (Member, Client, Objective, Score, PracticeLog, CheckIn, Advice)
    rows: dict[type, list[dict]] = {model: [] for model in models}
    for number in range(therapists):
        user = f"{channel_id}-U{number:04d}"
        rows[Member].append(dict(group_id=group.id, user_id=user, joined_at=start, notes_in_channel=number % 2 == 0))
        rows[Objective] += _objectives(group.id, user, start, now)
        rows[Client] += [
            dict(
                group_id=group.id,
                therapist_id=user,
                code=f"C{client}",
                band=Band.ADULT,
                created_at=start,
                closed_at=now - timedelta(weeks=1)
                if number % 10 == 0 and client == CLIENTS_PER_THERAPIST - 1
                else None,
            )
            for client in range(CLIENTS_PER_THERAPIST)
        ]
        for week in range(weeks):
            monday = start + timedelta(weeks=week, hours=number % 24)
            rows[Score] += _scores(group.id, user, monday, week, number)
            rows[PracticeLog] += [
                dict(
                    group_id=group.id,
                    user_id=user,
                    minutes=20 + day,
                    activity="role-play",
                    kind=PracticeKind.SKILL_REHEARSAL,
                    logged_at=monday + timedelta(days=day),
                )
                for day in (0, 2, 4)
            ]
            rows[CheckIn].append(
                dict(
                    group_id=group.id,
                    user_id=user,
                    week=f"{week:03d}",
                    progress=3,
                    minutes=60,
                    learned="pacing",
                    answered_at=monday,
                )
            )
            rows[Advice].append(_advice(group.id, user, monday, week, weeks, number))
    for model, values in rows.items():
        session.execute(insert(model), values)
    _follow_ups(session, group)
    return group


def _objectives(group_id: int, user: str, start: datetime, now: datetime) -> list[dict]:
    achieved = dict(group_id=group_id, user_id=user, text="slow down", review_on=start.date(), created_at=start)
    active = dict(
        group_id=group_id, user_id=user, text="name ruptures", review_on=now.date() + timedelta(days=14), created_at=now
    )
    return [
        achieved | dict(status=ObjectiveStatus.ACHIEVED, closed_at=now),
        active | dict(status=ObjectiveStatus.ACTIVE),
    ]


def _scores(group_id: int, user: str, monday: datetime, week: int, number: int) -> list[dict]:
    return [
        dict(
            group_id=group_id,
            user_id=user,
            client_code=f"C{client}",
            kind=kind,
            value=(15 + week + client + number) % 41 if kind is ScoreKind.ORS else 30 + (week + client) % 11,
            recorded_at=monday + timedelta(days=client % 5, minutes=1 if kind is ScoreKind.SRS else 0),
        )
        for client in range(CLIENTS_PER_THERAPIST)
        for kind in (ScoreKind.ORS, ScoreKind.SRS)
    ]


def _advice(group_id: int, user: str, monday: datetime, week: int, weeks: int, number: int) -> dict:
    still_open = week >= weeks - 2
    status = (AdviceStatus.NOT_YET if number % 3 == 0 else AdviceStatus.OPEN) if still_open else CLOSED_ADVICE[week % 3]
    answered = status is not AdviceStatus.OPEN
    return dict(
        group_id=group_id,
        therapist_id=user,
        given_by="COACH",
        text=f"try a pause, week {week}",
        client_code=f"C{week % CLIENTS_PER_THERAPIST}",
        baseline_ors=18 + week % 7,
        created_at=monday,
        status=status,
        answered_at=monday + timedelta(days=6) if answered else None,
        learning="it helped" if answered and week % 2 == 0 else None,
    )


def _follow_ups(session: Session, group: Group) -> None:
    """A sent follow-up for every advice, a sent reminder for the open ones of odd therapists,
    and one follow-up given up on that no digest has reported yet."""
    advice = session.exec(
        select(Advice.id, Advice.therapist_id, Advice.created_at, Advice.status).where(Advice.group_id == group.id)
    ).all()
    rows = []
    for advice_id, user, created_at, status in advice:
        due = created_at + timedelta(days=5)
        key = keys.follow_up(advice_id, due)
        rows.append(_delivery(key, group.id, advice_id, user, due, False, DeliveryStatus.SENT))
        if status == AdviceStatus.OPEN and int(user[-1]) % 2:
            reminder = keys.reminder(key)
            rows.append(
                _delivery(reminder, group.id, advice_id, user, due + timedelta(days=1), True, DeliveryStatus.SENT)
            )
    rows[-1] |= dict(status=DeliveryStatus.DEAD, last_error="channel_not_found")
    session.execute(insert(Delivery), rows)


def _delivery(
    key: str, group_id: int, advice_id: int, user: str, due: datetime, reminder: bool, status: DeliveryStatus
) -> dict:
    return dict(
        key=key,
        kind=DeliveryKind.FOLLOW_UP,
        group_id=group_id,
        recipient_id=user,
        subject_id=advice_id,
        is_reminder=reminder,
        due_at=due,
        status=status,
        sent_at=due if status is DeliveryStatus.SENT else None,
    )
