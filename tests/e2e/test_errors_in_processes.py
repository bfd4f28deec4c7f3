"""Slack's errors as the real processes meet them: a `tick` waits out a 429's Retry-After
without using an attempt, and `serve`, posting a digest at once, lets it die on a missing
channel and shows that in the preview. Each tick's clock is its `--now`. The rest of the
error handling, with the same messenger and fake Slack in-process, is in
tests/integration/test_slack_errors.py."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from bot.model import DeliveryKind, DeliveryStatus
from testkit.database import deliveries, follow_up
from testkit.slack_driver import blocks_text
from tests.conftest import on_one_database
from tests.steps import a_group, dms_with, retries_undisturbed

pytestmark = on_one_database("sqlite")

ALICE, COACH, CHANNEL = "UALICE", "UCOACH", "CGROUP"
ADVICE = "Summarise before challenging"


def tick(bot, instant: datetime, seconds: float = 0) -> None:
    result = bot.tick((instant + timedelta(seconds=seconds)).isoformat())
    assert result.returncode == 0, result.stderr


def asked(fake) -> list[dict]:
    """Every follow-up DM the bot tried to post to Alice, whatever Slack answered."""
    return dms_with(fake, ALICE, "follow_up:applied")


def channel_posts(fake) -> list[str]:
    return [blocks_text(call.args["blocks"]) for call in fake.calls_to("chat.postMessage", channel=CHANNEL)]


@pytest.fixture
def due(ticks, setting_up, fake_slack) -> datetime:
    """When Alice's follow-up is due, with every hour a working hour and nothing else going
    out near it (`retries_undisturbed`). The group is set up in this process; only
    `tick` runs as a process of its own."""
    group = a_group(setting_up, fake_slack)
    assert "Group settings updated" in group.say(COACH, f"setup {retries_undisturbed()}")
    assert "Advice recorded" in group.say(COACH, f"advice <@UALICE> {ADVICE} in 1d")
    due_at = follow_up(ticks).due_at
    tick(ticks, due_at, -60)
    return due_at


def test_rate_limited_follow_up_waits_out_retry_after_without_using_an_attempt(ticks, due, fake_slack):
    fake_slack.fail_next("chat.postMessage", 429, "ratelimited", {"Retry-After": "120"})
    tick(ticks, due)
    assert len(asked(fake_slack)) == 1  # refused with 429

    tick(ticks, due, 60)
    assert len(asked(fake_slack)) == 1

    tick(ticks, due, 121)
    assert len(asked(fake_slack)) == 2
    sent = follow_up(ticks)
    assert sent.status is DeliveryStatus.SENT
    assert sent.attempts == 1  # the rate-limited try did not count


def test_a_tick_waits_out_a_short_retry_after_and_sends_before_it_exits(ticks, due, fake_slack):
    fake_slack.fail_next("chat.postMessage", 429, "ratelimited", {"Retry-After": "1"})
    tick(ticks, due)
    assert len(asked(fake_slack)) == 2  # refused with 429, then sent by the same tick
    sent = follow_up(ticks)
    assert sent.status is DeliveryStatus.SENT
    assert sent.attempts == 1


def test_a_digest_to_a_missing_channel_dies_at_once_and_shows_in_the_preview(bot, group, fake_slack):
    fake_slack.fail_next("chat.postMessage", 200, "channel_not_found")
    assert "Posting the digest" in group.say(COACH, "digest post")
    fake_slack.wait_for("chat.postMessage", channel=CHANNEL)
    deadline = time.monotonic() + 10
    while deliveries(bot, DeliveryKind.DIGEST)[-1].status is not DeliveryStatus.DEAD:
        assert time.monotonic() < deadline, "the digest did not die"
        time.sleep(0.1)

    preview = group.say(COACH, "digest preview")
    assert "Not delivered" in preview and "Could not deliver a digest (channel_not_found)" in preview
    tick(bot, datetime.now().astimezone(), 5 * 60)  # well past any backoff
    assert len(channel_posts(fake_slack)) == 1
