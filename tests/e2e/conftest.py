"""Fixtures for the tests of the bot's processes.

`setting_up` and `ticks`: what a test needs set up in this process, and `tick` with no `serve`.

One `serve` per database kind, kept running for the tests that need no fresh process:
each such test gets the fake Slack as new, a workspace of its own (so its groups, people
and requests are its own in the shared database), and the server's log from where it began,
which must hold no traceback. A module opts in by naming `one_serve_*` fixtures as its
`bot`, `fake_slack` and `slack`."""

from __future__ import annotations

import itertools
import uuid
from contextlib import ExitStack, contextmanager

import pytest

from testkit.database import fresh_postgres_schema
from testkit.slack_api import FakeSlack
from testkit.slack_driver import SlackDriver
from tests.conftest import BACKENDS, RunningBot, _admin_url, _sqlite_folder
from tests.in_process import InProcessBot, InProcessSlack

_workspaces = itertools.count(1)


@pytest.fixture
def setting_up(database_url, fake_slack) -> InProcessSlack:
    """Slack's side, answered in this process on the test's database: for setting up what a
    test of processes needs, when how it came to be is not what the test is about."""
    in_process = InProcessBot(database_url, fake_slack)
    yield InProcessSlack(in_process, fake_slack)
    in_process.close()


@pytest.fixture
def ticks(database_url, fake_slack, tmp_path) -> RunningBot:
    """The bot's processes without `serve`: only `tick` runs."""
    return RunningBot(database_url, fake_slack, tmp_path)


@pytest.fixture(scope="session", params=BACKENDS)
def one_serve_running(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"one-serve-{request.param}")
    with ExitStack() as cleanup:
        if request.param == "sqlite":
            database_url = f"sqlite:///{cleanup.enter_context(_sqlite_folder(workdir)) / 'bot.sqlite3'}"
        else:
            database_url = cleanup.enter_context(contextmanager(fresh_postgres_schema)(_admin_url()))
        fake = FakeSlack().start()
        cleanup.callback(fake.stop)
        running = RunningBot(database_url, fake, workdir).start()
        cleanup.callback(running.stop)
        yield running, fake
    assert "Traceback" not in running.output(), running.output()


class OneTestsView:
    """The running bot as one test sees it: its log from where the test began."""

    def __init__(self, running: RunningBot):
        self.running = running
        self.url = running.url
        self.environment = running.environment
        self.since = len(running.output())

    def output(self) -> str:
        return self.running.output()[self.since :]


@pytest.fixture
def one_serve_bot(one_serve_running):
    running, fake = one_serve_running
    fake.reset()
    view = OneTestsView(running)
    yield view
    assert "Traceback" not in view.output(), view.output()


@pytest.fixture
def one_serve_fake_slack(one_serve_running, one_serve_bot) -> FakeSlack:
    return one_serve_running[1]


@pytest.fixture
def one_serve_slack(one_serve_bot, one_serve_fake_slack) -> SlackDriver:
    """Slack's side, in a workspace no other test uses."""
    return SlackDriver(one_serve_bot.url, one_serve_fake_slack, team_id=f"T{next(_workspaces)}{uuid.uuid4().hex[:6]}")
