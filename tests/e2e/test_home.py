"""The App Home over signed HTTP, as Slack opens it: `app_home_opened` → `views.publish` with
the therapist's Home and its practice chart and, for the coach, the group's table and chart; a
posted digest with its charts in its thread; and, with PUBLIC_URL, the charts behind signed
links to the bot's own server. A `serve` of its own each, since the user's Home is published
again after each of their changes, on work the request set going."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import Session

from bot.chart_links import KEY_NAME, signature
from bot.model import SigningKey
from testkit.database import engine_for
from testkit.slack_driver import SlackDriver, blocks_text
from tests.conftest import RunningBot, on_one_database
from tests.pictures import decoded_png
from tests.unit.test_home_view import within_slacks_limits

pytestmark = on_one_database("sqlite")


def home_opened(slack: SlackDriver, user: str) -> dict:
    return {
        "token": "unused",
        "team_id": slack.team_id,
        "api_app_id": "AFAKE",
        "type": "event_callback",
        "event_id": f"Ev{time.monotonic_ns()}",
        "event_time": int(time.time()),
        "event": {
            "type": "app_home_opened",
            "user": user,
            "channel": "DHOME",
            "tab": "home",
            "event_ts": str(time.time()),
        },
        "authorizations": [{"team_id": slack.team_id, "user_id": "UBOT", "is_bot": True}],
    }


def images_in(view: dict) -> list[dict]:
    return [block for block in view["blocks"] if block["type"] == "image"]


def a_coach_who_practises(slack: SlackDriver, fake_slack) -> None:
    fake_slack.add_user("UHOME", "Europe/Oslo")
    slack.say("UHOME", "CHOME", "setup")
    slack.say("UHOME", "CHOME", "join")
    slack.say("UHOME", "CHOME", "objective Listen for the client's theory of change")
    slack.say("UHOME", "CHOME", "log 30 reviewed a session recording")


def test_app_home_shows_the_therapists_home_with_its_chart_and_the_coachs_group_table(slack, fake_slack):
    a_coach_who_practises(slack, fake_slack)
    # Published again after the commands (each changed something), the last with the minutes logged.
    fake_slack.wait_for("views.publish", where=lambda args: "(30 in all)" in json.dumps(args))
    fake_slack.still_processing(1)  # Slack has not finished with the pictures' files yet
    before = len(fake_slack.calls_to("views.publish"))

    assert slack.post(json.dumps(home_opened(slack, "UHOME")), "application/json").status == 200

    refused, meanwhile, shown = fake_slack.wait_for("views.publish", before + 3)[before:]
    assert refused.answer["error"] == "invalid_blocks" and images_in(refused.args["view"])
    assert not images_in(meanwhile.args["view"]) and ":bar_chart: Practice minutes in each" in json.dumps(
        meanwhile.args
    )
    assert shown.answer["ok"] and shown.args["hash"] == meanwhile.answer["view"]["hash"]  # never over a newer Home
    view = shown.args["view"]
    home_text = blocks_text(view["blocks"])
    assert within_slacks_limits(view)
    assert "theory of change" in home_text and "This week's check-in" in home_text and "Practice minutes" in home_text
    assert "The group you coach" in home_text and "<@UHOME>: Listen for the client's theory of change" in home_text
    assert "home:digest_preview" in json.dumps(view)
    practice, participation = images_in(view)
    assert "(30 in all). By kind: recording review 30." in practice["alt_text"]
    assert "Checked in: " in participation["alt_text"] and "(30 in all)" in participation["alt_text"]
    for image in (practice, participation):
        decoded_png(fake_slack.uploads[image["slack_file"]["id"]])
    uploaded = [fake_slack.uploads[call.answer["files"][0]["id"]] for call in _completed(fake_slack)]
    assert len(uploaded) == len(set(uploaded))  # a chart drawn again is not uploaded again


def test_a_posted_digest_has_the_groups_charts_in_its_thread(slack, fake_slack):
    a_coach_who_practises(slack, fake_slack)

    assert "Posting the digest" in slack.say("UHOME", "CHOME", "digest post")

    digest = fake_slack.wait_for("chat.postMessage", channel="CHOME", where=lambda a: "Practice digest" in a["text"])[0]
    [upload] = fake_slack.wait_for("files.completeUploadExternal", channel_id="CHOME")
    assert upload.args["thread_ts"] == digest.answer["ts"]
    asked = {call.answer["file_id"]: call.args for call in fake_slack.calls_to("files.getUploadURLExternal")}
    weeks, change = ((asked[item["id"]], fake_slack.uploads[item["id"]]) for item in upload.args["files"])
    assert weeks[0]["filename"] == "group-practice.png" and "Practice minutes: " in weeks[0]["alt_txt"]
    assert change[0]["filename"] == "group-change.png" and "Clients' change since intake" in change[0]["alt_txt"]
    for _, png in (weeks, change):
        decoded_png(png)
    assert "bar_chart" not in json.dumps(digest.args["blocks"])  # the alt text is the files', not the message's


def _completed(fake_slack) -> list:
    return fake_slack.calls_to("files.completeUploadExternal", where=lambda args: "channel_id" not in args)


@pytest.fixture
def served_with_a_public_url(database_url, fake_slack, tmp_path):
    running = RunningBot(database_url, fake_slack, tmp_path)
    running.environment["PUBLIC_URL"] = running.url
    yield running.start()
    running.stop()
    assert "Traceback" not in running.output(), running.output()


def test_with_a_public_url_home_shows_charts_by_signed_links_that_refuse_tampering_and_expiry(
    served_with_a_public_url, fake_slack, database_url
):
    slack = SlackDriver(served_with_a_public_url.url, fake_slack)
    a_coach_who_practises(slack, fake_slack)
    published = fake_slack.wait_for("views.publish", where=lambda args: len(images_in(args["view"])) == 2)[-1]
    link = images_in(published.args["view"])[0]["image_url"]
    assert link.startswith(f"{served_with_a_public_url.url}/charts/") and not _completed(fake_slack)

    with urllib.request.urlopen(link, timeout=5) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "image/png"
        decoded_png(response.read())

    url = urlparse(link)
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    chart_id = url.path.removeprefix("/charts/").removesuffix(".png")
    later = int(query["expires"]) + 3600
    assert _status(f"{url.path}?expires={later}&signature={query['signature']}", served_with_a_public_url) == 403
    assert _status(f"{url.path}?expires={query['expires']}&signature={'0' * 64}", served_with_a_public_url) == 403
    engine = engine_for(database_url)
    with Session(engine) as session:
        key = session.get(SigningKey, KEY_NAME).secret
    engine.dispose()
    past = int((datetime.now(timezone.utc) - timedelta(minutes=1)).timestamp())
    expired = f"{url.path}?expires={past}&signature={signature(key, chart_id, past)}"
    assert _status(expired, served_with_a_public_url) == 403  # signed rightly, but expired
    assert _status(f"{url.path}?{url.query}", served_with_a_public_url) == 200  # the checks above could pass


def _status(path: str, running: RunningBot) -> int:
    try:
        with urllib.request.urlopen(f"{running.url}{path}", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
