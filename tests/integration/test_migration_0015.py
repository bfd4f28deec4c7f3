"""Migration 0015 keeps every existing row: no group is removed, and none names its install yet
(a Teams group set up before it is held by an uninstall of its whole tenant only); a downgrade
drops only the two columns."""

from __future__ import annotations

from sqlalchemy import text

from bot.storage import make_engine, upgrade
from tests.integration.test_migration_0003 import table_sizes
from tests.integration.test_migration_0007 import _downgrade
from tests.integration.test_migration_0008 import ROWS_BEFORE_0008, _column_names, _insert


def test_upgrading_keeps_every_group_installed_and_a_downgrade_drops_only_its_columns(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0014")
        _insert(engine, ROWS_BEFORE_0008)
        before = table_sizes(engine)

        upgrade(engine, "0015")

        assert table_sizes(engine) == before
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT installation_id, removed_at FROM practice_group")).all()
        assert rows and set(rows) == {(None, None)}

        _downgrade(engine, "0014")

        assert table_sizes(engine) == before
        assert {"installation_id", "removed_at"}.isdisjoint(_column_names(engine, "practice_group"))
    finally:
        engine.dispose()
