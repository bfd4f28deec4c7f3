"""Whatever Slack sends twice changes things once: a retried slash command, a retried
event, a double click on a button. And a profile change moves the weekly check-in to the
person's new time zone."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlencode

from sqlmodel import Session

from bot.config import load_settings
from bot.model import Person
from bot.storage import make_engine
from testkit.slack_api import TEAM_ID
from testkit.slack_driver import SlackDriver, blocks_text
from tests.steps import dms_with, next_weekday, weekday_at

ALICE, COACH, CHANNEL = "UALICE", "UCOACH", "CGROUP"
SLACK_RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


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
            "team_id": TEAM_ID,
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


def user_change(event_id: str, user: str, tz: str) -> str:
    return json.dumps(
        {
            "team_id": TEAM_ID,
            "api_app_id": "AFAKE",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": {
                "type": "user_change",
                "user": {"id": user, "team_id": TEAM_ID, "name": user.lower(), "tz": tz},
                "event_ts": str(time.time()),
            },
            "authorizations": [{"team_id": TEAM_ID, "user_id": "UBOT", "is_bot": True}],
        }
    )


def stored_timezone(bot, user: str) -> str | None:
    engine = make_engine(load_settings(bot.environment).database_url)
    try:
        with Session(engine) as session:
            person = session.get(Person, (TEAM_ID, user))
            return person and person.timezone
    finally:
        engine.dispose()


def wait_for_timezone(bot, user: str, tz: str) -> None:
    deadline = time.monotonic() + 10
    while stored_timezone(bot, user) != tz:
        assert time.monotonic() < deadline, f"{user}'s zone is still {stored_timezone(bot, user)}, not {tz}"
        time.sleep(0.05)


def test_a_retried_slash_command_is_acknowledged_and_recorded_once(bot, group, slack, fake_slack):
    body = command_body(slack, ALICE, "log 30 watched a session recording", "retried-log")
    assert post(slack, body, "application/x-www-form-urlencoded") == 200
    assert "This week so far: 30 min" in slack.reply_text("retried-log")

    assert post(slack, body, "application/x-www-form-urlencoded", SLACK_RETRY) == 200
    assert "*Practice this week:* 30 min" in group.say(ALICE, "status")
    assert len(fake_slack.calls_to("response_url", name="retried-log")) == 1


def test_a_retried_event_is_processed_once(bot, group, slack, fake_slack):
    assert post(slack, user_change("EvLondon", ALICE, "Europe/London"), "application/json") == 200
    wait_for_timezone(bot, ALICE, "Europe/London")
    fake_slack.timezones[ALICE] = "Asia/Tokyo"
    assert post(slack, user_change("EvTokyo", ALICE, "Asia/Tokyo"), "application/json") == 200
    wait_for_timezone(bot, ALICE, "Asia/Tokyo")

    # Slack retries the first event late: it must not undo the newer change.
    retry = user_change("EvLondon", ALICE, "Europe/London")
    assert post(slack, retry, "application/json", SLACK_RETRY) == 200
    time.sleep(1)
    assert stored_timezone(bot, ALICE) == "Asia/Tokyo"


def test_a_new_time_zone_moves_the_weekly_check_in_to_ten_there(bot, group, slack, fake_slack):
    ten_in_tokyo = next_weekday(0, 1)  # Monday 10:00 in Tokyo, Sunday evening in New York
    assert bot.tick((ten_in_tokyo - timedelta(days=2)).isoformat()).returncode == 0  # planned in New York
    fake_slack.timezones[ALICE] = "Asia/Tokyo"
    assert post(slack, user_change("EvMoved", ALICE, "Asia/Tokyo"), "application/json") == 200
    wait_for_timezone(bot, ALICE, "Asia/Tokyo")

    assert bot.tick((ten_in_tokyo - timedelta(minutes=1)).isoformat()).returncode == 0
    assert dms_with(fake_slack, ALICE, "check_in") == []
    assert bot.tick(ten_in_tokyo.isoformat()).returncode == 0
    assert len(dms_with(fake_slack, ALICE, "check_in")) == 1
    ten_in_new_york = ten_in_tokyo + timedelta(hours=15)
    assert bot.tick(ten_in_new_york.isoformat()).returncode == 0
    assert len(dms_with(fake_slack, ALICE, "check_in")) == 1  # not again at the old time


def test_a_double_click_on_not_yet_records_one_answer(bot, group, fake_slack):
    group.say(COACH, "advice <@UALICE> Summarise before challenging in 1d")
    assert bot.tick(weekday_at(3, 16)).returncode == 0
    [dm] = dms_with(fake_slack, ALICE, "follow_up:not_yet")

    start = threading.Barrier(2)
    names: list[str] = []

    def click() -> None:
        start.wait()
        http, name = group.slack.click(ALICE, {**dm, "channel": "DALICE"}, "follow_up:not_yet")
        assert http.status == 200
        names.append(name)

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()

    fake_slack.wait_for("chat.update", channel="DALICE")
    deadline = time.monotonic() + 10
    while not (refused := [c for c in fake_slack.calls_to("response_url") if c.args["name"] in names]):
        assert time.monotonic() < deadline, "neither click was answered"
        time.sleep(0.05)
    time.sleep(0.5)  # time enough for a second update or reply, if there were one
    refused = [c for c in fake_slack.calls_to("response_url") if c.args["name"] in names]
    assert len(refused) == 1 and "already recorded" in blocks_text(refused[0].args["blocks"])
    [update] = fake_slack.calls_to("chat.update", channel="DALICE")
    assert "Not yet: I'll ask again on" in blocks_text(update.args["blocks"])

    assert bot.tick(weekday_at(12, 16)).returncode == 0
    assert len(dms_with(fake_slack, ALICE, "follow_up:not_yet")) == 2


def test_applied_after_answering_is_told_it_is_already_recorded(bot, group, fake_slack):
    group.say(COACH, "advice <@UALICE> Name the rupture in 1d")
    assert bot.tick(weekday_at(3, 16)).returncode == 0
    [dm] = dms_with(fake_slack, ALICE, "follow_up:applied")
    group.slack.click(ALICE, {**dm, "channel": "DALICE"}, "follow_up:not_yet")
    fake_slack.wait_for("chat.update", channel="DALICE")

    _, name = group.slack.click(ALICE, {**dm, "channel": "DALICE"}, "follow_up:applied")
    assert "already recorded" in group.slack.reply_text(name)
    assert fake_slack.calls_to("views.open") == []
