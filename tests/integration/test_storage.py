"""The storage layer against real databases: migrations, the UTC-only column, transactions."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import StatementError
from sqlmodel import Session, SQLModel

from bot.model import Delivery, DeliveryKind, Group, Platform
from bot.storage import make_engine, migrations_config, newest_revision, transaction, upgrade
from handlers.slack import tables as slack_tables  # noqa: F401  (the Slack front-end's tables, on the same metadata)

NOW = datetime(2024, 3, 4, 9, 30, tzinfo=timezone.utc)
PLUS_FIVE = timezone(timedelta(hours=5))


def new_group(channel_id: str = "C1", created_at: datetime = NOW) -> Group:
    return Group(
        platform=Platform.SLACK,
        tenant_id="T1",
        channel_id=channel_id,
        coach_id="U0",
        timezone="Europe/Berlin",
        created_at=created_at,
        rhythm_from=NOW,
    )


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_migrations_can_run_twice(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine)
        upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    finally:
        engine.dispose()
    assert set(SQLModel.metadata.tables) <= tables
    assert len(versions) == 1


def test_the_newest_revision_is_alembics_head():
    assert newest_revision() == ScriptDirectory.from_config(migrations_config()).get_current_head()


UPGRADE_AND_SAY_IF_ALEMBIC_RAN = """
import sys
from bot.storage import make_engine, upgrade
upgrade(make_engine(sys.argv[1]))
print("alembic" in sys.modules)
"""


def test_a_schema_at_the_newest_revision_is_upgraded_without_alembic(empty_database_url):
    def upgraded_with_alembic() -> str:
        command = [sys.executable, "-c", UPGRADE_AND_SAY_IF_ALEMBIC_RAN, empty_database_url]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    assert upgraded_with_alembic() == "True"  # an empty database is migrated
    assert upgraded_with_alembic() == "False"


def test_migrations_build_the_schema_the_models_describe(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_aware_datetime_in_another_zone_is_read_back_as_the_same_instant_in_utc(engine):
    noon_at_plus_five = datetime(2024, 3, 4, 12, 0, tzinfo=PLUS_FIVE)
    with transaction(engine) as session:
        group = new_group(created_at=noon_at_plus_five)
        session.add(group)
        session.flush()
        group_id = group.id

    with Session(engine) as session:
        stored = session.get(Group, group_id).created_at

    assert stored == noon_at_plus_five
    assert stored.utcoffset() == timedelta(0)
    assert (stored.hour, stored.minute) == (7, 0)


def test_comparing_with_an_aware_datetime_in_another_zone_uses_the_instant(engine):
    with transaction(engine) as session:
        session.add(new_group(created_at=NOW))

    # NOW is 09:30 UTC = 14:30 at +05:00: wall-clock text comparison would get both wrong.
    just_before = (NOW - timedelta(minutes=1)).astimezone(PLUS_FIVE)
    just_after = (NOW + timedelta(minutes=1)).astimezone(PLUS_FIVE)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).where(Group.created_at < just_after)) == 1
        assert session.scalar(select(func.count()).where(Group.created_at < just_before)) == 0


def test_naive_datetime_is_refused_and_nothing_is_written(engine):
    with pytest.raises(StatementError, match="naive datetime"):
        with transaction(engine) as session:
            session.add(new_group(channel_id="C1"))
            session.flush()
            session.add(new_group(channel_id="C2", created_at=NOW.replace(tzinfo=None)))

    assert count(engine, Group) == 0


def test_naive_datetime_is_refused_in_a_query(engine):
    with Session(engine) as session, pytest.raises(StatementError, match="naive datetime"):
        session.execute(select(Group).where(Group.created_at <= NOW.replace(tzinfo=None)))


def test_transaction_commits_everything_when_the_block_succeeds(engine):
    with transaction(engine) as session:
        group = new_group()
        session.add(group)
        session.flush()
        session.add(Delivery(key="k1", kind=DeliveryKind.CHECK_IN, group_id=group.id, due_at=NOW))

    assert (count(engine, Group), count(engine, Delivery)) == (1, 1)


def test_transaction_rolls_back_everything_when_the_block_raises(engine):
    with pytest.raises(RuntimeError, match="boom"):
        with transaction(engine) as session:
            group = new_group()
            session.add(group)
            session.flush()
            session.add(Delivery(key="k1", kind=DeliveryKind.CHECK_IN, group_id=group.id, due_at=NOW))
            session.flush()
            raise RuntimeError("boom")

    assert (count(engine, Group), count(engine, Delivery)) == (0, 0)
