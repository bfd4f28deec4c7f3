"""`client` and `caseload` read in the same handful of SQL statements however many clients and
scores a therapist has. Real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import event

from tests.core_harness import CoreHarness

START = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
ZONES = {"UCOACH": "Europe/Berlin", "UALICE": "America/New_York", "UBOB": "Australia/Sydney"}
# Statements for one command: the caller's zone looked up, the group, the caller's membership,
# the client records, the scores, the advice (`client` only) and the display names of mentions.
MOST = 8


@pytest.fixture
def harness(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    harness.say("UCOACH", "setup")
    for therapist in ("UALICE", "UBOB"):
        harness.say(therapist, "join")
    yield harness
    harness.close()


def with_clients(harness: CoreHarness, therapist: str, count: int) -> None:
    for number in range(count):
        for session, score in enumerate((20, 24, 18), start=1):
            harness.say(therapist, f"outcome C{number + 1} ors {score} session {session}")
        harness.say(therapist, f"outcome C{number + 1} srs 35")


def statements(harness: CoreHarness, user: str, text: str, **caller) -> tuple[str, int]:
    """The reply to `text` (asked as `caller` says, by default in the group's channel), and how
    many SQL statements answering it took."""
    seen = []

    def count(_connection, _cursor, statement: str, *_rest) -> None:
        seen.append(statement)

    event.listen(harness.engine, "before_cursor_execute", count)
    try:
        reply = harness.say(user, text, **caller)
    finally:
        event.remove(harness.engine, "before_cursor_execute", count)
    return reply, len(seen)


@pytest.mark.parametrize(
    ("asking", "text"),
    [("self", "client C1"), ("self", "caseload"), ("UCOACH", "client C1 <@{}>"), ("UCOACH", "caseload <@{}>")],
)
def test_a_larger_caseload_takes_no_more_statements(harness, asking, text):
    with_clients(harness, "UALICE", 5)
    with_clients(harness, "UBOB", 40)

    (small_reply, small), (large_reply, large) = (
        statements(harness, therapist if asking == "self" else asking, text.format(therapist))
        for therapist in ("UALICE", "UBOB")
    )

    if text.startswith("caseload"):
        assert "Active clients: 5 " in small_reply and "Active clients: 40 " in large_reply
    else:
        assert all("ORS 20 → 18 (-2): no reliable change" in reply for reply in (small_reply, large_reply))
    assert small == large <= MOST, (small, large)
