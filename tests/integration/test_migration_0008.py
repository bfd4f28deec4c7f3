"""Migrations 0008 and 0009 keep every existing row: each check-in's "one thing learned" and each
answered follow-up's "what happened?" becomes exactly one learning note, with its date, author,
group, client code and the objective active when it was written; existing groups keep outcome
lines in the channel; and a downgrade and a second upgrade leave the same rows again."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, inspect, text
from sqlmodel import Session, select

from bot.config import load_settings
from bot.model import Group, LearningNote, Member, NoteSource
from bot.resurfacing import step_due
from bot.storage import UTCDateTime, make_engine, upgrade
from tests.integration.test_migration_0003 import table_sizes
from tests.integration.test_migration_0007 import _downgrade

UTC = ZoneInfo("UTC")
DEFAULT_SCHEDULE = load_settings({}).resurface_days
FIRST = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
REFINED = datetime(2026, 11, 16, 9, tzinfo=timezone.utc)  # Alice's first objective closed, her second begun
LATER = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)
TIMES = {"first": FIRST, "day_after": FIRST + timedelta(days=1), "refined": REFINED, "later": LATER}
GROUP_COLUMNS = (
    "id, platform, tenant_id, channel_id, coach_id, timezone, digest_weekday, digest_time, checkin_weekday,"
    " checkin_time, ors_clinical_cutoff, ors_reliable_change, srs_alliance_concern, workday_start, workday_end,"
    " workdays, created_at, rhythm_from"
)
GROUP_SETTINGS = "'UTC', 4, '15:00:00', 0, '10:00:00', 25, 5, 36, '09:00:00', '17:00:00', '01234', :first, :first"
ROWS_BEFORE_0008 = [
    f"INSERT INTO practice_group ({GROUP_COLUMNS}) VALUES"
    f" (1, 'slack', 'T1', 'CGROUP', 'UCOACH', {GROUP_SETTINGS}),"
    f" (2, 'slack', 'T1', 'COTHER', 'UCOACH', {GROUP_SETTINGS}),"
    f" (3, 'teams', 'tenant-1', '19:channel@thread.tacv2', '29:coach', {GROUP_SETTINGS}),"
    f" (4, 'shell', 'shell', 'supervision', 'coach', {GROUP_SETTINGS})",
    "INSERT INTO member (id, group_id, user_id, joined_at, notes_in_channel) VALUES"
    " (1, 1, 'UALICE', :first, false), (2, 2, 'UALICE', :first, true), (3, 3, '29:bob', :first, false),"
    " (4, 4, 'carol', :first, false)",
    "INSERT INTO objective (id, group_id, user_id, text, review_on, status, created_at, closed_at) VALUES"
    " (1, 1, 'UALICE', 'Ask for feedback', '2026-12-01', 'refined', :first, :refined),"
    " (2, 1, 'UALICE', 'Ask for feedback every session', '2027-01-01', 'active', :refined, NULL),"
    " (3, 2, 'UALICE', 'Name the rupture', '2026-12-01', 'active', :first, NULL)",
    "INSERT INTO checkin (id, group_id, user_id, week, progress, minutes, learned, answered_at) VALUES"
    " (1, 1, 'UALICE', '2026-W45', 3, 30, 'pause more', :day_after),"
    " (2, 1, 'UALICE', '2026-W47', 4, 20, 'silence is work too', :refined),"
    " (3, 1, 'UALICE', '2026-W48', 2, 0, '', :later),"
    " (4, 2, 'UALICE', '2026-W45', 3, 15, 'name it early', :day_after),"
    " (5, 3, '29:bob', '2026-W45', 5, 45, 'ask about sleep', :day_after),"
    " (6, 4, 'carol', '2026-W48', 1, 10, 'breathe first', :later)",
    "INSERT INTO advice (id, group_id, therapist_id, given_by, text, client_code, created_at, status, answered_at,"
    " learning) VALUES"
    " (1, 1, 'UALICE', 'UCOACH', 'Slow down', 'C12', :first, 'applied', :later, 'she talked more'),"
    " (2, 1, 'UALICE', 'UCOACH', 'Ask for feedback', NULL, :first, 'open', NULL, NULL),"
    " (3, 1, 'UALICE', 'UCOACH', 'Breathe', 'C12', :first, 'not_yet', :day_after, NULL),"
    " (4, 1, 'UALICE', 'UCOACH', 'Stay with it', 'K-7', :first, 'no_longer_relevant', :later, ''),"
    " (5, 3, '29:bob', '29:coach', 'Summarise', 'B1', :first, 'partly', :day_after, 'he felt heard'),"
    " (6, 4, 'carol', 'coach', 'Check the alliance', NULL, :first, 'applied', :later, 'ask sooner')",
    "INSERT INTO score (id, group_id, user_id, client_code, kind, value_tenths, session, intake, recorded_at) VALUES"
    " (1, 1, 'UALICE', 'C12', 'ors', 185, 1, true, :first), (2, 3, '29:bob', 'B1', 'ors', 200, NULL, false, :first)",
]
COPIED = NoteSource.CHECK_IN, NoteSource.FOLLOW_UP
NOTES_AFTER_0008 = Counter(  # each as (group, author, text, source, objective, client code, written at)
    [
        (1, "UALICE", "pause more", COPIED[0], 1, None, TIMES["day_after"]),
        (1, "UALICE", "silence is work too", COPIED[0], 2, None, REFINED),  # the objective begun that instant
        (2, "UALICE", "name it early", COPIED[0], 3, None, TIMES["day_after"]),  # her objective in that group
        (3, "29:bob", "ask about sleep", COPIED[0], None, None, TIMES["day_after"]),  # no objective yet
        (4, "carol", "breathe first", COPIED[0], None, None, LATER),
        (1, "UALICE", "she talked more", COPIED[1], 2, "C12", LATER),
        (3, "29:bob", "he felt heard", COPIED[1], None, "B1", TIMES["day_after"]),
        (4, "carol", "ask sooner", COPIED[1], None, None, LATER),
    ]
)


def test_upgrading_makes_one_note_of_each_thing_learned_and_keeps_every_row(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0007")
        _insert(engine, ROWS_BEFORE_0008)
        before = table_sizes(engine)

        upgrade(engine)

        assert {table: size for table, size in table_sizes(engine).items() if table in before} == before
        assert _notes(engine) == NOTES_AFTER_0008
        with Session(engine) as session:
            notes = session.exec(select(LearningNote)).all()
            past_schedule = {step_due(n.written_at, n.resurfaced, DEFAULT_SCHEDULE, UTC) for n in notes}
            assert past_schedule == {None}, "a copied note is listed, not sent: its steps are long past"
            assert {note.archived_at for note in notes} == {None}
            assert [member.notes_paused for member in session.exec(select(Member))] == [False] * 4
            assert [group.outcomes_in_channel for group in session.exec(select(Group))] == [True] * 4
        assert "intake_scores" in _index_names(engine, "score")
    finally:
        engine.dispose()


def test_a_downgrade_keeps_every_older_row_and_upgrading_again_makes_the_same_notes_once(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0007")
        _insert(engine, ROWS_BEFORE_0008)
        before = table_sizes(engine)
        upgrade(engine)

        _downgrade(engine, "0007")

        assert table_sizes(engine) == before
        assert "intake_scores" not in _index_names(engine, "score")
        assert "notes_paused" not in _column_names(engine, "member")
        assert "outcomes_in_channel" not in _column_names(engine, "practice_group")

        upgrade(engine)

        assert {table: size for table, size in table_sizes(engine).items() if table in before} == before
        assert _notes(engine) == NOTES_AFTER_0008
    finally:
        engine.dispose()


def _insert(engine, statements: list[str]) -> None:
    """The rows, with each time bound as the bot stores it on that database."""
    with engine.begin() as connection:
        for statement in statements:
            names = sorted(set(re.findall(r":(\w+)", statement)) & set(TIMES))
            clause = text(statement).bindparams(*(bindparam(name, type_=UTCDateTime()) for name in names))
            connection.execute(clause, {name: TIMES[name] for name in names})


def _notes(engine) -> Counter:
    with Session(engine) as session:
        return Counter(
            (n.group_id, n.user_id, n.text, n.source, n.objective_id, n.client_code, n.written_at)
            for n in session.exec(select(LearningNote))
        )


def _index_names(engine, table: str) -> set[str]:
    with engine.connect() as connection:
        return {index["name"] for index in inspect(connection).get_indexes(table)}


def _column_names(engine, table: str) -> set[str]:
    with engine.connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns(table)}
