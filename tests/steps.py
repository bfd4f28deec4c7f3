"""Steps the Slack-side tests share: a group, instants to tick at, finding direct messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from testkit.slack_driver import SlackDriver, buttons


@dataclass
class Group:
    slack: SlackDriver
    channel: str
    coach: str
    therapists: list[str]

    def say(self, user: str, text: str) -> str:
        return self.slack.say(user, self.channel, text)


def a_group(slack: SlackDriver, fake) -> Group:
    """A coach in Berlin and two therapists, in New York and Sydney, in channel CGROUP."""
    coach = fake.add_user("UCOACH", "Europe/Berlin")
    therapists = [fake.add_user("UALICE", "America/New_York"), fake.add_user("UBOB", "Australia/Sydney")]
    created = Group(slack, "CGROUP", coach, therapists)
    assert "now a supervision group" in created.say(coach, "setup")
    for therapist in therapists:
        assert "Welcome" in created.say(therapist, "join")
    return created


def today() -> date:
    return datetime.now(timezone.utc).date()


def weekday_in(days: int) -> str:
    """The weekday `days` from today, as `setup` takes it: "mon"."""
    return (today() + timedelta(days=days)).strftime("%a").lower()


def at(days: int, hour: int, minute: int = 0) -> str:
    """`days` from today at hour:minute UTC."""
    return datetime.combine(today() + timedelta(days=days), time(hour, minute), tzinfo=timezone.utc).isoformat()


def weekday_at(days_ahead: int, hour_utc: int, minute: int = 0) -> str:
    """An instant `days_ahead` days from today (moved on to a weekday) at hour_utc:minute UTC."""
    day = date.today() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour_utc, minute), tzinfo=timezone.utc).isoformat()


def next_weekday(weekday: int, hour_utc: int, weeks_ahead: int = 1) -> datetime:
    """`weekday` (Monday 0) at hour_utc:00 UTC, at least `weeks_ahead` weeks from today."""
    day = date.today() + timedelta(weeks=weeks_ahead)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return datetime.combine(day, time(hour_utc), tzinfo=timezone.utc)


def retries_undisturbed() -> str:
    """`setup` options for a test of retries: every hour of every day a working hour, so that a
    retry never waits for a morning whatever the time the test runs, and the digest and the
    check-ins three days away, so that nothing else goes out near it."""
    away = (datetime.now(timezone.utc) + timedelta(days=3)).strftime("%a").lower()
    return f"digest {away} 12:00 checkin {away} 03:00 hours 00:00-24:00 days mon-sun"


def dms_with(fake, user: str, action: str) -> list[dict]:
    """The direct messages to `user` that carry the button `action`."""
    return [
        c.args for c in fake.calls_to("chat.postMessage", channel=user) if action in buttons(c.args.get("blocks", []))
    ]
