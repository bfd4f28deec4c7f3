"""What an operator watches, from the real `serve` over HTTP: GET /metrics after a run, its
counters against what the fake Slack recorded and its labels bounded; METRICS off, on the main
port, or on a port of its own; and the JSON log, a line per request and per delivery with the
tenant, platform, kind and outcome, nothing personal at INFO or above though DEBUG shows it.

The run: a group set up, commands, the Home tab opened and a button pressed on it, a request
with a forged signature, and a digest posted that Slack first answers 429 (Retry-After 1 s), so
that `serve`'s own timer sends it again. SQLite only: the database is not what these show
(tests/integration/test_measurements.py counts the same on both)."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.measurements import Job, Outcome
from bot.model import DeliveryKind
from handlers.slack.endpoint import KINDS as SLACK_KINDS
from handlers.teams.endpoint import KINDS as TEAMS_KINDS
from testkit.slack_api import FakeSlack
from testkit.slack_driver import SlackDriver
from tests.conftest import RunningBot, _sqlite_folder, free_port, on_one_database
from tests.steps import retries_undisturbed

COACH, ALICE, CHANNEL = "UCOACH", "UALICE", "CGROUP"
OBJECTIVE = "Hold the silence after a hard question"
ADVICE = "Name the rupture out loud"
CLIENT = "C12"
COMMANDS = [
    (COACH, f"setup {retries_undisturbed()}"),
    (ALICE, "join"),
    (ALICE, f"objective {OBJECTIVE}"),
    (COACH, f"advice <@{ALICE}> {ADVICE} client {CLIENT} in 14d"),
    (COACH, "digest post"),
]
PERSONAL = [OBJECTIVE, CLIENT, ALICE, COACH]  # each of which DEBUG shows (what Slack is sent)

# Every label a sample may carry, and the values each may take: bounded enums, never an id or a text.
REQUEST_KINDS = {"command", "other", "unknown", *SLACK_KINDS.values(), *TEAMS_KINDS.values()}
ALLOWED_LABELS = {
    "platform": {"slack", "teams", "unknown"},
    "kind": REQUEST_KINDS | {kind.value for kind in DeliveryKind},
    "status": {outcome.value for outcome in Outcome},
    "job": {job.value for job in Job},
    "error": {"unavailable", "conflict", "other"},
    "code": {str(code) for code in range(100, 600)},
}


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def samples(page: str) -> list:
    return [sample for family in text_string_to_metric_families(page) for sample in family.samples]


def value(page: str, name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include `labels`."""
    return sum(s.value for s in samples(page) if s.name == name and labels.items() <= s.labels.items())


@dataclass
class Run:
    bot: RunningBot
    fake: FakeSlack
    team_id: str
    metrics: str  # the page scraped once the digest was sent
    lines: list[dict]  # the log, a JSON object a line


@pytest.fixture(scope="module")
def run(tmp_path_factory, _migrated_sqlite) -> Run:
    workdir = tmp_path_factory.mktemp("operations")
    fake = FakeSlack().start()
    with _sqlite_folder(workdir) as folder:
        shutil.copyfile(_migrated_sqlite, folder / "bot.sqlite3")
        bot = RunningBot(f"sqlite:///{folder / 'bot.sqlite3'}", fake, workdir)
        bot.environment.update(METRICS="1", LOG_FORMAT="json", LOG_LEVEL="DEBUG")
        bot.start()
        try:
            yield _a_run(bot, fake)
        finally:
            bot.stop()
            fake.stop()


def _a_run(bot: RunningBot, fake: FakeSlack) -> Run:
    slack = SlackDriver(bot.url, fake)
    fake.add_user(COACH, "Europe/Berlin")
    fake.add_user(ALICE, "America/New_York")
    for user, command in COMMANDS[:-1]:
        slack.say(user, CHANNEL, command)
    assert slack.open_home(COACH).status == 200
    home = fake.wait_for("views.publish", user_id=COACH)[-1].args["view"]
    assert slack.press_on_home(COACH, home, "home:digest_preview").status == 200
    fake.wait_for("chat.postMessage", channel=COACH)  # the preview, from the Home tab: a direct message
    assert slack.post(urlencode({"command": "/practice", "text": "status"}), secret="forged").status == 401
    fake.fail_next("chat.postMessage", 429, "ratelimited", {"Retry-After": "1"})
    user, command = COMMANDS[-1]
    assert "Posting the digest" in slack.say(user, CHANNEL, command)

    # Sent by serve's timer once the Retry-After has passed: counted first, then logged.
    assert bot.logged('"message": "delivery sent"', timeout=30)
    page = get(f"{bot.url}/metrics")[1]
    lines = [json.loads(line) for line in bot.output().splitlines() if line.strip()]
    return Run(bot, fake, slack.team_id, page, lines)


