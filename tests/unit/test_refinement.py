"""An objective's time against the same length before it: which clients count in each,
judged from intake, and no figure below five clients (bot.refinement)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from bot.outcomes import Rating
from bot.refinement import Movements, Period, compare, described, length_label, objective_period

SET = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
CLOSED = SET + timedelta(weeks=4)


def ors(*scores: tuple[int, datetime], intake_at: datetime | None = None) -> list[Rating]:
    return [
        Rating(Decimal(value), at.date(), intake=at == intake_at, at=at)
        for value, at in sorted(scores, key=lambda s: s[1])
    ]


def days(n: float) -> datetime:
    return SET + timedelta(days=n)


def test_an_open_objective_runs_until_now_and_a_closed_one_until_it_closed():
    now = SET + timedelta(days=10, hours=3)
    assert objective_period(SET, None, now) == Period(SET, now)
    assert objective_period(SET, CLOSED, now) == Period(SET, CLOSED)


def test_the_period_before_is_as_long_and_ends_where_the_objective_starts():
    period = objective_period(SET, CLOSED, CLOSED + timedelta(days=9))
    assert period.before == Period(SET - timedelta(weeks=4), SET)
    assert period.before.length == period.length == timedelta(weeks=4)
    assert not period.before.holds(SET) and period.holds(SET) and not period.holds(CLOSED)


def test_each_client_is_judged_from_intake_to_its_latest_ors_by_the_periods_end():
    caseload = [
        ors((20, days(-20)), (26, days(5))),  # improved during, from an intake before
        ors((20, days(-20)), (15, days(-3)), (26, days(40))),  # deteriorated before; its later ORS after the end
        ors((20, days(2)), (22, days(9))),  # unchanged, intake and latest both during
        ors((20, days(3))),  # intake only: not judged
        ors((30, days(-27)), (29, days(-25))),  # unchanged before, nothing during
        ors((30, days(-40)), (20, days(-35))),  # before the period before
    ]
    compared = compare(objective_period(SET, CLOSED, CLOSED), caseload)
    assert compared.during == Movements(improved=1, unchanged=1, deteriorated=0)
    assert compared.before == Movements(improved=0, unchanged=1, deteriorated=1)


def test_the_intake_is_the_one_marked_by_the_periods_end():
    remarked = ors((10, days(-40)), (16, days(-10)), (20, days(10)), (21, days(12)), intake_at=days(10))
    compared = compare(Period(SET, CLOSED), [remarked])
    assert compared.during == Movements(unchanged=1)  # from the intake marked on day 10
    assert compared.before == Movements(improved=1)  # from the first, as nothing was marked yet


def test_an_open_objective_counts_the_scores_recorded_until_now():
    now = days(6)
    caseload = [ors((20, days(-3)), (27, days(5))), ors((20, days(-3)), (27, days(7)))]
    assert compare(objective_period(SET, None, now), caseload).during == Movements(improved=1)


def test_four_clients_show_no_figure_and_five_do():
    assert described(Movements(improved=2, unchanged=1, deteriorated=1)) == (
        "not shown below 5 clients with an ORS after intake"
    )
    assert described(Movements(improved=2, unchanged=2, deteriorated=1)) == (
        "2 reliably improved, 2 unchanged, 1 deteriorated (5 clients)"
    )


def test_the_length_is_said_in_days():
    assert length_label(timedelta(hours=20)) == "less than a day"
    assert length_label(timedelta(days=1, hours=2)) == "1 day"
    assert length_label(timedelta(weeks=4)) == "28 days"
