"""When the database cannot be written: users get a clear reply and reads still work, the
bot heals by itself once it can write again, and the health check says which it is.

The faults are real: a SQLite connection in query-only mode or filled to its page limit,
and a PostgreSQL database whose new sessions are read-only. Like a file made read-only,
they stay with every connection opened while they last.
"""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, func, select, text
from sqlmodel import Session

from bot.model import PracticeLog
from bot.scheduling.runner import through_storage_faults
from bot.storage import StorageFault, database_problem, make_engine, transaction, upgrade
from tests.core_harness import CoreHarness

COACH, ALICE = "UCOACH", "UALICE"
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
CANNOT_SAVE = "I can't save right now; nothing was saved."


@pytest.fixture
def harness(database_url):
    made = CoreHarness(database_url, START, {COACH: "Europe/Berlin", ALICE: "Europe/Berlin"})
    yield made
    made.close()


@contextmanager
def read_only(engine, database_url: str):
    """Connections opened from now until the block ends cannot write."""
    if database_url.startswith("sqlite"):

        def query_only(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA query_only = ON")

    else:  # as after ALTER DATABASE … SET default_transaction_read_only = on, for this test's connections only

        def query_only(dbapi_connection, _record):
            dbapi_connection.execute("SET SESSION default_transaction_read_only = on")
            dbapi_connection.commit()

    event.listen(engine, "connect", query_only)
    engine.dispose()  # the fault reaches every connection, as it would over time
    try:
        yield
    finally:
        event.remove(engine, "connect", query_only)


def minutes_logged(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(PracticeLog))


def test_while_the_database_cannot_be_written_users_are_told_and_reads_work(harness, database_url):
    assert harness.say(COACH, "setup").startswith("This channel is now a supervision group")
    assert harness.say(ALICE, "join").startswith("Welcome")
    assert "Logged" in harness.say(ALICE, "log 20 role play")
    assert database_problem(harness.engine) is None
    with read_only(harness.engine, database_url):
        assert harness.say(ALICE, "log 30 role play").startswith(CANNOT_SAVE)
        assert "20" in harness.say(ALICE, "status")
        assert asyncio.run(harness.core.first_time("slack:trigger:while-read-only"))
        assert database_problem(harness.engine) is not None
    assert minutes_logged(harness.engine) == 1
    # Writable again: the connections opened during the fault are not reused.
    assert "Logged" in harness.say(ALICE, "log 30 role play")
    assert minutes_logged(harness.engine) == 2
    assert database_problem(harness.engine) is None


def test_a_full_sqlite_database_is_a_storage_fault(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'full.sqlite3'}")
    upgrade(engine)

    def no_room_to_grow(dbapi_connection, _record):
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", no_room_to_grow)
    engine.dispose()
    insert = text("INSERT INTO seenrequest (key, seen_at) VALUES (:key, '2026-03-02 09:00:00')")
    with pytest.raises(StorageFault):
        for number in range(1000):
            with transaction(engine) as session:
                session.execute(insert, {"key": f"{number:04d}" + "x" * 1000})
    engine.dispose()


def test_the_timers_meet_a_storage_fault_with_one_line_each(harness, database_url, caplog):
    assert harness.say(COACH, "setup").startswith("This channel is now a supervision group")
    assert harness.say(ALICE, "join").startswith("Welcome")  # so the plan pass has something to write
    dispatcher = harness.core.dispatcher
    with read_only(harness.engine, database_url):
        with pytest.raises(StorageFault):  # what the timers meet, unguarded
            asyncio.run(dispatcher.plan())
        caplog.clear()
        for job in (dispatcher.plan, dispatcher.tidy):
            asyncio.run(through_storage_faults(job)())
    skipped = [record for record in caplog.records if "skipped: the database cannot be used" in record.message]
    assert [record.message.split()[0] for record in skipped] == ["plan", "tidy"]
    assert not any(record.exc_info for record in caplog.records)