def test_the_counters_match_what_the_fake_slack_recorded(run):
    posts = run.fake.calls_to("chat.postMessage", channel=CHANNEL)  # only the digest goes to the channel
    assert [post.answer["ok"] for post in posts] == [False, True]
    digest = {"platform": "slack", "kind": "digest"}
    assert value(run.metrics, "supervision_bot_deliveries_total", **digest, status="sent") == 1
    assert value(run.metrics, "supervision_bot_deliveries_total", **digest, status="rate_limited") == 1
    assert value(run.metrics, "supervision_bot_deliveries_total") == len(posts)  # nothing else was due
    assert value(run.metrics, "supervision_bot_send_seconds_count", **digest) == len(posts)
    assert value(run.metrics, "supervision_bot_prepare_seconds_count", kind="digest") == len(posts)
    assert value(run.metrics, "supervision_bot_job_seconds_count", job="plan") >= 1

    slack = {"platform": "slack"}
    commands = value(run.metrics, "supervision_bot_requests_total", **slack, kind="command", code="200")
    assert commands == len(COMMANDS)
    assert value(run.metrics, "supervision_bot_requests_total", **slack, kind="event", code="200") == 1
    assert value(run.metrics, "supervision_bot_requests_total", **slack, kind="action", code="200") == 1
    assert value(run.metrics, "supervision_bot_requests_total", **slack, kind="unknown", code="401") == 1
    requests = len(COMMANDS) + 3
    assert value(run.metrics, "supervision_bot_ack_seconds_count", **slack) == requests
    assert value(run.metrics, "supervision_bot_ack_seconds_bucket", **slack, le="3.0") == requests  # within 3 s
    assert value(run.metrics, "process_cpu_seconds_total") > 0


def test_no_label_carries_an_id_or_a_text(run):
    found = samples(run.metrics)
    assert {s.name for s in found} >= {"supervision_bot_requests_total", "supervision_bot_deliveries_total"}
    labels = {(name, label) for s in found for name, label in s.labels.items() if name != "le"}
    names = {name for name, _ in labels}
    assert set(ALLOWED_LABELS) - {"error"} <= names <= set(ALLOWED_LABELS)  # no database error in this run
    assert {(name, label) for name, label in labels if label not in ALLOWED_LABELS[name]} == set()
    ids = {run.team_id, COACH, ALICE, CHANNEL, CLIENT}
    assert not [s for s in found for label in s.labels.values() if label in ids]


def test_the_log_has_a_line_for_each_request_with_its_tenant_platform_kind_and_outcome(run):
    requests = [line for line in run.lines if line["message"].startswith("request ")]
    signed = [line for line in requests if line["status"] == 200]
    assert len(signed) == len(COMMANDS) + 2
    assert {line["kind"] for line in signed} == {"command", "event", "action"}
    assert {(line["platform"], line["tenant"], line["outcome"]) for line in signed} == {("slack", run.team_id, "ok")}
    [forged] = [line for line in requests if line["status"] == 401]
    assert (forged["kind"], forged["tenant"], forged["outcome"], forged["level"]) == (
        "unknown",
        None,
        "refused",
        "INFO",
    )
    assert all(line["ms"] >= 0 for line in requests)


def test_the_log_has_a_line_for_each_attempt_at_a_delivery(run):
    deliveries = [line for line in run.lines if line["message"].startswith("delivery ")]
    assert [(line["outcome"], line["level"]) for line in deliveries] == [("rate_limited", "WARNING"), ("sent", "INFO")]
    assert {(line["platform"], line["tenant"], line["kind"]) for line in deliveries} == {
        ("slack", run.team_id, "digest")
    }
    assert deliveries[0]["reason"] == "ratelimited"


def test_nothing_personal_is_logged_at_info_or_above_though_debug_shows_it(run):
    def written(lines: list[dict]) -> set[str]:
        text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
        return {personal for personal in PERSONAL if personal in text}

    debug = [line for line in run.lines if line["level"] == "DEBUG"]
    assert written(debug) == set(PERSONAL)  # the check sees personal text where it is
    assert written([line for line in run.lines if line["level"] != "DEBUG"]) == set()


def test_metrics_are_not_served_unless_asked(one_serve_bot, one_serve_slack):
    one_serve_slack.say("UOFF", "COFF", "help")
    assert get(f"{one_serve_bot.url}/metrics")[0] == 404


@on_one_database("sqlite")
def test_metrics_port_serves_them_there_and_not_on_the_main_port(database_url, fake_slack, tmp_path):
    bot = RunningBot(database_url, fake_slack, tmp_path)
    port = free_port()
    bot.environment.update(METRICS_PORT=str(port))
    bot.start()
    try:
        SlackDriver(bot.url, fake_slack).say("UPORT", "CPORT", "help")
        assert get(f"http://127.0.0.1:{port}/metrics")[0] == 200

        def counted() -> float:  # once the answer is out, which the client may see first
            page = get(f"http://127.0.0.1:{port}/metrics")[1]
            return value(page, "supervision_bot_requests_total", platform="slack", kind="command", code="200")

        assert bot.logged("kind=command")  # counted first, then logged
        assert counted() == 1
        assert get(f"{bot.url}/metrics")[0] == 404
    finally:
        bot.stop()
    assert "Traceback" not in bot.output()
