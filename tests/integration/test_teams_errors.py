"""When the Bot Connector or Entra ID says no to a scheduling pass, as a therapist on Teams
meets it: a 429 waits out its Retry-After (30 s when it names none) by rescheduling, a server
error backs off, a conversation that is gone fails at once, and refused credentials hold that
tenant's sending until a token can be had again. Nothing is lost and nothing sleeps.

The real Teams messenger sends to the fake Microsoft; each tick is a scheduling pass with a
messenger of its own, as a `tick` process has (tests/in_process_teams.py). How a `tick`
process itself meets a 429 is in tests/e2e/test_teams.py."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.model import DeliveryStatus, Platform, SendingHold
from testkit.database import follow_up
from testkit.teams_driver import TENANT_ID, Member, TeamsDriver, card_of, card_text, posts_to
from tests.conftest import on_one_database
from tests.in_process_teams import InProcessTeams
from tests.steps import retries_undisturbed

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests

COACH = Member("29:coach", "Cora Coach", "Europe/Berlin")
ALICE = Member("29:alice", "Alice Adams", "Europe/Berlin")


@pytest.fixture
def due(teams_bot, teams: TeamsDriver, microsoft) -> datetime:
    """When Alice's follow-up is due, with every hour a working hour and nothing else going
    out near it (`retries_undisturbed`)."""
    microsoft.members.clear()
    teams.in_channel(COACH, f"practice setup {retries_undisturbed()}")
    teams.in_channel(ALICE, "practice join")
    teams.in_channel(COACH, "practice advice @Alice Adams Summarise before challenging in 1d", [ALICE])
    return follow_up(teams_bot).due_at


def tick(bot: InProcessTeams, instant: datetime, seconds: float = 0) -> int:
    return bot.tick(instant + timedelta(seconds=seconds))


def asked(fake) -> list:
    """Every follow-up the bot tried to post to Alice, whatever Microsoft answered."""
    return [call for call in posts_to(fake, ALICE.chat_id) if "Did you apply it" in card_text(card_of(call.args))]


def holds(bot: InProcessTeams) -> list[SendingHold]:
    with Session(bot.engine) as session:
        return list(session.exec(select(SendingHold)).all())


@pytest.mark.parametrize(("headers", "waits"), [({"Retry-After": "120"}, 120), ({}, 30)])
def test_a_429_is_waited_out_by_rescheduling(teams_bot, due, microsoft, headers, waits):
    microsoft.fail_next("activities.create", 429, headers=headers)
    tick(teams_bot, due)
    assert follow_up(teams_bot).status is DeliveryStatus.PENDING
    assert follow_up(teams_bot).due_at >= due + timedelta(seconds=waits)
    tick(teams_bot, due, waits + 1)
    assert len(asked(microsoft)) == 2
    assert follow_up(teams_bot).status is DeliveryStatus.SENT


def test_a_server_error_backs_off_and_then_goes_through(teams_bot, due, microsoft):
    microsoft.fail_next("activities.create", 502)
    tick(teams_bot, due)
    failed = follow_up(teams_bot)
    assert failed.status is DeliveryStatus.PENDING and failed.attempts == 1 and failed.due_at > due
    tick(teams_bot, failed.due_at)
    assert follow_up(teams_bot).status is DeliveryStatus.SENT


def test_a_conversation_that_is_gone_fails_at_once(teams_bot, due, microsoft):
    gone = {"error": {"code": "ConversationNotFound", "message": "Conversation not found."}}
    microsoft.fail_next("activities.create", 404, body=gone)
    tick(teams_bot, due)
    assert follow_up(teams_bot).status is DeliveryStatus.DEAD
    assert len(asked(microsoft)) == 1


def test_refused_credentials_hold_the_tenant_until_a_token_can_be_had(teams_bot, due, microsoft):
    microsoft.refuse_credentials()
    tick(teams_bot, due)
    assert asked(microsoft) == []
    assert follow_up(teams_bot).status is DeliveryStatus.PENDING
    [hold] = holds(teams_bot)
    assert (hold.platform, hold.tenant_id) == (Platform.TEAMS, TENANT_ID)

    microsoft.refusing_credentials = False
    tick(teams_bot, hold.check_after, 1)
    assert holds(teams_bot) == []
    assert follow_up(teams_bot).status is DeliveryStatus.SENT
