"""Data older than RETENTION_DAYS is purged by the scheduler; newer data stays."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select

from bot.model import PracticeLog, Score
from tests.core_harness import CoreHarness

START = datetime(2026, 6, 1, 10, tzinfo=timezone.utc)


def test_records_older_than_the_retention_period_are_purged(database_url):
    harness = CoreHarness(
        database_url, START, {"UCOACH": "Europe/Paris", "UALICE": "Europe/Paris"}, RETENTION_DAYS="30"
    )
    try:
        harness.say("UCOACH", "setup")
        harness.say("UALICE", "join")
        harness.say("UALICE", "log 30 old practice")
        harness.say("UALICE", "outcome C1 ors 20")
        harness.advance_to(START + timedelta(days=20))
        harness.say("UALICE", "log 15 recent practice")

        harness.advance_to(START + timedelta(days=35))

        with Session(harness.engine) as session:
            assert [log.activity for log in session.exec(select(PracticeLog))] == ["recent practice"]
            assert list(session.exec(select(Score))) == []
    finally:
        harness.close()
