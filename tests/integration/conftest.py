"""A migrated database of each kind for integration tests; the Slack front-end with the core
in this process (tests/in_process.py), for the tests that were end-to-end once; and Microsoft's
side of Teams (testkit/microsoft.py), trusted through the CA environment while a module uses it."""

from __future__ import annotations

import logging

import pytest

from bot.storage import make_engine, upgrade
from testkit.microsoft import FakeMicrosoft
from tests.in_process import InProcessBot, InProcessSlack, Tracebacks


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def bot(database_url, fake_slack):
    """The bot, in this process; a traceback in what it logs fails the test, as one in
    `serve`'s log fails the end-to-end tests."""
    errors = Tracebacks()
    logging.getLogger().addHandler(errors)
    running = InProcessBot(database_url, fake_slack)
    try:
        yield running
    finally:
        running.close()
        logging.getLogger().removeHandler(errors)
    assert not errors.records, errors.text()


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
