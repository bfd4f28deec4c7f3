"""Migration 0007 keeps every existing row: whole-number scores and advice baselines come out as
the same scores to one decimal place, every client code already used gets a client record, and
existing groups get the default thresholds for bands, on-track checks and alliance drops."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from alembic import command
from sqlalchemy import text
from sqlmodel import Session, select

from bot.model import Advice, Client, Group, Score
from bot.outcomes import DEFAULT_THRESHOLDS, Band
from bot.storage import make_engine, migrations_config, upgrade
from tests.integration.test_migration_0003 import table_sizes

FIRST, LATER = "2026-11-02 09:00:00+00:00", "2026-11-09 09:00:00+00:00"
ROWS_BEFORE_0007 = [
    "INSERT INTO practice_group (id, platform, tenant_id, channel_id, coach_id, timezone, digest_weekday,"
    " digest_time, checkin_weekday, checkin_time, ors_clinical_cutoff, ors_reliable_change, srs_alliance_concern,"
    " workday_start, workday_end, workdays, created_at, rhythm_from)"
    " VALUES (1, 'slack', 'T1', 'CGROUP', 'UCOACH', 'UTC', 4, '15:00:00', 0, '10:00:00', 24, 6, 35,"
    " '09:00:00', '17:00:00', '01234', :first, :first)",
    "INSERT INTO score (id, group_id, user_id, client_code, kind, value, recorded_at) VALUES"
    " (1, 1, 'UALICE', 'C12', 'ors', 18, :later), (2, 1, 'UALICE', 'C12', 'srs', 40, :later),"
    " (3, 1, 'UBOB', 'C12', 'ors', 0, :first)",
    "INSERT INTO advice (id, group_id, therapist_id, given_by, text, client_code, baseline_ors, created_at, status)"
    " VALUES (1, 1, 'UALICE', 'UCOACH', 'Slow down', 'C12', 17, :first, 'open'),"
    " (2, 1, 'UALICE', 'UCOACH', 'Ask for feedback', 'K-7', NULL, :later, 'open'),"
    " (3, 1, 'UBOB', 'UCOACH', 'Breathe', NULL, NULL, :later, 'open')",
]


def test_upgrading_keeps_every_score_exactly_and_makes_a_record_for_every_client_code(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0006")
        with engine.begin() as connection:
            for statement in ROWS_BEFORE_0007:
                connection.execute(text(statement), {"first": FIRST, "later": LATER})
        before = table_sizes(engine)

        upgrade(engine)

        assert {table: size for table, size in table_sizes(engine).items() if table in before} == before
        with Session(engine) as session:
            scores = {score.id: (score.value, score.session, score.intake) for score in session.exec(select(Score))}
            assert scores == {
                1: (Decimal(18), None, False),
                2: (Decimal(40), None, False),
                3: (Decimal(0), None, False),
            }
            baselines = {advice.id: advice.baseline_ors for advice in session.exec(select(Advice))}
            assert baselines == {1: Decimal(17), 2: None, 3: None}
            clients = {
                (c.therapist_id, c.code): (c.band, c.created_at, c.closed_at) for c in session.exec(select(Client))
            }
            first = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
            later = datetime(2026, 11, 9, 9, tzinfo=timezone.utc)
            assert clients == {
                ("UALICE", "C12"): (Band.ADULT, first, None),  # advised before its first score
                ("UALICE", "K-7"): (Band.ADULT, later, None),  # advice only
                ("UBOB", "C12"): (Band.ADULT, first, None),  # the same code in another caseload
            }
            group = session.get(Group, 1)
            assert (group.ors_clinical_cutoff, group.ors_reliable_change, group.srs_alliance_concern) == (24, 6, 35)
            assert (group.child_cutoff, group.adolescent_cutoff, group.on_track_session) == (32, 28, 6)
            assert (group.on_track_weeks, group.watch_session, group.srs_drop) == (6, 3, 1)
            assert group.thresholds.cutoff(Band.CHILD) == DEFAULT_THRESHOLDS.child_cutoff
    finally:
        engine.dispose()


def test_a_downgrade_gives_back_whole_numbers(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            session.add(
                Group(
                    id=1,
                    platform="slack",
                    tenant_id="T1",
                    channel_id="C",
                    coach_id="U",
                    timezone="UTC",
                    created_at=datetime.now(timezone.utc),
                    rhythm_from=datetime.now(timezone.utc),
                )
            )
            session.flush()
            for value in ("18.5", "18.4", "40"):
                session.add(
                    Score(
                        group_id=1,
                        user_id="U",
                        client_code="C1",
                        kind="ors",
                        value=Decimal(value),
                        recorded_at=datetime.now(timezone.utc),
                    )
                )
            session.commit()

        _downgrade(engine, "0006")

        with engine.connect() as connection:
            assert connection.execute(text("SELECT value FROM score ORDER BY id")).scalars().all() == [19, 18, 40]
    finally:
        engine.dispose()


def _downgrade(engine, revision: str) -> None:
    """As bot.storage.upgrade runs migrations, the other way."""
    config = migrations_config()
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":  # as in upgrade: SQLite copies a table to alter it
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        with connection.begin():
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
