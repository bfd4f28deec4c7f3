"""What happens to due messages when processes die or are stopped: each is sent once.

The twenty follow-ups are set up in this process (tests/in_process.py), on the same
database: how they came to be is not what these tests are about, and only the first needs
a `serve` at all.

A killed worker runs on both kinds of database, since how each lets go of a dead process's
connection differs. The other tests are about a process's life, not its SQL (claiming, taking
back and finishing run on both kinds in tests/integration/test_outbox.py), so each runs on one."""

from __future__ import annotations

import signal
import time
from datetime import datetime, timedelta

from testkit.follow_ups import follow_ups_posted
from testkit.slack_driver import SlackDriver
from tests.conftest import BEST_SHARED, on_one_database
from tests.steps import weekday_at

# Each therapist gets two follow-ups: the second need not wait out Slack's second per person.
FAST = {"SLACK_MESSAGES_PER_SECOND": "200", "SLACK_CHANNEL_INTERVAL_SECONDS": "0.01"}
THERAPISTS = [f"UTHER{n}" for n in range(10)]


def twenty_follow_ups(slack, fake) -> None:
    fake.add_user("UCOACH", "Europe/London")
    slack.say("UCOACH", "CGROUP", "setup hours 00:00-23:59 days mon-sun")
    for therapist in THERAPISTS:
        fake.add_user(therapist, "Europe/London")
        slack.say(therapist, "CGROUP", "join")
        for number in (1, 2):
            slack.say("UCOACH", "CGROUP", f"advice <@{therapist}> Practice number {number} in 1d")


def wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def later(instant: str, **delta) -> str:
    return (datetime.fromisoformat(instant) + timedelta(**delta)).isoformat()


@on_one_database("sqlite")  # the embedded deployment, where a restart is the usual outage
def test_down_across_the_due_time_sends_once_after_restart(bot, setting_up, fake_slack):
    twenty_follow_ups(setting_up, fake_slack)
    bot.stop()
    after_outage = weekday_at(3, 12)
    assert bot.tick(after_outage, **FAST).returncode == 0
    assert bot.tick(later(after_outage, minutes=10), **FAST).returncode == 0
    posted = follow_ups_posted(fake_slack)
    assert len(posted) == 20 and set(posted.values()) == {1}


def test_a_killed_worker_leaves_its_claims_to_another_after_the_lease(ticks, setting_up, fake_slack):
    bot = ticks
    twenty_follow_ups(setting_up, fake_slack)
    due = weekday_at(3, 12)
    fake_slack.hold_posts()
    worker = bot.start_tick(due, **FAST)
    wait_until(lambda: fake_slack.posts_waiting > 0)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    fake_slack.release_posts(answer=False)  # what it was sending never reached Slack

    within_lease = bot.tick(later(due, minutes=2), **FAST)
    assert "handled 0" in within_lease.stdout  # its claims are still leased to the dead worker
    assert bot.tick(later(due, minutes=6), **FAST).returncode == 0
    posted = follow_ups_posted(fake_slack)
    assert len(posted) == 20 and set(posted.values()) == {1}


@on_one_database(BEST_SHARED)  # replicas, where a rolling deployment stops a process mid-batch
def test_sigterm_mid_batch_finishes_or_hands_back_and_exits_0(ticks, setting_up, fake_slack):
    bot = ticks
    twenty_follow_ups(setting_up, fake_slack)
    due = weekday_at(3, 12)
    fake_slack.hold_posts()
    worker = bot.start_tick(due, **FAST)
    wait_until(lambda: fake_slack.posts_waiting > 0)
    worker.send_signal(signal.SIGTERM)
    fake_slack.release_posts()
    _, errors = worker.communicate(timeout=30)
    assert worker.returncode == 0, errors
    sent_by_first = sum(follow_ups_posted(fake_slack).values())
    assert 0 < sent_by_first < 20

    assert bot.tick(due, **FAST).returncode == 0  # handed back, so due again at once
    posted = follow_ups_posted(fake_slack)
    assert len(posted) == 20 and set(posted.values()) == {1}


@on_one_database("sqlite")
def test_serve_asks_slack_who_the_bot_is_once_at_start_up_so_no_ack_waits_on_it(bot, fake_slack):
    assert len(fake_slack.calls_to("auth.test")) == 1  # before any request

    slack = SlackDriver(bot.url, fake_slack)
    for number in range(3):
        http, name = slack.command("UALICE", "CGROUP", "status")
        assert http.status == 200
        fake_slack.wait_for("response_url", name=name)
    assert len(fake_slack.calls_to("auth.test")) == 1
