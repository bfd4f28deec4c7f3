"""What the practice and group charts show, read from the tables: a therapist's minutes by kind
and ratings on the current objective, the group's check-ins against its members and minutes per
week, and its clients' change since intake by month. Real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from bot.config import load_settings
from bot.model import CheckIn, Group
from bot.services.caller import Caller, Context
from bot.services.charts import groups_change, groups_weeks, therapists_practice
from tests.core_harness import TEAM, CoreHarness
from tests.pictures import decoded

START = datetime(2026, 11, 4, 15, tzinfo=timezone.utc)  # a Wednesday
ZONES = {"UCOACH": "Europe/Berlin", "UALICE": "Europe/Berlin", "UBOB": "Europe/Berlin", "UCAROL": "Europe/Berlin"}


@pytest.fixture
def harness(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    harness.say("UCOACH", "setup")
    harness.say("UALICE", "join")
    harness.say("UBOB", "join")
    yield harness
    harness.close()


def in_a_week(harness: CoreHarness, weeks: int) -> None:
    harness.clock.now = START + timedelta(weeks=weeks)


def checked_in(harness: CoreHarness, user: str, progress: int) -> None:
    with Session(harness.engine) as session:
        group = session.exec(select(Group)).one()
        week = f"W{harness.clock.now:%G-%V}"
        answered = harness.clock.now
        session.add(
            CheckIn(
                group_id=group.id,
                user_id=user,
                week=week,
                progress=progress,
                minutes=0,
                learned="x",
                answered_at=answered,
            )
        )
        session.commit()


def drawn(harness: CoreHarness, chart_of, *args):
    """A therapist's chart, as a request of theirs draws it."""
    with Session(harness.engine) as session:
        group = session.exec(select(Group)).one()
        caller = Caller(group.platform, TEAM, "UCOACH", channel_id=group.channel_id)
        ctx = Context(session, caller, harness.clock.now, load_settings({"DATABASE_URL": harness.database_url}))
        chart = chart_of(ctx, group, *args)
    decoded(chart)
    return chart


def group_drawn(harness: CoreHarness, chart_of):
    """A group's chart, as Home and the digest draw it."""
    with Session(harness.engine) as session:
        chart = chart_of(session, session.exec(select(Group)).one(), harness.clock.now)
    decoded(chart)
    return chart


def test_a_therapists_practice_by_kind_and_the_ratings_since_their_objective(harness):
    checked_in(harness, "UALICE", 1)  # before the objective: not shown
    harness.clock.now += timedelta(minutes=1)
    harness.say("UALICE", "objective Hold silences longer")
    harness.say("UALICE", "log 30 reviewed a session recording")
    in_a_week(harness, 1)
    harness.say("UALICE", "log 20 read a paper on ruptures")
    checked_in(harness, "UALICE", 3)
    in_a_week(harness, 2)
    checked_in(harness, "UALICE", 4)

    chart = drawn(harness, therapists_practice, "UALICE")
    assert "0, 0, 0, 0, 0, 0, 0, 0, 0, 30, 20, 0 (50 in all)" in chart.alt
    assert "By kind: recording review 30, reading 20." in chart.alt
    assert "weekly: 3 (11 Nov), 4 (18 Nov)." in chart.alt


def test_the_groups_check_ins_against_its_members_and_minutes_per_week(harness):
    harness.say("UALICE", "log 30 reviewed a session recording")
    checked_in(harness, "UALICE", 3)
    in_a_week(harness, 1)
    harness.say("UCAROL", "join")
    harness.say("UBOB", "log 45 role-played a repair")
    checked_in(harness, "UALICE", 3)
    checked_in(harness, "UBOB", 2)

    chart = group_drawn(harness, groups_weeks)
    assert "Checked in: 0 of 0, 0 of 0, 0 of 0, 0 of 0, 0 of 0, 0 of 0, 1 of 2, 2 of 3." in chart.alt
    assert "Practice minutes: 0, 0, 0, 0, 0, 0, 30, 45 (75 in all)." in chart.alt


def test_the_groups_clients_by_their_change_at_each_months_end_from_its_first_score(harness):
    harness.clock.now = START - timedelta(days=30)  # 5 Oct
    harness.say("UALICE", "outcome C1 ors 20 session 1")
    harness.say("UBOB", "outcome C1 ors 30 session 1")  # another therapist's C1
    harness.say("UBOB", "outcome C1 ors 31 session 2")
    harness.clock.now = START
    harness.say("UALICE", "outcome C1 ors 26 session 2")
    harness.say("UBOB", "outcome C1 ors 24 session 3")

    chart = group_drawn(harness, groups_change)
    assert "Sep 2026" not in chart.alt  # before the group's first score
    assert "Oct 2026: 0 reliably improved, 1 with no reliable change, 0 reliably deteriorated" in chart.alt
    assert "Nov 2026: 1 reliably improved, 0 with no reliable change, 1 reliably deteriorated" in chart.alt
