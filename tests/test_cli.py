"""The `supervision-bot` command: configuration errors, `.env`, `db upgrade`, `teams package`,
and the collector while a command loads and works.

Most run `main()` in this process; the installed console script itself is run where only a
process shows it: its exit code and stderr, and `serve` waiting for its database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass

import pytest

from handlers.cli import main
from tests.conftest import run_cli

CONFIGURATION = ("SLACK_", "DATABASE_URL", "TEAMS_")


def environment(**values: str) -> dict[str, str]:
    base = {key: value for key, value in os.environ.items() if not key.startswith(CONFIGURATION)}
    return {**base, **values}


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch, tmp_path, capsys):
    """`supervision-bot ARGUMENTS` run by `main()` in tmp_path, with only `values` of the bot's
    configuration in an environment of its own (what a .env there adds goes with the test)."""
    monkeypatch.chdir(tmp_path)
    unconfigured = environment()

    def run(arguments: list[str], **values: str) -> Ran:
        monkeypatch.setattr(os, "environ", {**unconfigured, **values})
        capsys.readouterr()
        try:
            code = main(arguments)
        except SystemExit as exit:  # argparse's own refusals
            code = int(exit.code or 0)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


def test_serve_with_no_platform_configured_names_the_variables_and_exits_2(tmp_path):
    result = run_cli(["serve"], environment(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"), tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "supervision-bot: neither Slack nor Teams is configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"
        " for Slack, or TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID for Teams (see .env.example)"
    ]


def test_serve_with_part_of_a_platform_configured_names_what_is_missing(cli, tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    for configured, missing in (
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_CLIENT_ID": "1111.2222"}, "SLACK_CLIENT_SECRET"),
        ({"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "s"}, "SLACK_SIGNING_SECRET"),
        ({"TEAMS_CLIENT_ID": "00000000-0000-4000-8000-000000000001"}, "TEAMS_CLIENT_SECRET"),
    ):
        result = cli(["serve"], **database, **configured)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            f"supervision-bot: {missing} is not set; put it in the environment or in .env (see .env.example)"
        ]
    no_tenant = {"TEAMS_CLIENT_ID": "00000000-0000-4000-8000-000000000001", "TEAMS_CLIENT_SECRET": "s"}
    result = cli(["serve"], **database, **no_tenant)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "supervision-bot: TEAMS_TENANT_ID is not set; put it in the environment or in .env (see .env.example),"
        " or for a multi-tenant app registration set TEAMS_ALLOWED_TENANTS (tenant IDs, or * for any)"
    ]


def test_a_bot_token_and_an_oauth_client_id_together_are_refused(cli, tmp_path):
    both = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "s"}
    result = cli(["serve"], DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", SLACK_SIGNING_SECRET="s", **both)
    assert result.returncode == 2
    assert "both SLACK_BOT_TOKEN and SLACK_CLIENT_ID are set" in result.stderr and "Traceback" not in result.stderr


def test_malformed_values_are_named(cli, tmp_path):
    for name, value in (
        ("DATABASE_URL", "mysql://nope"),
        ("DATABASE_URL", "postgresql://u@127.0.0.1:abc/db"),
        ("DATABASE_URL", "sqlite:///"),  # no path: a database in memory, gone with each connection
        ("DATABASE_URL", "sqlite:///:memory:"),
        ("SLACK_BOT_TOKEN", "not-a-token"),
        ("SLACK_API_URL", "slack.com/api"),
        ("CHECKIN_SKIP_AFTER_HOURS", "soon"),
        ("TEAMS_CLIENT_ID", "my-bot"),
    ):
        result = cli(["db", "upgrade"], **{name: value})
        assert result.returncode == 2, name
        assert f"{name} is malformed" in result.stderr and "Traceback" not in result.stderr


def test_dotenv_is_read_and_the_real_environment_wins(cli, tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=mysql://from-dotenv\n")
    from_dotenv = cli(["db", "upgrade"])
    assert from_dotenv.returncode == 2 and "DATABASE_URL is malformed" in from_dotenv.stderr
    real = cli(["db", "upgrade"], DATABASE_URL=f"sqlite:///{tmp_path}/real.sqlite3")
    assert real.returncode == 0, real.stderr
    assert (tmp_path / "real.sqlite3").exists()


def test_db_upgrade_on_each_database(cli, empty_database_url):
    result = cli(["db", "upgrade"], DATABASE_URL=empty_database_url)
    assert result.returncode == 0, result.stderr
    assert "database is up to date" in result.stdout


def test_tick_needs_an_instant_with_an_offset(cli):
    result = cli(["tick", "--now", "2026-12-04T15:00"], SLACK_BOT_TOKEN="xoxb-x")
    assert result.returncode == 2 and "has no offset" in result.stderr


def test_teams_package_writes_the_zip_for_the_configured_app(cli, tmp_path):
    app_id = "0b4f5a3e-7c1d-4e2f-9a8b-6c5d4e3f2a1b"
    result = cli(["teams", "package", "--out", "app.zip"], TEAMS_CLIENT_ID=app_id)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote app.zip for app {app_id}"
    with zipfile.ZipFile(tmp_path / "app.zip") as package:
        manifest = json.loads(package.read("manifest.json"))
    assert manifest["id"] == manifest["bots"][0]["botId"] == app_id


def test_teams_package_without_an_app_id_names_the_variable_and_exits_2(cli, tmp_path):
    result = cli(["teams", "package", "--out", "app.zip"])
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "supervision-bot: TEAMS_CLIENT_ID is not set; put it in the environment or in .env (see .env.example)"
    ]
    assert not (tmp_path / "app.zip").exists()


UNREACHABLE = "postgresql://bot:secret@127.0.0.1:1/db"


def test_an_unreachable_database_is_one_line_naming_database_url(cli):
    for command in (["db", "upgrade"], ["tick"], ["serve"]):
        values = dict(DATABASE_URL=UNREACHABLE, SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s")
        result = cli(command, **values, DATABASE_CONNECT_TIMEOUT="1")
        assert result.returncode == 2, (command, result.stderr)
        [message] = result.stderr.strip().splitlines()[-1:]
        assert message.startswith("supervision-bot: cannot use the database in DATABASE_URL"), result.stderr
        assert "Traceback" not in result.stderr and "secret" not in result.stderr, result.stderr


def test_serve_waits_for_the_database_to_become_reachable(tmp_path, fake_slack):
    import subprocess
    import time

    from tests.conftest import BOT_COMMAND, bot_environment, free_port

    later = tmp_path / "not-yet"  # SQLite cannot open a file in a directory that does not exist
    env = {**bot_environment(f"sqlite:///{later}/bot.sqlite3", fake_slack), "DATABASE_CONNECT_TIMEOUT": "30"}
    log, port = tmp_path / "serve.log", free_port()
    with open(log, "w") as output:
        process = subprocess.Popen(
            [BOT_COMMAND, "serve", "--port", str(port)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60  # starting, then migrating a new file, on a busy machine
        while "waiting for the database" not in log.read_text():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        later.mkdir()
        while not answers(f"http://127.0.0.1:{port}/healthz"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=10)


def answers(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def test_a_corrupt_dotenv_is_one_line_naming_the_file_and_line(cli, tmp_path):
    for content in (b"LOG_LEVEL=INFO\nRETENTION_DAYS=\xff\xfe\n", b"LOG_LEVEL=INFO\nRETENTION_DAYS=3\x000\n"):
        (tmp_path / ".env").write_bytes(content)
        result = cli(["db", "upgrade"])
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines() == [result.stderr.strip()], result.stderr
        assert f"{tmp_path / '.env'}, line 2" in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_a_malformed_log_format_is_named_and_exits_2(cli):
    ran = cli(["db", "upgrade"], LOG_FORMAT="xml")
    assert ran.returncode == 2
    assert ran.stderr.strip() == "supervision-bot: LOG_FORMAT is malformed: it should be one of text, json"


def test_metrics_on_the_port_serve_answers_on_are_refused(tmp_path):
    values = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "METRICS_PORT": "3999"}
    database = f"sqlite:///{tmp_path}/db.sqlite3"
    result = run_cli(["serve", "--port", "3999"], environment(DATABASE_URL=database, **values), tmp_path)
    assert result.returncode == 2
    assert "METRICS_PORT is 3999, the port serve answers on" in result.stderr


COLLECTOR_WHEN_SERVING = """
import gc, sys, uvicorn
import handlers.cli as cli
from handlers.command import run

async def one_pass(core):
    return print("collector on:", gc.isenabled(), "frozen:", gc.get_freeze_count() > 0) or 0

def ready_engine(*arguments):
    print("loading, collector on:", gc.isenabled())
    return ready(*arguments)

ready, cli._ready_engine, cli._one_pass = cli._ready_engine, ready_engine, one_pass
uvicorn.run = lambda *_, **__: print("collector on:", gc.isenabled(), "frozen:", gc.get_freeze_count() > 0)
sys.argv[1:] = sys.argv[2:]
run()
"""


@pytest.mark.parametrize("command", [["tick"], ["serve", "--port", "0"]], ids=["tick", "serve"])
def test_the_collector_is_off_while_the_command_loads_and_on_when_it_works(command, tmp_path, fake_slack):
    """What `run` turns off, loading, each long-running command turns on again before it works
    (a tick's pass, serve's server here made to report and return)."""
    values = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": fake_slack.api_url,
    }
    probe = [sys.executable, "-c", COLLECTOR_WHEN_SERVING, "supervision-bot", *command]
    ran = subprocess.run(probe, env=environment(**values), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    reported = [line for line in ran.stdout.splitlines() if "collector" in line]
    assert reported == ["loading, collector on: False", "collector on: True frozen: True"]
