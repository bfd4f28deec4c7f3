"""Migration 0016 adds the charts behind signed links and makes the key they are signed with, at
random for each database, keeping every existing row; a downgrade drops only what it added."""

from __future__ import annotations

from sqlalchemy import text

from bot.storage import make_engine, upgrade
from tests.integration.test_migration_0003 import table_sizes
from tests.integration.test_migration_0007 import _downgrade


def _key(engine) -> bytes:
    with engine.connect() as connection:
        return connection.execute(text("SELECT secret FROM signing_key WHERE name = 'chart links'")).scalar_one()


def test_upgrading_makes_one_random_key_and_no_charts_and_downgrading_drops_them(empty_database_url, tmp_path):
    engine = make_engine(empty_database_url)
    other = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        upgrade(engine, "0013")
        before = table_sizes(engine)

        upgrade(engine, "0016")
        upgrade(other, "0016")

        sizes = table_sizes(engine)
        assert {table: size for table, size in sizes.items() if table in before} == before
        assert sizes["chart_image"] == 0 and sizes["signing_key"] == 1
        assert len(_key(engine)) == 32 and _key(engine) != _key(other)
        _downgrade(engine, "0013")
        assert table_sizes(engine) == before
    finally:
        engine.dispose()
        other.dispose()
