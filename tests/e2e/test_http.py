"""The HTTP surface: health, and Slack's request signing."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

STATUS = urlencode({"team_id": "T0FAKE", "user_id": "UALICE", "channel_id": "CGROUP", "command": "/practice",
                    "text": "status", "response_url": "http://127.0.0.1:9/unused", "trigger_id": "t"})


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
