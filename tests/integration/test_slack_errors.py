"""When Slack's Web API says no, as a therapist and a coach meet it: rate limits wait out
Retry-After, server errors and dropped connections back off and finally die, permanent
errors die at once, a refused token holds all sending until it works again, and the coach
sees in the digest what could not be delivered. Each tick's clock is its `--now`.

The real Slack messenger posts to the fake Slack Web API; each tick is a scheduling pass with
a messenger of its own, as a `tick` process has (tests/in_process.py). How the `tick` and
`serve` processes themselves meet Slack's errors is in tests/e2e/test_errors_in_processes.py."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot import deliveries as delivery_steps
from bot.model import DeliveryKind, DeliveryStatus
from bot.ports import Messengers
from bot.scheduling.dispatcher import SOON, Dispatcher
from bot.scheduling.retry import MAX_ATTEMPTS, PAST_RETRY_AFTER
from bot.scheduling.simulation import SimulatedClock
from testkit.database import deliveries, follow_up
from testkit.slack_driver import blocks_text
from tests.conftest import on_one_database
from tests.in_process import PacedTime, slack_messenger
from tests.steps import dms_with, retries_undisturbed

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests

ALICE, COACH, CHANNEL = "UALICE", "UCOACH", "CGROUP"
ADVICE = "Summarise before challenging"


def at(instant: datetime, seconds: float = 0) -> str:
    return (instant + timedelta(seconds=seconds)).isoformat()


def tick(bot, instant: datetime, seconds: float = 0) -> None:
    bot.tick(at(instant, seconds))


def asked(fake) -> list[dict]:
    """Every follow-up DM the bot tried to post to Alice, whatever Slack answered."""
    return dms_with(fake, ALICE, "follow_up:applied")


def channel_posts(fake) -> list[str]:
    return [blocks_text(call.args["blocks"]) for call in fake.calls_to("chat.postMessage", channel=CHANNEL)]


@pytest.fixture
def due(bot, group) -> datetime:
    """When Alice's follow-up is due, with every hour a working hour and nothing else going
    out near it (`retries_undisturbed`); whatever fell due earlier is sent by a tick a minute before."""
    assert "Group settings updated" in group.say(COACH, f"setup {retries_undisturbed()}")
    assert "Advice recorded" in group.say(COACH, f"advice <@UALICE> {ADVICE} in 1d")
    due_at = follow_up(bot).due_at
    tick(bot, due_at, -60)
    return due_at


def not_delivered_in_next_digest(bot, fake, after: datetime) -> str:
    """The weekly digest the coach gets after `after`: its "Not delivered" section."""
    posted = len(channel_posts(fake))
    tick(bot, after, 7 * 24 * 3600)
    digest = "\n".join(channel_posts(fake)[posted:])
    assert "Not delivered" in digest, digest
    return digest.split("Not delivered", 1)[1]


def drain_while_due_soon(bot, instant: datetime) -> list[float]:
    """A pass as `tick` and `serve` drain, on a clock from `instant` that its waits (and the
    messenger's pacing) move on; how long it waited, each time."""
    clock, paced, waited = SimulatedClock(instant), PacedTime(), []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)
        clock.now += timedelta(seconds=seconds)
        paced.now += seconds

    messengers = Messengers([slack_messenger(bot.settings, paced)])
    dispatcher = Dispatcher(
        bot.core.engine, messengers, bot.settings, clock, delivery_steps.prepare, delivery_steps.after_sent, sleep
    )
    asyncio.run(dispatcher.drain_while_due_soon())
    return waited


def test_a_short_retry_after_is_waited_out_and_the_same_pass_sends_again(bot, due, fake_slack):
    fake_slack.fail_next("chat.postMessage", 429, "ratelimited", {"Retry-After": "3"})
    assert drain_while_due_soon(bot, due) == pytest.approx([3.0 + PAST_RETRY_AFTER.total_seconds()], abs=0.01)
    assert len(asked(fake_slack)) == 2
    sent = follow_up(bot)
    assert sent.status is DeliveryStatus.SENT
    assert sent.attempts == 1


def test_after_a_429_what_else_is_claimed_for_the_workspace_waits_with_it_untried(bot, group, due, fake_slack):
    for other in ("Name the feeling first", "Slow the pace"):
        assert "Advice recorded" in group.say(COACH, f"advice <@UALICE> {other} in 1d")
    all_due = max(d.due_at for d in deliveries(bot, DeliveryKind.FOLLOW_UP))
    fake_slack.fail_next("chat.postMessage", 429, "ratelimited", {"Retry-After": "3"})

    assert drain_while_due_soon(bot, all_due) == pytest.approx([3.0 + PAST_RETRY_AFTER.total_seconds()], abs=0.01)
    assert len(asked(fake_slack)) == 4  # the one refused, then each of the three once
    sent = [d for d in deliveries(bot, DeliveryKind.FOLLOW_UP) if not d.is_reminder]
    assert [d.status for d in sent] == [DeliveryStatus.SENT] * 3
    assert sorted(d.last_error or "" for d in sent) == ["", "", "ratelimited"]


def test_a_long_retry_after_is_left_to_a_later_pass(bot, due, fake_slack):
    retry_after = SOON.total_seconds() + 1
    fake_slack.fail_next("chat.postMessage", 429, "ratelimited", {"Retry-After": str(retry_after)})
    assert drain_while_due_soon(bot, due) == []
    assert len(asked(fake_slack)) == 1
    assert follow_up(bot).due_at >= due + timedelta(seconds=retry_after)


