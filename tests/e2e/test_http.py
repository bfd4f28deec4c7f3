"""The HTTP surface: health, Slack's request signing, and the ack. One `serve` answers
all of them (tests/e2e/conftest.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from testkit.slack_driver import SIGNING_SECRET


@pytest.fixture
def bot(one_serve_bot):
    return one_serve_bot


@pytest.fixture
def fake_slack(one_serve_fake_slack):
    return one_serve_fake_slack


@pytest.fixture
def slack(one_serve_slack):
    return one_serve_slack


STATUS_FIELDS = {
    "team_id": "T0FAKE",
    "user_id": "UALICE",
    "channel_id": "CGROUP",
    "command": "/practice",
    "text": "status",
    "response_url": "http://127.0.0.1:9/unused",
    "trigger_id": "t",
}
STATUS = urlencode(STATUS_FIELDS)


def answered_status(fake, name: str) -> str:
    """A status command whose reply the fake Slack receives, so that it can be awaited."""
    return urlencode({**STATUS_FIELDS, "response_url": fake.response_url(name), "trigger_id": f"t-{name}"})


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


def test_a_correctly_signed_request_is_accepted(slack, fake_slack):
    assert slack.post(answered_status(fake_slack, "signed")).status == 200
    fake_slack.wait_for("response_url", name="signed")


def test_command_is_acked_empty_and_answered_by_response_url(group):
    http, name = group.slack.command("UALICE", group.channel, "status")
    assert http.status == 200 and http.body == ""
    [reply] = group.slack.replies(name)
    assert reply["response_type"] == "ephemeral"


def test_an_oversized_request_is_refused(slack, fake_slack):
    padding = "x" * (300 * 1024)
    assert slack.post(STATUS + "&padding=" + padding).status == 413
    assert fake_slack.calls == []


def post_raw(bot, body: bytes, content_type: str, timestamp: str, signature: str, **more: str) -> int:
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}
    headers.update(more)
    request = urllib.request.Request(f"{bot.url}/slack/events", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def signed(body: bytes, timestamp: str) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()


FORM = "application/x-www-form-urlencoded"
MALFORMED_BODIES = [
    (STATUS.encode(), "application/json"),
    (b"\xff\xfe" + STATUS.encode(), FORM),
    (b"payload=%ZZ%", FORM),
    (b"payload={not json", FORM),
    (b"payload=" + b"%5B" * 5000, FORM),
    (b"[1, 2]", "application/json"),
    # JSON objects, but not shaped as Slack's: Bolt reads these fields before any listener runs
    (b'{"type": "event_callback", "event": "app_home_opened"}', "application/json"),
    (b'{"type": "event_callback", "event": {"type": "app_home_opened", "user": 5}}', "application/json"),
    (b'{"type": "event_callback", "team_id": ["T0FAKE"], "event": {"type": "app_home_opened"}}', "application/json"),
    (b'{"type": "block_actions", "actions": "home:client"}', "application/json"),
    (b'{"type": "block_actions", "actions": []}', "application/json"),
    (b'payload={"type": "view_submission", "team": {"id": "T0FAKE"}, "view": {"callback_id": "objective"}}', FORM),
    (b'payload={"type": "view_submission", "user": {"id": 7}, "view": "objective"}', FORM),
    (STATUS.replace("response_url", "no_response_url").encode(), FORM),
]


def test_unsigned_or_badly_timestamped_requests_are_refused_without_a_traceback(bot, fake_slack):
    now = str(int(time.time()))
    for timestamp in ("abc", "", "1e10", "1700000000.5", f"{now}.5", f" {now}"):
        assert post_raw(bot, STATUS.encode(), FORM, timestamp, signed(STATUS.encode(), timestamp)) == 401, timestamp
    for body, content_type in MALFORMED_BODIES:
        assert post_raw(bot, body, content_type, now, "v0=" + "0" * 64) == 401, body[:60]
    assert fake_slack.calls == []
    # After the test, its fixture checks that its part of the log has no traceback.


def test_signed_but_malformed_requests_are_refused_without_a_traceback(bot, fake_slack):
    now = str(int(time.time()))
    accepted = answered_status(fake_slack, "signed-well-formed").encode()
    assert post_raw(bot, accepted, FORM, now, signed(accepted, now)) == 200  # the check can pass
    fake_slack.wait_for("response_url", name="signed-well-formed")
    for body, content_type in MALFORMED_BODIES:
        assert post_raw(bot, body, content_type, now, signed(body, now)) == 400, body[:60]
    assert post_raw(bot, accepted, FORM, now, signed(accepted, now), Cookie="\xff") == 400  # Bolt cannot read it


def test_form_metadata_nested_deeply_is_refused_with_a_reply(slack, bot):
    view = {"type": "modal", "callback_id": "objective", "private_metadata": "[" * 1400, "blocks": []}
    answer = slack.submit("UALICE", view, {"objective": {"objective": {"type": "plain_text_input", "value": "Pace"}}})
    assert answer.status == 200 and answer.json()["response_action"] == "update"
    assert "no longer matches a group" in json.dumps(answer.json()["view"])
    assert bot.output().count("form metadata") == 1, bot.output()


def test_an_app_home_event_without_a_user_is_ignored(slack, bot, fake_slack):
    event = {
        "team_id": "T0FAKE",
        "api_app_id": "AFAKE",
        "type": "event_callback",
        "event_id": "EvNoUser",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "channel": "DHOME", "tab": "home", "event_ts": str(time.time())},
    }
    assert slack.post(json.dumps(event), "application/json").status == 200
    wait_for_log(bot, "ignored an app_home_opened event without a user")
    assert fake_slack.calls_to("views.publish") == []
    # After the test, its fixture checks that its part of the log has no traceback.


def wait_for_log(bot, text: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in bot.output():
        assert time.monotonic() < deadline, f"{text!r} never logged:\n{bot.output()}"
        time.sleep(0.05)
