"""The digest reads a group in the same few SQL statements whatever its size: none per
therapist, per advice or per client. Real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from bot.digest.gather import DigestData, gather
from bot.meetings import RequestKind
from bot.model import Group, MeetingFeedback, MeetingRequest, Member
from bot.storage import upgrade
from testkit.database import engine_for
from testkit.history import seeded_group

NOW = datetime(2026, 12, 4, 15, tzinfo=timezone.utc)
WEEKS = 8
NEXT_MEETING = date(2026, 12, 7)  # a Monday


@pytest.fixture
def engine(database_url):
    engine = engine_for(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def gathered(engine, group: Group) -> tuple[DigestData, int]:
    """The digest of `group`, and how many SQL statements reading it took."""
    statements = []

    def count(_connection, _cursor, statement: str, *_rest) -> None:
        statements.append(statement)

    with Session(engine) as session:
        event.listen(engine, "before_cursor_execute", count)
        try:
            data = gather(session, group, NOW)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return data, len(statements)


def with_a_meeting(session: Session, group: Group) -> Group:
    """The group meets on Mondays; each member asked something of the next meeting and gave
    feedback on the last one."""
    group.meeting_weekday, group.meeting_time = 0, time(10, 0)
    session.add(group)
    for member in session.exec(select(Member).where(Member.group_id == group.id)):
        session.add(
            MeetingRequest(
                group_id=group.id,
                user_id=member.user_id,
                meeting_on=NEXT_MEETING,
                kind=RequestKind.SKILL,
                text="repair",
                answered_at=NOW - timedelta(days=1),
            )
        )
        session.add(
            MeetingFeedback(
                group_id=group.id,
                user_id=member.user_id,
                meeting_on=NEXT_MEETING - timedelta(days=7),
                usefulness=7,
                answered_at=NOW - timedelta(days=3),
            )
        )
    return group


def test_the_digest_of_a_larger_group_takes_no_more_statements(engine):
    with Session(engine, expire_on_commit=False) as session:
        small, large = (with_a_meeting(session, seeded_group(session, f"C{n}", n, WEEKS, NOW)) for n in (5, 40))
        session.commit()

    (small_digest, small_count), (large_digest, large_count) = gathered(engine, small), gathered(engine, large)

    assert (len(small_digest.members), len(large_digest.members)) == (5, 40)
    assert all(digest.clients and digest.open_loops for digest in (small_digest, large_digest))
    assert (len(small_digest.requests), len(large_digest.requests)) == (5, 40)
    assert (len(small_digest.feedback), len(large_digest.feedback)) == (5, 40)
    assert small_count == large_count <= 10
