"""A migrated database of each kind for integration tests; the Slack front-end with the core
in this process (tests/in_process.py), for the tests that were end-to-end once; Microsoft's
side of Teams (testkit/microsoft.py), trusted through the CA environment while a module uses
it; and the Teams front-end with the core in this process (tests/in_process_teams.py)."""

from __future__ import annotations

import logging

import pytest

from bot.storage import make_engine, upgrade
from testkit.microsoft import FakeMicrosoft
from testkit.teams_driver import TeamsDriver
from tests.in_process import InProcessBot, InProcessSlack, Tracebacks
from tests.in_process_teams import InProcessTeams
from tests.teams_steps import TeamsGroup, a_teams_group


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def running_without_tracebacks(start):
    """The front-end `start()` makes, running for a test; a traceback in what it logs fails
    the test, as one in `serve`'s log fails the end-to-end tests."""
    errors = Tracebacks()
    logging.getLogger().addHandler(errors)
    running = start()
    try:
        yield running
    finally:
        running.close()
        logging.getLogger().removeHandler(errors)
    assert not errors.records, errors.text()


@pytest.fixture
def bot(database_url, fake_slack):
    """The Slack front-end, in this process."""
    yield from running_without_tracebacks(lambda: InProcessBot(database_url, fake_slack))


@pytest.fixture
def slack(bot, fake_slack) -> InProcessSlack:
    return InProcessSlack(bot, fake_slack)


@pytest.fixture(scope="module")
def microsoft():
    fake = FakeMicrosoft().start()
    with pytest.MonkeyPatch.context() as env:
        for name, value in fake.ca_environment.items():
            env.setenv(name, value)
        yield fake
    fake.stop()


@pytest.fixture
def teams_bot(database_url, microsoft):
    """The Teams front-end, in this process."""
    microsoft.reset()
    yield from running_without_tracebacks(lambda: InProcessTeams(database_url, microsoft))


@pytest.fixture
def teams(teams_bot, microsoft) -> TeamsDriver:
    return TeamsDriver(teams_bot.transport, microsoft)


@pytest.fixture
def teams_group(teams) -> TeamsGroup:
    """A coach in Berlin and two therapists, in New York and Sydney, in the team's channel."""
    return a_teams_group(teams)
