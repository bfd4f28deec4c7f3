"""Migration 0013 keeps every existing row: a group whose digest is not on the default day and
time was placed by its coach (`setup digest`), so it is marked so and a meeting set later does not
move it; no group has a meeting yet; and a downgrade drops only what 0013 added."""

from __future__ import annotations

from datetime import time

from sqlalchemy import Time, bindparam, text
from sqlmodel import Session, select

from bot.model import Group
from bot.storage import UTCDateTime, make_engine, upgrade
from tests.integration.test_migration_0003 import table_sizes
from tests.integration.test_migration_0007 import _downgrade
from tests.integration.test_migration_0008 import FIRST, GROUP_COLUMNS, _column_names

ROWS_BEFORE_0013 = [
    f"INSERT INTO practice_group ({GROUP_COLUMNS}) VALUES"
    " (1, 'slack', 'T1', 'CDEFAULT', 'UCOACH', 'UTC', 4, :digest_time, 0, :checkin_time, 25, 5, 36,"
    " :start, :end, '01234', :first, :first),"
    " (2, 'slack', 'T1', 'CTUESDAY', 'UCOACH', 'UTC', 1, :digest_time, 0, :checkin_time, 25, 5, 36,"
    " :start, :end, '01234', :first, :first),"
    " (3, 'teams', 'tenant-1', '19:late', '29:coach', 'UTC', 4, :late, 0, :checkin_time, 25, 5, 36,"
    " :start, :end, '01234', :first, :first)",
]
ADDED_COLUMNS = {"digest_chosen", "meeting_weekday", "meeting_time", "meeting_minutes", "feedback_named"}


def _insert_groups(engine) -> None:
    # The times bound as SQLAlchemy stores a time on each database (text with microseconds on SQLite).
    times = {"digest_time": time(15), "checkin_time": time(10), "start": time(9), "end": time(17), "late": time(16)}
    with engine.begin() as connection:
        statement = text(ROWS_BEFORE_0013[0]).bindparams(
            *(bindparam(name, type_=Time()) for name in times), bindparam("first", type_=UTCDateTime())
        )
        connection.execute(statement, {**times, "first": FIRST})


def test_upgrading_marks_a_digest_placed_by_its_coach_and_sets_no_meeting(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0012")
        _insert_groups(engine)
        before = table_sizes(engine)

        upgrade(engine)

        assert {table: size for table, size in table_sizes(engine).items() if table in before} == before
        assert table_sizes(engine)["meeting_request"] == table_sizes(engine)["meeting_feedback"] == 0
        with Session(engine) as session:
            groups = session.exec(select(Group).order_by(Group.id)).all()
        assert [group.digest_chosen for group in groups] == [False, True, True]
        assert [(group.meeting, group.meeting_minutes, group.feedback_named) for group in groups] == [
            (None, 90, False)
        ] * 3
    finally:
        engine.dispose()


def test_a_downgrade_drops_only_what_0013_added(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0012")
        _insert_groups(engine)
        before = table_sizes(engine)
        upgrade(engine)

        _downgrade(engine, "0012")

        assert table_sizes(engine) == before
        assert ADDED_COLUMNS & _column_names(engine, "practice_group") == set()
        upgrade(engine)
        assert ADDED_COLUMNS <= _column_names(engine, "practice_group")
    finally:
        engine.dispose()
