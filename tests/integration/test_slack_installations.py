"""Slack's installations on the project's database (SQLite and PostgreSQL): migration 0014
builds the tables slack_sdk's stores use; an installation is found by its workspace, newest
first, whatever Enterprise Grid org it is in; a state is consumed once, and never once expired;
a rotating token is refreshed once however many sends want it at the same time, and a refresh
Slack refuses holds the workspace rather than failing a send for good; a token Slack refuses
after another process installed the workspace again is replaced at once."""

from __future__ import annotations

import asyncio
import time

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import inspect

from bot.config import load_settings
from bot.messages import Message
from bot.model import Platform
from bot.ports import Recipient, SendFailed
from bot.storage import make_engine, upgrade
from handlers.pacing import Pacer
from handlers.slack.installs import Installations, OAuthStates
from handlers.slack.messenger import SlackMessenger
from handlers.slack.workspace import InstalledWorkspaces, installed_workspaces
from testkit.slack_api import ROTATING_TOKEN_EXPIRES_IN
from tests.integration.test_migration_0003 import table_sizes
from tests.integration.test_migration_0007 import _downgrade

CLIENT_ID = "1111.2222"
TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}


def installation(team_id: str, token: str, enterprise_id: str | None = None, **rotation) -> Installation:
    return Installation(
        app_id="AFAKE",
        enterprise_id=enterprise_id,
        team_id=team_id,
        bot_token=token,
        bot_id="BFAKE",
        bot_user_id="UBOT",
        bot_scopes="commands,chat:write",
        user_id="UINSTALLER",
        **rotation,
    )


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_migration_0014_builds_the_stores_tables_and_its_downgrade_drops_only_them(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0013")
        before = table_sizes(engine)
        upgrade(engine, "0014")
        assert set(inspect(engine).get_table_names()) - set(before) - {"alembic_version"} == TABLES

        store = Installations(engine, CLIENT_ID)
        asyncio.run(store.async_save(installation("T1", "xoxb-1")))
        assert asyncio.run(store.bot_of("T1")).bot_token == "xoxb-1"

        _downgrade(engine, "0013")
        assert table_sizes(engine) == before
    finally:
        engine.dispose()


def test_an_installation_is_found_by_its_workspace_newest_first_and_deleted_with_its_workspace(engine):
    store = Installations(engine, CLIENT_ID)

    async def exercise():
        await store.async_save(installation("T1", "xoxb-old", installed_at=time.time() - 60))
        await store.async_save(installation("T1", "xoxb-new"))
        await store.async_save(installation("T2", "xoxb-grid", enterprise_id="E1"))
        found = [(await store.bot_of(team)) for team in ("T1", "T2", "T3")]
        await store.async_delete_all(enterprise_id=None, team_id="T1")
        return found, await store.bot_of("T1"), await store.bot_of("T2")

    (t1, t2, t3), t1_after, t2_after = asyncio.run(exercise())
    assert (t1.bot_token, t2.bot_token, t3) == ("xoxb-new", "xoxb-grid", None)
    assert t1_after is None and t2_after.bot_token == "xoxb-grid"


def test_a_state_is_consumed_once_and_never_once_expired(engine):
    async def exercise():
        states, expired = OAuthStates(engine), OAuthStates(engine, expiration_seconds=-1)
        issued, stale = await states.async_issue(), await expired.async_issue()
        return [
            await states.async_consume(issued),
            await states.async_consume(issued),
            await states.async_consume(stale),
        ]

    assert asyncio.run(exercise()) == [True, False, False]


def rotating_workspaces(database_url, fake_slack, engine, expires_in: int) -> InstalledWorkspaces:
    environment = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": "secret", "SLACK_API_URL": fake_slack.api_url}
    workspaces = installed_workspaces(load_settings({"DATABASE_URL": database_url, **environment}), engine)
    fake_slack.refresh_tokens["xoxe-1-first"] = "T1"
    rotating = {"bot_refresh_token": "xoxe-1-first", "bot_token_expires_in": expires_in}
    asyncio.run(workspaces.installations.async_save(installation("T1", "xoxb-first", **rotating)))
    return workspaces


def test_a_token_due_for_a_refresh_is_refreshed_once_for_every_send_that_wants_it(database_url, fake_slack, engine):
    workspaces = rotating_workspaces(database_url, fake_slack, engine, expires_in=60 * 60)  # due: within 2 hours

    async def ten_sends_at_once():
        return await asyncio.gather(*(workspaces.client_for("T1") for _ in range(10)))

    clients = asyncio.run(ten_sends_at_once())
    [refresh] = fake_slack.calls_to("oauth.v2.access", grant_type="refresh_token")
    assert refresh.args["refresh_token"] == "xoxe-1-first"
    assert {client.token for client in clients} == {fake_slack.tokens_of("T1")[-1]}
    stored = asyncio.run(workspaces.installations.bot_of("T1"))
    assert stored.bot_token == fake_slack.tokens_of("T1")[-1]
    assert stored.bot_token_expires_at > time.time() + ROTATING_TOKEN_EXPIRES_IN - 60


def test_a_refresh_slack_refuses_holds_the_workspace(database_url, fake_slack, engine):
    workspaces = rotating_workspaces(database_url, fake_slack, engine, expires_in=60 * 60)
    fake_slack.refresh_tokens.clear()  # Slack no longer knows the refresh token

    with pytest.raises(SendFailed) as refused:
        asyncio.run(workspaces.client_for("T1"))
    assert refused.value.credentials_refused and "invalid_refresh_token" in refused.value.reason
    assert fake_slack.calls_to("oauth.v2.access", grant_type="refresh_token")  # it was asked


def test_a_workspace_not_installed_is_held_not_given_up(database_url, fake_slack, engine):
    workspaces = rotating_workspaces(database_url, fake_slack, engine, expires_in=ROTATING_TOKEN_EXPIRES_IN)

    assert asyncio.run(workspaces.client_for("T1")).token == "xoxb-first"  # not due: no refresh
    with pytest.raises(SendFailed) as refused:
        asyncio.run(workspaces.client_for("TOTHER"))
    assert refused.value.credentials_refused and not refused.value.permanent
    assert fake_slack.calls_to("oauth.v2.access") == []


def test_a_token_refused_after_another_process_installed_the_workspace_again_is_replaced_at_once(
    database_url, fake_slack, engine
):
    workspaces = rotating_workspaces(database_url, fake_slack, engine, expires_in=ROTATING_TOKEN_EXPIRES_IN)
    messenger = SlackMessenger(workspaces, lambda: Pacer(1000))
    fake_slack.add_user("UALICE", "Europe/Berlin")
    assert asyncio.run(messenger.user_timezone(Recipient(Platform.SLACK, "T1", "UALICE"))) == "Europe/Berlin"

    # Another replica installs the workspace again: Slack revokes the token this one knows.
    asyncio.run(workspaces.installations.async_save(installation("T1", "xoxb-second")))
    fake_slack.refuse_token("xoxb-first")
    sent = asyncio.run(messenger.send_direct(Recipient(Platform.SLACK, "T1", "UALICE"), Message.text("Hello")))

    assert sent.tenant_id == "T1"
    assert [(call.args["token"], call.answer["ok"]) for call in fake_slack.calls_to("chat.postMessage")] == [
        ("xoxb-first", False),
        ("xoxb-second", True),
    ]
