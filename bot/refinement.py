"""Successive refinement: how a therapist's clients moved while an objective was worked on,
against the same length of time just before it, each client judged from intake by the
outcome rules (bot/outcomes.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.calendar import iso_week
from bot.messages import Bold, Line, line
from bot.outcomes import DEFAULT_THRESHOLDS, MIN_CLIENTS_FOR_A_MEAN, Movement, Rating, Thresholds, intake_of, movement

TREND_WEEKS = 4  # of weekly progress ratings, in the digest and in status
NO_RATING = "–"


@dataclass(frozen=True)
class Period:
    """From `start` up to, not including, `end`."""

    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @property
    def before(self) -> Period:
        """The same length of time, ending where this one starts."""
        return Period(self.start - self.length, self.start)

    def holds(self, at: datetime) -> bool:
        return self.start <= at < self.end


def objective_period(set_at: datetime, closed_at: datetime | None, now: datetime) -> Period:
    """An objective's time: from when it was set until it was closed, or until now while open."""
    return Period(set_at, closed_at or now)


@dataclass(frozen=True)
class Movements:
    improved: int = 0
    unchanged: int = 0
    deteriorated: int = 0

    @property
    def clients(self) -> int:
        return self.improved + self.unchanged + self.deteriorated

    @property
    def shown(self) -> bool:
        return self.clients >= MIN_CLIENTS_FOR_A_MEAN


def movements_in(period: Period, caseload: Iterable[Sequence[Rating]], thresholds: Thresholds) -> Movements:
    """The clients (each one's ORS in the order recorded, with when) who had an ORS after intake
    recorded in the period, each judged from intake to its latest ORS by the period's end."""
    moved = dict.fromkeys(Movement, 0)
    for ors in caseload:
        known = [rating for rating in ors if rating.at is not None and rating.at < period.end]
        intake, latest = intake_of(known), known[-1] if known else None
        if intake is None or latest is None or latest is intake or not period.holds(latest.at or period.end):
            continue
        moved[movement(intake.value, latest.value, thresholds)] += 1
    return Movements(
        moved[Movement.RELIABLE_IMPROVEMENT], moved[Movement.NO_RELIABLE_CHANGE], moved[Movement.RELIABLE_DETERIORATION]
    )


@dataclass(frozen=True)
class Comparison:
    period: Period
    during: Movements
    before: Movements


def compare(
    period: Period, caseload: Sequence[Sequence[Rating]], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Comparison:
    return Comparison(
        period, movements_in(period, caseload, thresholds), movements_in(period.before, caseload, thresholds)
    )


def described(movements: Movements) -> str:
    """“3 reliably improved, 2 unchanged, 0 deteriorated (5 clients)”; no figure below the minimum."""
    if not movements.shown:
        return f"not shown below {MIN_CLIENTS_FOR_A_MEAN} clients with an ORS after intake"
    return (
        f"{movements.improved} reliably improved, {movements.unchanged} unchanged,"
        f" {movements.deteriorated} deteriorated ({movements.clients} clients)"
    )


def length_label(length: timedelta) -> str:
    """“12 days”, “1 day”, “less than a day”."""
    days = length.days
    if days < 1:
        return "less than a day"
    return "1 day" if days == 1 else f"{days} days"


@dataclass(frozen=True)
class Results:
    """What came of an objective in its time: its clients against as long before it, the weekly
    progress ratings (1–5) in the order answered, and the practice minutes logged."""

    compared: Comparison
    ratings: tuple[int, ...]
    minutes: int


def results_in(
    period: Period,
    caseload: Sequence[Sequence[Rating]],
    ratings: Iterable[tuple[datetime, int]],
    practice: Iterable[tuple[datetime, int]],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Results:
    """`ratings` and `practice` as (when, value), the ratings in the order answered."""
    return Results(
        compare(period, caseload, thresholds),
        tuple(progress for at, progress in ratings if period.holds(at)),
        sum(minutes for at, minutes in practice if period.holds(at)),
    )


def result_lines(results: Results) -> tuple[Line, ...]:
    """The results as `objective history` and the objective review show them."""
    rated = " · ".join(str(progress) for progress in results.ratings) or "no check-ins during it"
    length = length_label(results.compared.period.length)
    return (
        line(Bold("Weekly progress (1–5): "), rated),
        line(Bold("Practice during it: "), f"{results.minutes} min"),
        line(Bold(f"Clients during it ({length}): "), described(results.compared.during)),
        line(Bold("Clients in as long before it: "), described(results.compared.before)),
    )


def progress_trend(by_week: Mapping[str, int], set_on: date, today: date, weeks: int = TREND_WEEKS) -> str | None:
    """“2 → – → 4”: the progress ratings (by ISO week) of the objective's last `weeks` weeks,
    oldest first, a week without one as “–”. This week counts once rated, as its check-in may
    be still to come. None while the objective has no such week."""
    monday = today - timedelta(days=today.weekday())
    first = set_on - timedelta(days=set_on.weekday())
    counted = [iso_week(monday - timedelta(weeks=back)) for back in range((monday - first).days // 7, -1, -1)]
    if counted and counted[-1] not in by_week:
        counted.pop()
    shown = counted[-weeks:]
    return " → ".join(str(by_week[week]) if week in by_week else NO_RATING for week in shown) or None
