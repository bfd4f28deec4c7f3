"""Migration 0010 keeps every objective, with no reason recorded for how any ended or was kept;
a downgrade drops only the reasons, and upgrading again brings the columns back, empty."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, select

from bot.model import Objective
from bot.storage import make_engine, upgrade
from tests.integration.test_migration_0003 import table_sizes
from tests.integration.test_migration_0007 import _downgrade
from tests.integration.test_migration_0008 import ROWS_BEFORE_0008, _column_names, _insert

OBJECTIVES = [  # (id, text, status) as inserted before 0008
    (1, "Ask for feedback", "refined"),
    (2, "Ask for feedback every session", "active"),
    (3, "Name the rupture", "active"),
]


def test_upgrading_keeps_every_objective_with_no_reason_recorded(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0007")
        _insert(engine, ROWS_BEFORE_0008)
        upgrade(engine, "0009")
        before = table_sizes(engine)

        upgrade(engine, "0010")

        assert table_sizes(engine) == before
        upgrade(engine)  # the model is the newest schema's
        with Session(engine) as session:
            kept = session.exec(select(Objective).order_by(Objective.id)).all()
        assert [(o.id, o.text, o.status.value) for o in kept] == OBJECTIVES
        assert {(o.ended_why, o.kept_why) for o in kept} == {(None, None)}
    finally:
        engine.dispose()


def test_a_downgrade_drops_only_the_reasons_and_upgrading_again_brings_the_columns_back(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0007")
        _insert(engine, ROWS_BEFORE_0008)
        upgrade(engine, "0010")
        with engine.begin() as connection:
            connection.execute(text("UPDATE objective SET ended_why = 'clients moved' WHERE id = 1"))
        before = table_sizes(engine)

        _downgrade(engine, "0009")

        assert table_sizes(engine) == before
        assert {"ended_why", "kept_why"}.isdisjoint(_column_names(engine, "objective"))
        upgrade(engine, "0010")
        assert {"ended_why", "kept_why"} <= _column_names(engine, "objective")
        upgrade(engine)
        with Session(engine) as session:
            assert session.get(Objective, 1).ended_why is None
    finally:
        engine.dispose()
