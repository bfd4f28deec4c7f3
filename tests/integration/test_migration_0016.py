"""Migration 0016 adds the tables of charts behind signed links and of the key they are signed
with, keeping every existing row; a downgrade drops only what it added."""

from __future__ import annotations

from bot.storage import make_engine, upgrade
from tests.integration.test_migration_0003 import table_sizes
from tests.integration.test_migration_0007 import _downgrade


def test_upgrading_adds_the_empty_chart_tables_and_downgrading_drops_them(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0015")
        before = table_sizes(engine)

        upgrade(engine, "0016")

        sizes = table_sizes(engine)
        assert {table: size for table, size in sizes.items() if table in before} == before
        assert (sizes["chart_image"], sizes["signing_key"]) == (0, 0)
        _downgrade(engine, "0015")
        assert table_sizes(engine) == before
    finally:
        engine.dispose()
