"""The HTTP surface: health, and Slack's request signing."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

STATUS = urlencode(
    {
        "team_id": "T0FAKE",
        "user_id": "UALICE",
        "channel_id": "CGROUP",
        "command": "/practice",
        "text": "status",
        "response_url": "http://127.0.0.1:9/unused",
        "trigger_id": "t",
    }
)


def test_healthz(bot):
    with urllib.request.urlopen(f"{bot.url}/healthz", timeout=5) as response:
        assert response.status == 200 and response.read() == b'{"ok": true}'


def test_unknown_path_is_not_found(bot):
    try:
        urllib.request.urlopen(f"{bot.url}/admin", timeout=5)
    except urllib.error.HTTPError as error:
        assert error.code == 404
    else:
        raise AssertionError("expected 404")


def test_a_bad_signature_is_refused(slack, fake_slack):
    assert slack.post(STATUS, secret="not-the-signing-secret").status == 401
    assert fake_slack.calls == []


def test_a_stale_timestamp_is_refused(slack, fake_slack):
    six_minutes_ago = int(time.time()) - 6 * 60
    assert slack.post(STATUS, timestamp=six_minutes_ago).status == 401
    assert fake_slack.calls == []


def test_a_correctly_signed_request_is_accepted(slack):
    assert slack.post(STATUS).status == 200


def test_app_home_shows_the_users_own_practice(slack, fake_slack):
    import json

    fake_slack.add_user("UHOME", "Europe/Oslo")
    slack.say("UHOME", "CHOME", "setup")
    slack.say("UHOME", "CHOME", "join")
    slack.say("UHOME", "CHOME", "objective Listen for the client's theory of change")
    event = {
        "token": "unused",
        "team_id": "T0FAKE",
        "api_app_id": "AFAKE",
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": int(time.time()),
        "event": {
            "type": "app_home_opened",
            "user": "UHOME",
            "channel": "DHOME",
            "tab": "home",
            "event_ts": str(time.time()),
        },
        "authorizations": [{"team_id": "T0FAKE", "user_id": "UBOT", "is_bot": True}],
    }
    assert slack.post(json.dumps(event), "application/json").status == 200
    [published] = fake_slack.wait_for("views.publish")
    assert published.args["user_id"] == "UHOME"
    home_text = json.dumps(published.args["view"])
    assert "theory of change" in home_text and "You coach this group" in home_text


def test_an_oversized_request_is_refused(slack, fake_slack):
    padding = "x" * (300 * 1024)
    assert slack.post(STATUS + "&padding=" + padding).status == 413
    assert fake_slack.calls == []
