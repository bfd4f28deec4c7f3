"""The `supervision-bot` command: configuration errors, `.env`, and `db upgrade`."""

from __future__ import annotations

import os

from tests.conftest import run_cli


def environment(**values: str) -> dict[str, str]:
    base = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    return {**base, **values}


def test_serve_without_a_token_names_the_variable_and_exits_2(tmp_path):
    result = run_cli(["serve"], environment(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"), tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "supervision-bot: SLACK_BOT_TOKEN is not set; put it in the environment or in .env (see .env.example)"
    ]


def test_malformed_values_are_named(tmp_path):
    for name, value in (
        ("DATABASE_URL", "mysql://nope"),
        ("SLACK_BOT_TOKEN", "not-a-token"),
        ("SLACK_API_URL", "slack.com/api"),
        ("CHECKIN_SKIP_AFTER_HOURS", "soon"),
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


def test_db_upgrade_on_each_database(database_url, tmp_path):
    result = run_cli(["db", "upgrade"], environment(DATABASE_URL=database_url), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database is up to date" in result.stdout


def test_tick_needs_an_instant_with_an_offset(tmp_path):
    result = run_cli(["tick", "--now", "2026-12-04T15:00"], environment(SLACK_BOT_TOKEN="xoxb-x"), tmp_path)
    assert result.returncode == 2 and "has no offset" in result.stderr
