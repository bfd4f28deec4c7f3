"""A SQLite file that is read-only for a while, then writable again, under a real `serve`.

The tests run as root, and root writes read-only files anyway, so the server runs as
`nobody`, in a directory of its own."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.model import Platform
from bot.services import Caller
from testkit.slack_api import TEAM_ID
from testkit.slack_driver import SlackDriver
from tests.conftest import BOT_COMMAND, bot_environment, free_port
from tests.core_harness import CoreHarness

COACH, ALICE, CHANNEL = "UCOACH", "UALICE", "CGROUP"
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
CANNOT_SAVE = "I can't save right now; nothing was saved."


@pytest.fixture
def nobodys_directory():
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv, to run the server as nobody")
    directory = Path(tempfile.mkdtemp(prefix="sb-nobody-"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory)


def a_group_in(database: Path) -> None:
    """A coach and a therapist who has logged practice, written before the server starts."""
    harness = CoreHarness(f"sqlite:///{database}", datetime.now(timezone.utc), {COACH: "UTC", ALICE: "UTC"})
    for user, text in ((COACH, "setup"), (ALICE, "join"), (ALICE, "log 20 role play")):
        asyncio.run(harness.core.command(Caller(Platform.SLACK, TEAM_ID, user, CHANNEL), text))
    harness.close()


def health(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_for_health(url: str, process: subprocess.Popen, log: Path, wanted: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if health(url) == wanted:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"/healthz never answered {wanted}:\n{log.read_text()}")


def test_a_read_only_database_is_reported_and_healed_by_itself(nobodys_directory, fake_slack):
    database = nobodys_directory / "bot.sqlite3"
    a_group_in(database)
    # As when the file turns read-only under a running bot: its -wal and -shm files exist, writable.
    held = sqlite3.connect(database)
    held.execute("SELECT count(*) FROM seenrequest").fetchone()
    for path in nobodys_directory.iterdir():
        os.chown(path, 65534, 65534)
    os.chown(nobodys_directory, 65534, 65534)
    database.chmod(0o444)
    fake_slack.add_user(COACH, "UTC")
    fake_slack.add_user(ALICE, "UTC")
    port, log = free_port(), nobodys_directory / "serve.log"
    url = f"http://127.0.0.1:{port}"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [*NOBODY, BOT_COMMAND, "serve", "--port", str(port)],
            env=bot_environment(f"sqlite:///{database}", fake_slack),
            cwd=nobodys_directory,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_health(url, process, log, 503)
        slack = SlackDriver(url, fake_slack)
        assert slack.say(ALICE, CHANNEL, "log 30 role play").startswith(CANNOT_SAVE)
        assert "20" in slack.say(ALICE, CHANNEL, "status")

        database.chmod(0o644)
        wait_for_health(url, process, log, 200)
        replies = [slack.say(ALICE, CHANNEL, f"log {minutes} role play") for minutes in range(1, 19)]
        assert all(reply.startswith("Logged") for reply in replies), replies
    finally:
        process.terminate()
        process.wait(timeout=10)
        held.close()
    output = log.read_text()
    assert "plan skipped: the database cannot be used" in output, output  # the log shows the timers' faults
    assert " ERROR " not in output and "Traceback" not in output, output
