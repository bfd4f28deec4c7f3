"""`objective history`: each of one's objectives in order, with the weekly progress ratings,
the practice minutes and the clients' outcomes during it against the same length of time
before it. A fixed number of queries however many objectives there are."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.availability import zone_of
from bot.grammar import ObjectiveHistory
from bot.messages import Bold, Command, Line, Message, Section, day_label, line
from bot.model import CheckIn, Group, Objective, ObjectiveStatus, PracticeLog, Score, ScoreKind
from bot.outcomes import Rating, points
from bot.refinement import Comparison, Period, compare, described, length_label, objective_period
from bot.services.caller import Context, Result
from bot.services.membership import my_group, require_member

ENDINGS = {ObjectiveStatus.ACHIEVED: "achieved", ObjectiveStatus.DROPPED: "dropped"}


def objective_history(ctx: Context, _command: ObjectiveHistory) -> Result:
    group = my_group(ctx, "objective")
    require_member(ctx, group, "objective")
    me = ctx.caller.user_id
    objectives = ctx.session.exec(
        select(Objective)
        .where(Objective.group_id == group.id, Objective.user_id == me)
        .order_by(Objective.created_at, Objective.id)
    ).all()
    if not objectives:
        return Result(
            reply=Message.text(line("You have no learning objectives yet. Set one with ", Command("objective"), "."))
        )
    periods = [objective_period(o.created_at, o.closed_at, ctx.now) for o in objectives]
    since = min(period.before.start for period in periods)
    ratings = ctx.session.exec(
        select(CheckIn.answered_at, CheckIn.progress)
        .where(CheckIn.group_id == group.id, CheckIn.user_id == me, CheckIn.answered_at >= since)
        .order_by(CheckIn.answered_at)
    ).all()
    minutes = ctx.session.exec(
        select(PracticeLog.logged_at, PracticeLog.minutes).where(
            PracticeLog.group_id == group.id, PracticeLog.user_id == me, PracticeLog.logged_at >= since
        )
    ).all()
    caseload = _caseload(ctx, group, me)
    where = zone_of(ctx.session, group, me)
    sections = tuple(
        Section(
            _objective_lines(number, objective, where)
            + (_rated(period, ratings), _practised(period, minutes))
            + _outcome_lines(compare(period, caseload, group.thresholds)),
            heading=f"Objective {number}",
        )
        for number, (objective, period) in enumerate(zip(objectives, periods, strict=True), start=1)
    )
    return Result(reply=Message(summary="Your learning objectives, oldest first", sections=sections))


def _caseload(ctx: Context, group: Group, therapist: str) -> list[list[Rating]]:
    """Each client's ORS in the order recorded, in one query."""
    found: dict[str, list[Rating]] = defaultdict(list)
    scores = ctx.session.exec(
        select(Score)
        .where(Score.group_id == group.id, Score.user_id == therapist, Score.kind == ScoreKind.ORS)
        .order_by(Score.recorded_at, Score.id)
    )
    for score in scores:
        found[score.client_code].append(
            Rating(points(score.value), score.recorded_at.date(), score.session, score.intake, score.recorded_at)
        )
    return list(found.values())


def _objective_lines(number: int, objective: Objective, where: ZoneInfo) -> tuple[Line, ...]:
    set_on = day_label(objective.created_at.astimezone(where))
    if objective.closed_at is None:
        dates = f"set {set_on}, still open (review {day_label(objective.review_on)})"
        ended = "not yet: it is your current objective"
    else:
        dates = f"set {set_on}, closed {day_label(objective.closed_at.astimezone(where))}"
        ended = ENDINGS.get(objective.status, f"refined into objective {number + 1}")
    return (
        line(Bold("Objective: "), objective.text),
        line(Bold("Why it has leverage: "), objective.leverage or "not recorded"),
        line(Bold("How progress would show: "), objective.evidence or "not recorded"),
        line(Bold("Dates: "), dates),
        line(Bold("How it ended: "), ended),
    )


def _rated(period: Period, ratings: list[tuple[datetime, int]]) -> Line:
    during = [str(progress) for at, progress in ratings if period.holds(at)]
    return line(Bold("Weekly progress (1–5): "), " · ".join(during) if during else "no check-ins during it")


def _practised(period: Period, minutes: list[tuple[datetime, int]]) -> Line:
    return line(Bold("Practice during it: "), f"{sum(m for at, m in minutes if period.holds(at))} min")


def _outcome_lines(compared: Comparison) -> tuple[Line, ...]:
    length = length_label(compared.period.length)
    return (
        line(Bold(f"Clients during it ({length}): "), described(compared.during)),
        line(Bold("Clients in as long before it: "), described(compared.before)),
    )