def test_rate_limited_without_retry_after_still_backs_off(bot, due, fake_slack):
    fake_slack.fail_next("chat.postMessage", 429, "ratelimited")
    tick(bot, due)
    tick(bot, due, 29)
    assert len(asked(fake_slack)) == 1

    tick(bot, due, 31)
    assert len(asked(fake_slack)) == 2
    assert follow_up(bot).status is DeliveryStatus.SENT


def test_server_errors_back_off_exponentially_then_the_coach_sees_what_died(bot, due, fake_slack):
    for _ in range(MAX_ATTEMPTS):
        fake_slack.fail_next("chat.postMessage", 500, "internal_error")
    tick(bot, due)  # attempt 1 fails: again in 60 s
    tick(bot, due, 59)
    assert len(asked(fake_slack)) == 1
    second = due + timedelta(seconds=61)
    tick(bot, second)  # attempt 2 fails: again in 120 s
    assert len(asked(fake_slack)) == 2
    tick(bot, second, 119)
    assert len(asked(fake_slack)) == 2

    attempt_at, backoff = second + timedelta(seconds=121), 240
    for attempt in range(3, MAX_ATTEMPTS + 1):
        tick(bot, attempt_at)
        assert len(asked(fake_slack)) == attempt
        attempt_at += timedelta(seconds=backoff + 1)
        backoff *= 2
    dead = follow_up(bot)
    assert (dead.status, dead.attempts, dead.last_error) == (DeliveryStatus.DEAD, MAX_ATTEMPTS, "internal_error")

    section = not_delivered_in_next_digest(bot, fake_slack, attempt_at)
    assert "Could not deliver a follow-up to <@UALICE> (internal_error)" in section
    assert len(asked(fake_slack)) == MAX_ATTEMPTS  # dead stays dead


def test_a_dropped_connection_backs_off_and_is_retried(bot, due, fake_slack):
    # Both the request and the HTTP client's own immediate retry are cut off.
    fake_slack.reset_after_accepting("chat.postMessage", times=2)
    tick(bot, due)
    assert len(asked(fake_slack)) == 2
    failed = follow_up(bot)
    assert failed.status is DeliveryStatus.PENDING and failed.last_error.startswith("network")

    tick(bot, due, 59)
    assert len(asked(fake_slack)) == 2
    tick(bot, due, 61)
    assert len(asked(fake_slack)) == 3
    assert follow_up(bot).status is DeliveryStatus.SENT


def test_a_reset_after_slack_accepted_means_the_dm_arrives_twice_not_never(bot, due, fake_slack):
    # Delivery is at least once. The HTTP client itself retries a dropped connection at once,
    # so the repeat comes within the same tick, and is then recorded as sent.
    fake_slack.reset_after_accepting("chat.postMessage")
    tick(bot, due)
    first, second = asked(fake_slack)
    assert blocks_text(first["blocks"]) == blocks_text(second["blocks"])
    assert ADVICE in blocks_text(first["blocks"])
    assert follow_up(bot).status is DeliveryStatus.SENT

    tick(bot, due, 3600)
    assert len(asked(fake_slack)) == 2


@pytest.mark.parametrize("error", ["user_not_found", "account_inactive", "cannot_dm_bot"])
def test_a_permanent_error_kills_the_follow_up_at_once_and_the_coach_is_told(bot, due, fake_slack, error):
    fake_slack.fail_next("chat.postMessage", 200, error)
    tick(bot, due)
    dead = follow_up(bot)
    assert (dead.status, dead.attempts, dead.last_error) == (DeliveryStatus.DEAD, 1, error)

    section = not_delivered_in_next_digest(bot, fake_slack, due)
    assert f"Could not deliver a follow-up to <@UALICE> ({error})" in section
    assert len(asked(fake_slack)) == 1  # never retried


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked"])
def test_a_refused_token_holds_sending_until_it_works_again(bot, due, fake_slack, error):
    fake_slack.fail_next("chat.postMessage", 200, error)
    tick(bot, due)
    checks = len(fake_slack.calls_to("auth.test"))
    posts = len(fake_slack.calls_to("chat.postMessage"))

    tick(bot, due, 30)  # held; the token is checked again after a minute
    assert len(fake_slack.calls_to("auth.test")) == checks

    fake_slack.fail_next("auth.test", 200, error)
    tick(bot, due, 61)
    assert len(fake_slack.calls_to("auth.test")) == checks + 1
    tick(bot, due, 90)
    assert len(fake_slack.calls_to("auth.test")) == checks + 1
    assert len(fake_slack.calls_to("chat.postMessage")) == posts  # nothing sent while held

    tick(bot, due, 122)  # the token works again
    assert len(fake_slack.calls_to("auth.test")) == checks + 2
    assert len(asked(fake_slack)) == 2  # the refused try, then the one that went through
    sent = follow_up(bot)
    assert (sent.status, sent.attempts) == (DeliveryStatus.SENT, 1)

    tick(bot, due, 3600)
    assert len(asked(fake_slack)) == 2


def test_a_failure_in_the_same_pass_as_a_digest_is_reported_by_exactly_one_digest(bot, group, fake_slack):
    group.say(COACH, "setup hours 00:00-24:00 days mon-sun digest sun 12:00 checkin sat 03:00")
    group.say(COACH, f"advice <@UALICE> {ADVICE} in 1d")
    due = follow_up(bot).due_at
    sunday = (due + timedelta(days=(6 - due.weekday()) % 7 or 7)).replace(hour=13, minute=0)
    fake_slack.refuse_posts_to(ALICE, "user_not_found")
    tick(bot, sunday)  # the follow-up fails while this Sunday's digest is being made
    tick(bot, sunday, 7 * 24 * 3600)

    reports = [post for post in channel_posts(fake_slack) if "user_not_found" in post]
    assert len(reports) == 1
