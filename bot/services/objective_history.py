"""`objective history`: each of one's objectives in order, how and why it ended, with the weekly
progress ratings, the practice minutes and the clients' outcomes during it against the same
length of time before it. A fixed number of queries however many objectives there are. And the
same results for one objective, with the learning notes written under it, for its review."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.availability import zone_of
from bot.grammar import ObjectiveHistory
from bot.messages import Bold, Command, Line, Message, Section, day_label, line
from bot.model import CheckIn, Group, LearningNote, Objective, ObjectiveStatus, PracticeLog, Score, ScoreKind
from bot.outcomes import Rating, points
from bot.refinement import Results, objective_period, result_lines, results_in
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
    caseload = _caseload(ctx.session, group, me)
    where = zone_of(ctx.session, group, me)
    sections = tuple(
        Section(
            _objective_lines(number, objective, where)
            + result_lines(results_in(period, caseload, ratings, minutes, group.thresholds)),
            heading=f"Objective {number}",
        )
        for number, (objective, period) in enumerate(zip(objectives, periods, strict=True), start=1)
    )
    return Result(reply=Message(summary="Your learning objectives, oldest first", sections=sections))


def review_material(session: Session, objective: Objective, now: datetime) -> tuple[Results, list[LearningNote]]:
    """What the objective's review shows: its results so far, and the learning notes written
    under it (not archived), newest first."""
    group = session.get(Group, objective.group_id)
    period = objective_period(objective.created_at, objective.closed_at, now)
    group_id, therapist = objective.group_id, objective.user_id
    ratings = session.exec(
        select(CheckIn.answered_at, CheckIn.progress)
        .where(CheckIn.group_id == group_id, CheckIn.user_id == therapist, CheckIn.answered_at >= period.start)
        .order_by(CheckIn.answered_at)
    ).all()
    minutes = session.exec(
        select(PracticeLog.logged_at, PracticeLog.minutes).where(
            PracticeLog.group_id == group_id, PracticeLog.user_id == therapist, PracticeLog.logged_at >= period.start
        )
    ).all()
    notes = session.exec(
        select(LearningNote)
        .where(LearningNote.objective_id == objective.id, LearningNote.archived_at.is_(None))
        .order_by(LearningNote.written_at.desc(), LearningNote.id.desc())
    ).all()
    results = results_in(period, _caseload(session, group, therapist), ratings, minutes, group.thresholds)
    return results, list(notes)


def _caseload(session: Session, group: Group, therapist: str) -> list[list[Rating]]:
    """Each client's ORS in the order recorded, in one query."""
    found: dict[str, list[Rating]] = defaultdict(list)
    scores = session.exec(
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
    lines = [
        line(Bold("Objective: "), objective.text),
        line(Bold("Why it has leverage: "), objective.leverage or "not recorded"),
        line(Bold("How progress would show: "), objective.evidence or "not recorded"),
    ]
    if objective.closed_at is None:
        lines.append(line(Bold("Dates: "), f"set {set_on}, still open (review {day_label(objective.review_on)})"))
        lines.append(line(Bold("How it ended: "), "not yet: it is your current objective"))
    else:
        closed_on = day_label(objective.closed_at.astimezone(where))
        lines.append(line(Bold("Dates: "), f"set {set_on}, closed {closed_on}"))
        ended = ENDINGS.get(objective.status, f"refined into objective {number + 1}")
        lines.append(line(Bold("How it ended: "), ended))
        lines.append(line(Bold("Why: "), objective.ended_why or "not recorded"))
    if objective.kept_why:
        lines.append(line(Bold("Why you kept working on it, at its latest review: "), objective.kept_why))
    return tuple(lines)
