"""Migration 0011 keeps every existing row: it adds the table of recordings reviewed, empty, and
leaves each existing objective without a count (not "set with none reviewed"); a downgrade and a
second upgrade leave the same rows again."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.model import Objective, RecordingReview
from bot.storage import make_engine, upgrade
from tests.integration.test_migration_0003 import table_sizes
from tests.integration.test_migration_0007 import _downgrade
from tests.integration.test_migration_0008 import ROWS_BEFORE_0008, _column_names, _insert


def test_upgrading_keeps_every_row_and_leaves_existing_objectives_uncounted(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0010")
        _insert(engine, ROWS_BEFORE_0008)
        before = table_sizes(engine)

        upgrade(engine)

        assert {table: size for table, size in table_sizes(engine).items() if table in before} == before
        with Session(engine) as session:
            assert [o.recordings_reviewed for o in session.exec(select(Objective))] == [None] * 3
            assert session.exec(select(RecordingReview)).all() == []

        _downgrade(engine, "0010")

        assert table_sizes(engine) == before
        assert "recordings_reviewed" not in _column_names(engine, "objective")
        assert "recording_review" not in table_sizes(engine)

        upgrade(engine)

        assert {table: size for table, size in table_sizes(engine).items() if table in before} == before
        assert "recording_review" in table_sizes(engine)
    finally:
        engine.dispose()
