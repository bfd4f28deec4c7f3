"""What a group's settings mean for a member: their local day and week, the outcome thresholds."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.availability import zone_of
from bot.model import Group
from bot.services.caller import Context


def today_for(ctx: Context, group: Group, user_id: str) -> date:
    return ctx.now.astimezone(zone_of(ctx.session, group, user_id)).date()


def week_start(ctx: Context, group: Group, user_id: str) -> datetime:
    """Monday 00:00 of the user's current local week."""
    return monday_of(ctx.now, zone_of(ctx.session, group, user_id))


def monday_of(now: datetime, where: ZoneInfo) -> datetime:
    """Monday 00:00 of the week `now` falls in, in the zone `where`."""
    local = now.astimezone(where)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, datetime.min.time(), tzinfo=where)


def outcome_lines_shown(group: Group) -> str:
    """Where the digest shows client-level outcome lines, as `setup outcomes` set it."""
    if group.outcomes_in_channel:
        return "in the channel digest (set outcomes coach to keep them to the coach's preview)"
    return "only in the coach's digest preview; the channel digest shows their counts"
