"""Migration 0012 keeps every existing row and gives each practice log the kind its activity's
words tell, by the rule as it stood then (a copy inside the migration); a downgrade and a second
upgrade give the same kinds again."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.model import PracticeKind, PracticeLog
from bot.storage import make_engine, upgrade
from tests.integration.test_migration_0003 import table_sizes
from tests.integration.test_migration_0007 import _downgrade
from tests.integration.test_migration_0008 import ROWS_BEFORE_0008, _column_names, _insert

LOGS = {  # activity: the kind it gets
    "reviewed a session recording": PracticeKind.RECORDING_REVIEW,
    "role-play of a rupture repair": PracticeKind.SKILL_REHEARSAL,
    "read my learning notes": PracticeKind.NOTES_REVIEW,
    "an article on feedback": PracticeKind.READING,
    "peer consultation": PracticeKind.CONSULTATION,
    "reported at the weekly check-in": PracticeKind.OTHER,
    "mindfulness": PracticeKind.OTHER,
}
ROWS_BEFORE_0012 = [
    *ROWS_BEFORE_0008,
    "INSERT INTO practicelog (id, group_id, user_id, minutes, activity, logged_at) VALUES "
    + ", ".join(f"({n}, 1, 'UALICE', {10 + n}, '{activity}', :first)" for n, activity in enumerate(LOGS, start=1)),
]


def test_upgrading_gives_each_log_the_kind_its_words_tell_and_a_downgrade_keeps_every_row(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0011")
        _insert(engine, ROWS_BEFORE_0012)
        before = table_sizes(engine)

        upgrade(engine, "0012")

        assert table_sizes(engine) == before
        assert _kinds(engine) == LOGS

        _downgrade(engine, "0011")

        assert table_sizes(engine) == before
        assert "kind" not in _column_names(engine, "practicelog")

        upgrade(engine, "0012")

        assert _kinds(engine) == LOGS
    finally:
        engine.dispose()


def _kinds(engine) -> dict[str, PracticeKind]:
    with Session(engine) as session:
        return {log.activity: log.kind for log in session.exec(select(PracticeLog))}
