"""Even at LOG_LEVEL=DEBUG, neither `serve` nor `tick` writes a token or the signing secret
to its log, through a whole session: commands, a form, a tick, a click, a form submitted,
and a request with a bad signature."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest

from testkit.slack_driver import SIGNING_SECRET, SlackDriver, date_input, state, text_input
from tests.conftest import RunningBot, on_one_database
from tests.steps import dms_with, weekday_at

pytestmark = on_one_database("sqlite")

COACH, ALICE, CHANNEL = "UCOACH", "UALICE", "CGROUP"
BOT_TOKEN = "xoxb-1234-5678-SeCrEtBoTtOkEn"
APP_TOKEN = "xapp-1-A0FAKE-9999-SeCrEtApPtOkEn"
ANY_TOKEN = re.compile(r"xox[a-z]-|xapp-")


@pytest.fixture
def debug_bot(database_url, fake_slack, tmp_path):
    running = RunningBot(database_url, fake_slack, tmp_path)
    running.environment.update(LOG_LEVEL="DEBUG", SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN)
    running.start()
    yield running
    running.stop()


def leaks(text: str) -> list[str]:
    secrets = [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, "SeCrEt"]
    return [secret for secret in secrets if secret in text] + ANY_TOKEN.findall(text)


def test_no_token_or_signing_secret_is_logged_at_debug(debug_bot, fake_slack):
    slack = SlackDriver(debug_bot.url, fake_slack)
    fake_slack.add_user(COACH, "Europe/Berlin")
    fake_slack.add_user(ALICE, "America/New_York")
    assert "now a supervision group" in slack.say(COACH, CHANNEL, "setup")
    assert "Welcome" in slack.say(ALICE, CHANNEL, "join")
    slack.command(ALICE, CHANNEL, "objective")
    form = fake_slack.wait_for("views.open")[0].args["view"]
    review_on = (date.today() + timedelta(days=20)).isoformat()
    submitted = slack.submit(ALICE, form, state(objective=text_input("Hold silences"), review_on=date_input(review_on)))
    assert submitted.status == 200 and submitted.body == ""  # saved
    assert "Advice recorded" in slack.say(COACH, CHANNEL, "advice <@UALICE> Name the rupture in 1d")

    tick = debug_bot.tick(weekday_at(3, 16), LOG_LEVEL="DEBUG")
    assert tick.returncode == 0, tick.stderr
    [dm] = dms_with(fake_slack, ALICE, "follow_up:not_yet")
    slack.click(ALICE, {**dm, "channel": "DALICE"}, "follow_up:not_yet")
    fake_slack.wait_for("chat.update", channel="DALICE")
    forged = slack.post(urlencode({"command": "/practice", "text": "status"}), secret="not-the-secret")
    assert forged.status == 401

    # The bot really used its token, and really logged at DEBUG: the scan below means something.
    assert all(call.args["token"] == BOT_TOKEN for call in fake_slack.calls_to("chat.postMessage"))
    serve_log = debug_bot.output()
    tick_log = tick.stdout + tick.stderr
    assert "DEBUG" in serve_log and "DEBUG" in tick_log
    assert leaks(serve_log) == [], leaks(serve_log)
    assert leaks(tick_log) == [], leaks(tick_log)
