"""A group's gathered digest data made up in memory, at any size: for the tests of its layout
and of how each front-end packs it, with no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bot.digest.gather import (
    AdviceAbout,
    ClientWeek,
    DigestData,
    LearningNote,
    LoopReason,
    MemberWeek,
    OpenLoop,
    Undelivered,
)
from bot.model import AdviceStatus, DeliveryKind
from bot.outcomes import DEFAULT_THRESHOLDS, Rating, classify_client

TODAY = date(2026, 12, 4)


def therapist(number: int) -> str:
    return f"U{number:04d}"


def digest_data(therapists: int) -> DigestData:
    """A week of `therapists`: every third not checked in, every seventh without an objective,
    every fifth's objective due for review; each with a client C1 judged from intake (every fourth
    a reliable deterioration, the other even ones a clinically significant improvement, the odd
    ones no reliable change, at session 6 for every third, so not on track), with advice about it
    for every third (given at 14); every other one a client C2 with only an SRS, 30, an alliance
    concern; every third an open loop, a learning note each (every other one shared), and one
    follow-up not delivered."""
    members = [
        MemberWeek(
            therapist(n),
            checked_in=n % 3 != 0,
            minutes=30 + n % 7,
            objective=None if n % 7 == 0 else f"name ruptures in the alliance, {n}",
            review_on=None if n % 7 == 0 else TODAY + timedelta(days=3 if n % 5 == 0 else 30),
        )
        for n in range(therapists)
    ]
    return DigestData(
        channel_id="CGROUP",
        period_start=TODAY - timedelta(days=7),
        period_end=TODAY,
        today=TODAY,
        thresholds=DEFAULT_THRESHOLDS,
        members=members,
        applied=3,
        partly=1,
        open_loops=[
            OpenLoop(therapist(n), "try a pause", "C3", LoopReason.ANSWERED_NOT_YET) for n in range(0, therapists, 3)
        ],
        awaiting=5,
        not_due=2,
        clients=[client for n in range(therapists) for client in _clients(n)],
        learning=[LearningNote(therapist(n), f"pacing {n}", None, shared=n % 2 == 0) for n in range(therapists)],
        undelivered=[Undelivered(1, DeliveryKind.FOLLOW_UP, therapist(1), "channel_not_found")],
    )


def _clients(n: int) -> list[ClientWeek]:
    intake = Rating(Decimal(20 + n % 2 * 4), TODAY - timedelta(days=28), session=1)
    latest = Rating(Decimal(12 if n % 4 == 0 else 28), TODAY - timedelta(days=2), session=6 if n % 3 == 1 else None)
    advice = (AdviceAbout("try a pause", TODAY - timedelta(days=14), AdviceStatus.APPLIED, Decimal(14), latest.value),)
    first = ClientWeek(therapist(n), "C1", classify_client([intake, latest], []), None, advice if n % 3 == 0 else ())
    srs = Rating(Decimal(30), TODAY - timedelta(days=2))
    second = ClientWeek(therapist(n), "C2", classify_client([], [srs]), srs.value)
    return [first, second] if n % 2 == 0 else [first]
