"""The plan pass costs what changed: groups whose plan still stands are not read again, a
join marks its group for the next pass, and a group another process is planning is skipped."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, func
from sqlmodel import Session, select

from bot.model import Delivery, DeliveryKind, Group
from bot.scheduling.planner import plan_if_due
from bot.storage import transaction
from tests.core_harness import CoreHarness

MONDAY = datetime(2024, 3, 4, 8, 0, tzinfo=timezone.utc)
WINDOW = timedelta(hours=48)
GROUPS, MEMBERS = 12, 3
USERS = {
    "UNEW": "UTC",
    **{f"UCOACH{group}": "UTC" for group in range(1, GROUPS + 1)},
    **{f"U{group}M{member}": "UTC" for group in range(1, GROUPS + 1) for member in range(MEMBERS)},
}


@pytest.fixture
def harness(database_url):
    made = CoreHarness(database_url, MONDAY, USERS)
    yield made
    made.close()


def add_groups(h: CoreHarness, first: int, count: int, members: int = MEMBERS) -> None:
    for number in range(first, first + count):
        channel = f"C{number}"
        assert h.say(f"UCOACH{number}", "setup", channel=channel).startswith("This channel is now")
        for member in range(members):
            assert h.say(f"U{number}M{member}", "join", channel=channel).startswith("Welcome")


@contextmanager
def statements(h: CoreHarness) -> Iterator[list[str]]:
    """The SQL statements run on the harness's engine meanwhile."""
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(h.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(h.engine, "before_cursor_execute", record)


def plan_pass(h: CoreHarness) -> None:
    asyncio.run(h.core.dispatcher.plan())


def check_ins_of(h: CoreHarness, user_id: str) -> int:
    with Session(h.engine) as session:
        return session.exec(
            select(func.count()).where(Delivery.kind == DeliveryKind.CHECK_IN, Delivery.recipient_id == user_id)
        ).one()


def test_a_pass_with_nothing_changed_runs_the_same_few_statements_for_3_groups_as_for_12(harness):
    add_groups(harness, 1, 3)
    plan_pass(harness)
    with statements(harness) as at_three:
        plan_pass(harness)

    add_groups(harness, 4, 9)
    plan_pass(harness)
    with statements(harness) as at_twelve:
        plan_pass(harness)

    assert len(at_three) == len(at_twelve) == 1, (at_three, at_twelve)


def test_a_join_is_planned_by_the_next_pass_in_a_few_statements_whatever_the_number_of_groups(harness):
    add_groups(harness, 1, GROUPS)
    plan_pass(harness)

    assert harness.say("UNEW", "join", channel="C7").startswith("Welcome")
    assert check_ins_of(harness, "UNEW") == 0
    with statements(harness) as seen:
        plan_pass(harness)

    assert check_ins_of(harness, "UNEW") == 1  # today at 10:00; last week's came before they joined
    assert len(seen) <= 7, seen  # which groups; then the group, its members, their zones, holidays, insert, mark


def test_a_pass_after_the_plan_ran_out_plans_the_next_week(harness):
    add_groups(harness, 1, 2, members=1)
    plan_pass(harness)
    with Session(harness.engine) as session:
        planned_until = min(session.exec(select(Group.planned_until)).all())
    assert check_ins_of(harness, "U1M0") == 1

    harness.clock.now = planned_until
    plan_pass(harness)

    assert check_ins_of(harness, "U1M0") == 2


def test_a_group_another_process_is_planning_is_skipped(postgres_url):
    harness = CoreHarness(postgres_url, MONDAY, USERS)
    try:
        add_groups(harness, 1, 1, members=0)
        assert harness.say("UNEW", "join", channel="C1").startswith("Welcome")
        with transaction(harness.engine) as other_process:
            group = other_process.exec(select(Group).with_for_update()).one()
            with transaction(harness.engine) as session:
                plan_if_due(session, group.id, MONDAY, WINDOW)
        assert check_ins_of(harness, "UNEW") == 0
        with transaction(harness.engine) as session:
            assert session.get(Group, group.id).planned_until is None
    finally:
        harness.close()
