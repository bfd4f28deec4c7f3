"""The digest reads a group in the same few SQL statements whatever its size: none per
therapist, per advice or per client. Real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import event
from sqlmodel import Session

from bot.digest.gather import DigestData, gather
from bot.model import Group
from bot.storage import upgrade
from testkit.database import engine_for
from testkit.history import seeded_group

NOW = datetime(2026, 12, 4, 15, tzinfo=timezone.utc)
WEEKS = 8


@pytest.fixture
def engine(database_url):
    engine = engine_for(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def gathered(engine, group: Group) -> tuple[DigestData, int]:
    """The digest of `group`, and how many SQL statements reading it took."""
    statements = []

    def count(_connection, _cursor, statement: str, *_rest) -> None:
        statements.append(statement)

    with Session(engine) as session:
        event.listen(engine, "before_cursor_execute", count)
        try:
            data = gather(session, group, NOW)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return data, len(statements)


def test_the_digest_of_a_larger_group_takes_no_more_statements(engine):
    with Session(engine, expire_on_commit=False) as session:
        small, large = (seeded_group(session, f"C{size}", size, WEEKS, NOW) for size in (5, 40))
        session.commit()

    (small_digest, small_count), (large_digest, large_count) = gathered(engine, small), gathered(engine, large)

    assert (len(small_digest.members), len(large_digest.members)) == (5, 40)
    assert all(digest.clients and digest.open_loops for digest in (small_digest, large_digest))
    assert small_count == large_count <= 10
