"""Whatever Slack sends twice changes things once: a retried slash command, a retried
event, told apart by the request's headers over HTTP. One `serve` answers all of them
(tests/e2e/conftest.py). A double click, and a profile change moving the weekly check-in,
are in tests/integration/test_idempotency.py."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from sqlmodel import Session

from bot.config import load_settings
from bot.model import Person, Platform
from bot.storage import make_engine
from testkit.slack_driver import SlackDriver, user_change

ALICE, BOB, CHANNEL = "UALICE", "UBOB", "CGROUP"
SLACK_RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


@pytest.fixture
def bot(one_serve_bot):
    return one_serve_bot


@pytest.fixture
def fake_slack(one_serve_fake_slack):
    return one_serve_fake_slack


@pytest.fixture
def slack(one_serve_slack):
    return one_serve_slack


def post(slack: SlackDriver, body: str, content_type: str, headers: dict[str, str] | None = None) -> int:
    """A signed request, with extra headers such as Slack's retry headers; its HTTP status."""
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        f"{slack.bot_url}/slack/events",
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": slack.verifier.generate_signature(timestamp=timestamp, body=body),
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def command_body(slack: SlackDriver, user: str, text: str, name: str) -> str:
    return urlencode(
        {
            "team_id": slack.team_id,
            "channel_id": CHANNEL,
            "channel_name": "supervision",
            "user_id": user,
            "command": "/practice",
            "text": text,
            "api_app_id": "AFAKE",
            "response_url": slack.fake.response_url(name),
            "trigger_id": f"trigger-{name}",
        }
    )


def stored_timezone(bot, slack: SlackDriver, user: str) -> str | None:
    engine = make_engine(load_settings(bot.environment).database_url)
    try:
        with Session(engine) as session:
            person = session.get(Person, (Platform.SLACK, slack.team_id, user))
            return person and person.timezone
    finally:
        engine.dispose()


def wait_for_timezone(bot, slack: SlackDriver, user: str, tz: str) -> None:
    deadline = time.monotonic() + 10
    while (stored := stored_timezone(bot, slack, user)) != tz:
        assert time.monotonic() < deadline, f"{user}'s zone is still {stored}, not {tz}"
        time.sleep(0.05)


def test_a_retried_slash_command_is_acknowledged_and_recorded_once(bot, group, slack, fake_slack):
    body = command_body(slack, ALICE, "log 30 watched a session recording", "retried-log")
    assert post(slack, body, "application/x-www-form-urlencoded") == 200
    assert "This week so far: 30 min" in slack.reply_text("retried-log")

    assert post(slack, body, "application/x-www-form-urlencoded", SLACK_RETRY) == 200
    assert "*Practice this week:* 30 min" in group.say(ALICE, "status")
    assert len(fake_slack.calls_to("response_url", name="retried-log")) == 1


def test_a_retried_event_is_processed_once(bot, group, slack, fake_slack):
    team = slack.team_id
    assert post(slack, user_change("EvLondon", ALICE, "Europe/London", team), "application/json") == 200
    wait_for_timezone(bot, slack, ALICE, "Europe/London")
    fake_slack.timezones[ALICE] = "Asia/Tokyo"
    assert post(slack, user_change("EvTokyo", ALICE, "Asia/Tokyo", team), "application/json") == 200
    wait_for_timezone(bot, slack, ALICE, "Asia/Tokyo")

    # Slack retries the first event late: it must not undo the newer change.
    retry = user_change("EvLondon", ALICE, "Europe/London", team)
    assert post(slack, retry, "application/json", SLACK_RETRY) == 200
    # An event sent after the retry has been handled, so the retry would have been too.
    assert post(slack, user_change("EvAfter", BOB, "Europe/Paris", team), "application/json") == 200
    wait_for_timezone(bot, slack, BOB, "Europe/Paris")
    assert stored_timezone(bot, slack, ALICE) == "Asia/Tokyo"
