"""When the Bot Connector or Entra ID says no to a `tick`, as a therapist on Teams meets it:
a 429 waits out its Retry-After (30 s when it names none) by rescheduling, a server error
backs off, a conversation that is gone fails at once, and refused credentials hold that
tenant's sending until a token can be had again. Nothing is lost and nothing sleeps."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.model import DeliveryStatus, Platform, SendingHold
from testkit.database import follow_up
from testkit.teams_driver import TENANT_ID, Member, TeamsDriver, over_http, posted_in, text_of
from tests.conftest import RunningBot
from tests.e2e.test_teams import rows

COACH = Member("29:coach", "Cora Coach", "Europe/Berlin")
ALICE = Member("29:alice", "Alice Adams", "Europe/Berlin")
FOLLOW_UP = "Did you apply it"


@pytest.fixture
def teams_bot(database_url, fake_slack, fake_microsoft, tmp_path):
    running = RunningBot(database_url, fake_slack, tmp_path, fake_microsoft).start()
    yield running
    running.stop()
    assert "Traceback" not in running.output(), running.output()


@pytest.fixture
def due(teams_bot, fake_microsoft) -> datetime:
    """When Alice's follow-up is due, with nothing else going out near it."""
    teams = TeamsDriver(over_http(teams_bot.url), fake_microsoft)
    teams.in_channel(COACH, "practice setup digest sun 12:00 checkin sat 03:00")
    teams.in_channel(ALICE, "practice join")
    teams.in_channel(COACH, "practice advice @Alice Adams Summarise before challenging in 1d", [ALICE])
    return follow_up(teams_bot).due_at


def tick(bot: RunningBot, instant: datetime, seconds: float = 0) -> int:
    ticked = bot.tick((instant + timedelta(seconds=seconds)).isoformat())
    assert ticked.returncode == 0, ticked.stderr
    return int(ticked.stdout.split("handled ")[1].split()[0])


def asked(fake) -> list[dict]:
    return [activity for activity in posted_in(fake, ALICE.chat_id) if FOLLOW_UP in text_of(activity)]


@pytest.mark.parametrize(("headers", "waits"), [({"Retry-After": "120"}, 120), ({}, 30)])
def test_a_429_is_waited_out_by_rescheduling(teams_bot, due, fake_microsoft, headers, waits):
    fake_microsoft.fail_next("activities.create", 429, headers=headers)
    tick(teams_bot, due)
    assert follow_up(teams_bot).status is DeliveryStatus.PENDING
    assert follow_up(teams_bot).due_at >= due + timedelta(seconds=waits)
    tick(teams_bot, due, waits + 1)
    assert len(asked(fake_microsoft)) == 2
    assert follow_up(teams_bot).status is DeliveryStatus.SENT


def test_a_server_error_backs_off_and_then_goes_through(teams_bot, due, fake_microsoft):
    fake_microsoft.fail_next("activities.create", 502)
    tick(teams_bot, due)
    failed = follow_up(teams_bot)
    assert failed.status is DeliveryStatus.PENDING and failed.attempts == 1 and failed.due_at > due
    tick(teams_bot, failed.due_at)
    assert follow_up(teams_bot).status is DeliveryStatus.SENT


def test_a_conversation_that_is_gone_fails_at_once(teams_bot, due, fake_microsoft):
    gone = {"error": {"code": "ConversationNotFound", "message": "Conversation not found."}}
    fake_microsoft.fail_next("activities.create", 404, body=gone)
    tick(teams_bot, due)
    assert follow_up(teams_bot).status is DeliveryStatus.DEAD
    assert len(asked(fake_microsoft)) == 1


def test_refused_credentials_hold_the_tenant_until_a_token_can_be_had(teams_bot, due, fake_microsoft, database_url):
    fake_microsoft.refuse_credentials()
    tick(teams_bot, due)
    assert asked(fake_microsoft) == []
    assert follow_up(teams_bot).status is DeliveryStatus.PENDING
    [hold] = rows(database_url, SendingHold)
    assert (hold.platform, hold.tenant_id) == (Platform.TEAMS, TENANT_ID)

    fake_microsoft.refusing_credentials = False
    tick(teams_bot, hold.check_after, 1)
    assert rows(database_url, SendingHold) == []
    assert follow_up(teams_bot).status is DeliveryStatus.SENT
