"""Home builds in the same few SQL statements whatever the group's size, and a large group's
Home stays within Slack's limits for a Home view, in pages. Real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import event
from sqlmodel import Session

from bot.config import load_settings
from bot.messages import Message
from bot.model import Client, Group
from bot.services.caller import Caller, Context
from bot.services.home import home_message
from bot.storage import upgrade
from testkit.database import engine_for
from testkit.history import seeded_group
from tests.unit.test_home_view import pages_of, within_slacks_limits

NOW = datetime(2026, 12, 4, 15, tzinfo=timezone.utc)
WEEKS = 8


@pytest.fixture
def engine(database_url):
    engine = engine_for(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def built(engine, group: Group, user_id: str) -> tuple[Message, int]:
    """`user_id`'s Home, and how many SQL statements building it took."""
    statements = []

    def count(_connection, _cursor, statement: str, *_rest) -> None:
        statements.append(statement)

    caller = Caller(group.platform, group.tenant_id, user_id)
    with Session(engine) as session:
        event.listen(engine, "before_cursor_execute", count)
        try:
            home = home_message(Context(session, caller, NOW, load_settings({})))
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return home, len(statements)


def test_home_of_a_larger_group_takes_no_more_statements(engine):
    with Session(engine, expire_on_commit=False) as session:
        small, large = (seeded_group(session, f"C{n}", n, WEEKS, NOW) for n in (5, 40))
        session.commit()

    (small_home, small_count), (large_home, large_count) = (built(engine, g, g.coach_id) for g in (small, large))
    (_, small_therapist), (_, large_therapist) = (built(engine, g, f"{g.channel_id}-U0001") for g in (small, large))

    rows = [next(s for s in home.sections if s.heading == "Therapists").lines for home in (small_home, large_home)]
    assert (len(rows[0]), len(rows[1])) == (5, 40)
    assert small_count == large_count <= 25
    assert small_therapist == large_therapist <= 25


def test_homes_of_a_large_group_are_within_slacks_limits_in_pages(engine):
    with Session(engine, expire_on_commit=False) as session:
        group = seeded_group(session, "CBIG", 300, 2, NOW)
        busy = "CBIG-U0001"
        session.add_all(Client(group_id=group.id, therapist_id=busy, code=f"X{n}", created_at=NOW) for n in range(150))
        session.commit()

    coach, _ = built(engine, group, group.coach_id)
    therapist, _ = built(engine, group, busy)

    coach_views, therapist_views = pages_of(coach), pages_of(therapist)
    assert all(within_slacks_limits(view) for view in coach_views + therapist_views)
    assert all(f"<@CBIG-U{n:04d}>" in json.dumps(coach_views) for n in range(300))
    assert len(therapist_views) > 1  # a button beside each client: more blocks than one view holds
    shown = json.dumps(therapist_views)
    assert all(shown.count(f'"value": "{group.id}:X{n}"') == 1 for n in range(150))
