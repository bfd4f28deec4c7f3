"""`prep <CODE>` answers in the same handful of SQL statements however many clients, scores,
advice and notes a therapist has, from the group's channel and from the 1:1 chat. Real
databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.core_harness import CoreHarness
from tests.integration.test_client_queries import START, ZONES, statements, with_clients

# Statements for one prep: the caller's zone looked up, the group (and, from the 1:1 chat,
# the caller's groups), the caller's membership, their record, their objective, the client
# record, its scores, its open advice, the newest note and the display names of mentions.
MOST = 11


@pytest.fixture
def harness(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    harness.say("UCOACH", "setup")
    for therapist in ("UALICE", "UBOB"):
        harness.say(therapist, "join")
        harness.say(therapist, "objective Hold silences longer")
    yield harness
    harness.close()


def with_advice_and_notes(harness: CoreHarness, therapist: str, count: int) -> None:
    for number in range(count):
        harness.say("UCOACH", f"advice <@{therapist}> Wait before you summarise client C{number + 1}")
        harness.say(therapist, f"note Summaries close it early, number {number} client C{number + 1}")


@pytest.mark.parametrize("where", [{}, {"channel": "DALICE", "in_direct_message": True}])
def test_prep_takes_no_more_statements_for_a_larger_caseload(harness, where):
    for therapist, count in (("UALICE", 2), ("UBOB", 20)):
        with_clients(harness, therapist, count)
        with_advice_and_notes(harness, therapist, count)

    (small_reply, small), (large_reply, large) = (
        statements(harness, therapist, "prep C1", **where) for therapist in ("UALICE", "UBOB")
    )

    for reply in (small_reply, large_reply):
        assert "Before your session with C1" in reply
        assert "ORS 20 → 24 → 18 (2 Nov, session 3), SRS 35; from intake -2: no reliable change" in reply
        assert "from @UCOACH: Wait before you summarise" in reply
        assert "Your objective: Hold silences longer" in reply
        assert "Newest learning note (Mon 2 Nov): Summaries close it early" in reply
    assert small == large <= MOST, (small, large)
