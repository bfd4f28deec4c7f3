"""An objective's time against the same length before it: which clients count in each,
judged from intake, and no figure below five clients; the ratings and minutes in its time; and
the weekly progress trend (bot.refinement)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from bot.messages import plain_text
from bot.outcomes import Rating
from bot.refinement import (
    Movements,
    Period,
    compare,
    described,
    length_label,
    objective_period,
    progress_trend,
    result_lines,
    results_in,
)

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


def test_the_results_hold_the_ratings_in_order_and_the_minutes_of_the_objectives_time_only():
    period = Period(SET, CLOSED)
    ratings = [(days(-2), 1), (days(3), 4), (days(10), 2), (days(28), 5)]  # the last: the instant it closed
    practice = [(days(-1), 90), (days(0), 20), (days(27), 15)]

    results = results_in(period, [], ratings, practice)

    assert (results.ratings, results.minutes) == ((4, 2), 35)
    assert [plain_text(spans) for spans in result_lines(results)] == [
        "Weekly progress (1–5): 4 · 2",
        "Practice during it: 35 min",
        "Clients during it (28 days): not shown below 5 clients with an ORS after intake",
        "Clients in as long before it: not shown below 5 clients with an ORS after intake",
    ]
    assert (
        plain_text(result_lines(results_in(period, [], [], []))[0]) == "Weekly progress (1–5): no check-ins during it"
    )


MONDAY = date(2026, 11, 30)  # ISO week 2026-W49


def test_the_trend_is_the_objectives_last_four_weeks_oldest_first_a_missing_one_a_dash():
    by_week = {"2026-W44": 1, "2026-W45": 2, "2026-W47": 3, "2026-W48": 4, "2026-W49": 4}
    assert progress_trend(by_week, date(2026, 10, 28), MONDAY + timedelta(days=3)) == "– → 3 → 4 → 4"
    assert progress_trend(by_week, date(2026, 10, 28), MONDAY, weeks=6) == "1 → 2 → – → 3 → 4 → 4"


def test_this_week_counts_only_once_rated_as_its_check_in_may_be_still_to_come():
    by_week = {"2026-W46": 2, "2026-W47": 3, "2026-W48": 4}
    assert progress_trend(by_week, date(2026, 11, 2), MONDAY) == "– → 2 → 3 → 4"


def test_weeks_before_the_objective_was_set_are_not_its_own():
    assert progress_trend({"2026-W47": 2, "2026-W48": 5}, date(2026, 11, 26), MONDAY) == "5"
    assert progress_trend({"2026-W48": 5}, date(2026, 11, 19), MONDAY) == "– → 5"


def test_an_objective_set_this_week_and_not_yet_rated_has_no_trend():
    assert progress_trend({}, MONDAY, MONDAY + timedelta(days=2)) is None
    assert progress_trend({"2026-W49": 3}, MONDAY, MONDAY + timedelta(days=2)) == "3"


def test_the_trend_spans_a_new_year_by_iso_weeks():
    by_week = {"2026-W52": 2, "2026-W53": 3, "2027-W01": 4}
    assert progress_trend(by_week, date(2026, 12, 1), date(2027, 1, 5)) == "– → 2 → 3 → 4"
