"""The data each chart shows, read from the tables: a therapist's practice over the last weeks
and the progress ratings on their current objective; the group's check-ins and minutes per
week; and its clients' change since intake, month by month. Each in a fixed number of SQL
statements, whatever the group's size."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.availability import zone_of
from bot.charts import PRACTICE_WEEKS, change_chart, group_practice_chart, practice_chart, weekly
from bot.messages import Image
from bot.model import CheckIn, Client, Group, Member, PracticeLog, Score, ScoreKind
from bot.outcomes import Band, Rating, change_by_month, points
from bot.practice_time import first_week_shown, minutes_per_week, minutes_per_week_by_kind, weeks_start
from bot.services.caller import Context
from bot.services.objectives import active_objective

GROUP_WEEKS = 8
CHANGE_MONTHS = 6


def therapists_practice(ctx: Context, group: Group, therapist: str) -> Image:
    """Their minutes per week by kind over the last PRACTICE_WEEKS weeks in their own zone,
    beside their weekly progress ratings since they set their current objective."""
    where = zone_of(ctx.session, group, therapist)
    today = ctx.now.astimezone(where).date()
    logs = ctx.session.exec(
        select(PracticeLog.logged_at, PracticeLog.kind, PracticeLog.minutes).where(
            PracticeLog.group_id == group.id,
            PracticeLog.user_id == therapist,
            PracticeLog.logged_at >= weeks_start(today, where, PRACTICE_WEEKS),
        )
    ).all()
    by_kind = minutes_per_week_by_kind(logs, today, where, PRACTICE_WEEKS)
    objective = active_objective(ctx, group.id, therapist)
    ratings = (
        ctx.session.exec(
            select(CheckIn.answered_at, CheckIn.progress)
            .where(
                CheckIn.group_id == group.id,
                CheckIn.user_id == therapist,
                CheckIn.answered_at >= objective.created_at,
            )
            .order_by(CheckIn.answered_at)
        ).all()
        if objective
        else []
    )
    progress = tuple((answered.astimezone(where).date(), rating) for answered, rating in ratings)
    return practice_chart(first_week_shown(today, PRACTICE_WEEKS), PRACTICE_WEEKS, weekly(by_kind), progress)


def group_charts(session: Session, group: Group, now: datetime) -> tuple[Image, Image]:
    """What the digest's thread shows of the group: its weeks, and its clients' change by month."""
    return groups_weeks(session, group, now), groups_change(session, group, now)


def groups_weeks(session: Session, group: Group, now: datetime) -> Image:
    """Each of the last GROUP_WEEKS weeks in the group's zone: the members who checked in, the
    members then, and the minutes practised."""
    where = ZoneInfo(group.timezone)
    today = now.astimezone(where).date()
    since = weeks_start(today, where, GROUP_WEEKS)
    first = first_week_shown(today, GROUP_WEEKS)
    check_ins = session.exec(
        select(CheckIn.answered_at, CheckIn.user_id).where(CheckIn.group_id == group.id, CheckIn.answered_at >= since)
    ).all()
    members = session.exec(
        select(Member.joined_at, Member.left_at).where(Member.group_id == group.id, Member.user_id != group.coach_id)
    ).all()
    logs = session.exec(
        select(PracticeLog.logged_at, PracticeLog.minutes).where(
            PracticeLog.group_id == group.id, PracticeLog.logged_at >= since
        )
    ).all()
    weeks = [_week_span(first + timedelta(weeks=n), where) for n in range(GROUP_WEEKS)]
    checked_in = tuple(len({user for at, user in check_ins if start <= at < end}) for start, end in weeks)
    there = tuple(
        sum(1 for joined, left in members if joined < end and (left is None or left >= start)) for start, end in weeks
    )
    minutes = tuple(minutes_per_week(logs, today, where, GROUP_WEEKS))
    return group_practice_chart(first, checked_in, there, minutes)


def _week_span(monday: date, where: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(monday, time(0), tzinfo=where)
    return start, datetime.combine(monday + timedelta(weeks=1), time(0), tzinfo=where)


def groups_change(session: Session, group: Group, now: datetime) -> Image:
    """The group's clients, at the end of each of the last CHANGE_MONTHS months (the group's
    zone) from the month of its first ORS, by their change from intake to their latest ORS by then."""
    where = ZoneInfo(group.timezone)
    today = now.astimezone(where).date()
    bands = {
        (client.therapist_id, client.code): client.band
        for client in session.exec(select(Client).where(Client.group_id == group.id))
    }
    scores = session.exec(
        select(Score)
        .where(Score.group_id == group.id, Score.kind == ScoreKind.ORS)
        .order_by(Score.recorded_at, Score.id)
    )
    ors: dict[tuple[str, str], list[Rating]] = {}
    for score in scores:
        day = score.recorded_at.astimezone(where).date()
        ors.setdefault((score.user_id, score.client_code), []).append(
            Rating(points(score.value), day, score.session, score.intake)
        )
    clients = [(ratings, bands.get(key, Band.ADULT)) for key, ratings in ors.items()]
    first = min((ratings[0].on for ratings, _ in clients), default=today).replace(day=1)
    months = [month for month in _months_ending(today, CHANGE_MONTHS) if month >= first]
    return change_chart(change_by_month(clients, months, group.thresholds))


def _months_ending(today: date, count: int) -> list[date]:
    """The first days of the `count` months ending with today's, oldest first."""
    firsts = [today.replace(day=1)]
    while len(firsts) < count:
        firsts.insert(0, (firsts[0] - timedelta(days=1)).replace(day=1))
    return firsts
