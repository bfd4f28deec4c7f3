"""One `serve` per database kind, kept running for the tests that need no fresh process:
each such test gets the fake Slack as new, a workspace of its own (so its groups, people
and requests are its own in the shared database), and the server's log from where it began,
which must hold no traceback. A module opts in by naming `one_serve_*` fixtures as its
`bot`, `fake_slack` and `slack`."""

from __future__ import annotations

import itertools
import os
import uuid

import pytest

from testkit.slack_api import FakeSlack
from testkit.slack_driver import SlackDriver
from tests.conftest import BACKENDS, RunningBot, _fresh_postgres_database

_workspaces = itertools.count(1)


@pytest.fixture(scope="session", params=BACKENDS)
def one_serve_running(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"one-serve-{request.param}")
    if request.param == "sqlite":
        databases = iter([f"sqlite:///{workdir / 'bot.sqlite3'}"])
    else:
        admin_url = os.environ.get("TEST_DATABASE_URL")
        if not admin_url:
            pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (CI always sets it)")
        databases = _fresh_postgres_database(admin_url)
    database_url = next(databases)
    fake = FakeSlack().start()
    running = RunningBot(database_url, fake, workdir).start()
    yield running, fake
    running.stop()
    fake.stop()
    next(databases, None)  # drops a PostgreSQL database
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
