"""One user's requests arriving at the same moment each get a true answer: the core runs
them in parallel on a real database (SQLite and PostgreSQL), and a use case that loses a
race is run again on what the winner wrote, instead of failing."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from sqlmodel import Session, select

from bot.model import Group, Member, Objective, ObjectiveStatus, Platform
from bot.services import Caller
from tests.core_harness import TEAM, CoreHarness, plain_reply

COACH, ALICE = "UCOACH", "UALICE"
CHANNEL = "CGROUP"
AT_ONCE = 10


@pytest.fixture
def harness(database_url):
    made = CoreHarness(database_url, datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc), {COACH: "UTC", ALICE: "UTC"})
    yield made
    made.close()


def at_once(h: CoreHarness, user: str, texts: list[str]) -> list[str]:
    """Run every command at the same moment; the plain text of each private reply, in order."""

    async def all_together():
        results = await asyncio.gather(
            *(h.core.command(Caller(Platform.SLACK, TEAM, user, CHANNEL), text) for text in texts)
        )
        await h.core.settled()
        return [plain_reply(result) for result in results]

    return asyncio.run(all_together())


def test_one_user_setting_objectives_at_once_keeps_the_last_one_active(harness):
    assert harness.say(COACH, "setup").startswith("This channel is now a supervision group")
    assert harness.say(ALICE, "join").startswith("Welcome")
    texts = [f"objective Ask for feedback on the alliance, variant {n}" for n in range(AT_ONCE)]

    replies = at_once(harness, ALICE, texts)

    for text, reply in zip(texts, replies, strict=True):
        assert reply.startswith("Your learning objective: " + text.removeprefix("objective ")), reply
    with Session(harness.engine) as session:
        objectives = session.exec(select(Objective).order_by(Objective.id)).all()
    assert len(objectives) == AT_ONCE
    active = [objective for objective in objectives if objective.status is ObjectiveStatus.ACTIVE]
    assert active == [objectives[-1]], "the last one written is the one active"
    assert {objective.status for objective in objectives[:-1]} == {ObjectiveStatus.REFINED}


def test_one_user_joining_at_once_joins_once(harness):
    assert harness.say(COACH, "setup").startswith("This channel is now a supervision group")

    replies = at_once(harness, ALICE, ["join"] * AT_ONCE)

    assert sum(reply.startswith("Welcome to the group") for reply in replies) == 1, replies
    assert sum(reply.startswith("You're already in this group") for reply in replies) == AT_ONCE - 1, replies
    with Session(harness.engine) as session:
        assert len(session.exec(select(Member)).all()) == 1


def test_one_coach_setting_up_at_once_makes_one_group(harness):
    replies = at_once(harness, COACH, ["setup"] * AT_ONCE)

    assert sum(reply.startswith("This channel is now a supervision group") for reply in replies) == 1, replies
    assert sum(reply.startswith("Group settings updated") for reply in replies) == AT_ONCE - 1, replies
    with Session(harness.engine) as session:
        assert len(session.exec(select(Group)).all()) == 1
