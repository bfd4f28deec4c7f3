"""The `supervision-bot` command: configuration errors, `.env`, `db upgrade` and `teams package`."""

from __future__ import annotations

import json
import os
import zipfile

from tests.conftest import run_cli


def environment(**values: str) -> dict[str, str]:
    base = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL", "TEAMS_"))}
    return {**base, **values}


def test_serve_with_no_platform_configured_names_the_variables_and_exits_2(tmp_path):
    result = run_cli(["serve"], environment(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"), tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "supervision-bot: neither Slack nor Teams is configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"
        " for Slack, or TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID for Teams (see .env.example)"
    ]


def test_serve_with_part_of_a_platform_configured_names_what_is_missing(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    for configured, missing in (
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"TEAMS_CLIENT_ID": "00000000-0000-4000-8000-000000000001"}, "TEAMS_CLIENT_SECRET"),
        ({"TEAMS_CLIENT_ID": "00000000-0000-4000-8000-000000000001", "TEAMS_CLIENT_SECRET": "s"}, "TEAMS_TENANT_ID"),
    ):
        result = run_cli(["serve"], environment(**database, **configured), tmp_path)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            f"supervision-bot: {missing} is not set; put it in the environment or in .env (see .env.example)"
        ]


def test_malformed_values_are_named(tmp_path):
    for name, value in (
        ("DATABASE_URL", "mysql://nope"),
        ("DATABASE_URL", "postgresql://u@127.0.0.1:abc/db"),
        ("SLACK_BOT_TOKEN", "not-a-token"),
        ("SLACK_API_URL", "slack.com/api"),
        ("CHECKIN_SKIP_AFTER_HOURS", "soon"),
        ("TEAMS_CLIENT_ID", "my-bot"),
    ):
        result = run_cli(["db", "upgrade"], environment(**{name: value}), tmp_path)
        assert result.returncode == 2, name
        assert f"{name} is malformed" in result.stderr and "Traceback" not in result.stderr


def test_dotenv_is_read_and_the_real_environment_wins(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=mysql://from-dotenv\n")
    from_dotenv = run_cli(["db", "upgrade"], environment(), tmp_path)
    assert from_dotenv.returncode == 2 and "DATABASE_URL is malformed" in from_dotenv.stderr
    real = run_cli(["db", "upgrade"], environment(DATABASE_URL=f"sqlite:///{tmp_path}/real.sqlite3"), tmp_path)
    assert real.returncode == 0, real.stderr
    assert (tmp_path / "real.sqlite3").exists()


def test_db_upgrade_on_each_database(empty_database_url, tmp_path):
    result = run_cli(["db", "upgrade"], environment(DATABASE_URL=empty_database_url), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database is up to date" in result.stdout


def test_tick_needs_an_instant_with_an_offset(tmp_path):
    result = run_cli(["tick", "--now", "2026-12-04T15:00"], environment(SLACK_BOT_TOKEN="xoxb-x"), tmp_path)
    assert result.returncode == 2 and "has no offset" in result.stderr


def test_teams_package_writes_the_zip_for_the_configured_app(tmp_path):
    app_id = "0b4f5a3e-7c1d-4e2f-9a8b-6c5d4e3f2a1b"
    result = run_cli(["teams", "package", "--out", "app.zip"], environment(TEAMS_CLIENT_ID=app_id), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote app.zip for app {app_id}"
    with zipfile.ZipFile(tmp_path / "app.zip") as package:
        manifest = json.loads(package.read("manifest.json"))
    assert manifest["id"] == manifest["bots"][0]["botId"] == app_id


def test_teams_package_without_an_app_id_names_the_variable_and_exits_2(tmp_path):
    result = run_cli(["teams", "package", "--out", "app.zip"], environment(), tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "supervision-bot: TEAMS_CLIENT_ID is not set; put it in the environment or in .env (see .env.example)"
    ]
    assert not (tmp_path / "app.zip").exists()


UNREACHABLE = "postgresql://bot:secret@127.0.0.1:1/db"


def test_an_unreachable_database_is_one_line_naming_database_url(tmp_path):
    for command in (["db", "upgrade"], ["tick"], ["serve"]):
        values = dict(DATABASE_URL=UNREACHABLE, SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s")
        result = run_cli(command, environment(**values, DATABASE_CONNECT_TIMEOUT="1"), tmp_path)
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
        deadline = time.monotonic() + 20
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


def test_a_corrupt_dotenv_is_one_line_naming_the_file_and_line(tmp_path):
    for content in (b"LOG_LEVEL=INFO\nRETENTION_DAYS=\xff\xfe\n", b"LOG_LEVEL=INFO\nRETENTION_DAYS=3\x000\n"):
        (tmp_path / ".env").write_bytes(content)
        result = run_cli(["db", "upgrade"], environment(), tmp_path)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines() == [result.stderr.strip()], result.stderr
        assert f"{tmp_path / '.env'}, line 2" in result.stderr and "Traceback" not in result.stderr, result.stderr
