"""A migrated database of each kind for integration tests."""

from __future__ import annotations

import pytest

from bot.storage import make_engine, upgrade


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()
