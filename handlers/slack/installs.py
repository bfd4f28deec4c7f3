"""Installing the app to any workspace through Slack's OAuth: where each workspace's
installation and the OAuth flow's states live (slack_sdk's SQLAlchemy stores, on the project's
database and on the tables of tables.py, built by migration 0014), and the flow's settings.

The stores' calls run on the database's threads, so that the event loop stays free."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from logging import Logger
from typing import Optional
from urllib.parse import urljoin

from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import and_, desc, or_
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.storage import WORK_BEFORE_ACK
from handlers.slack.tables import SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_OAUTH_STATES

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRES_SECONDS = 10 * 60  # from the "Add to Slack" page to Slack's redirect back


class _InstallationTables(SQLAlchemyInstallationStore):
    """slack_sdk's store on the project's tables rather than on tables of its own."""

    @classmethod
    def build_installations_table(cls, metadata, table_name):
        return SLACK_INSTALLATIONS

    @classmethod
    def build_bots_table(cls, metadata, table_name):
        return SLACK_BOTS

    def bot_of(self, tenant_id: str) -> Bot | None:
        """The newest bot installed to the workspace `tenant_id` (whatever Enterprise Grid org it
        is in) or, installed org-wide, to the org."""
        c = self.bots.c
        in_tenant = or_(c.team_id == tenant_id, and_(c.team_id.is_(None), c.enterprise_id == tenant_id))
        query = (
            self.bots.select()
            .where(c.client_id == self.client_id, in_tenant, c.bot_token.is_not(None))
            .order_by(desc(c.installed_at))
            .limit(1)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else self.build_bot_entity(row)


class _StateTable(SQLAlchemyOAuthStateStore):
    @classmethod
    def build_oauth_states_table(cls, metadata, table_name):
        return SLACK_OAUTH_STATES


async def _on_database_thread(work: Callable, /, *arguments, **keywords):
    # Requests wait for these before their acks (the workspace's token), hence those threads.
    return await asyncio.get_running_loop().run_in_executor(
        WORK_BEFORE_ACK, functools.partial(work, *arguments, **keywords)
    )


class Installations(AsyncInstallationStore):
    """Each workspace's installation: its bot token, and with token rotation its refresh token
    and when the token expires."""

    def __init__(self, engine: Engine, client_id: str):
        self._store = _InstallationTables(client_id=client_id, engine=engine, logger=log)

    @property
    def logger(self) -> Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await _on_database_thread(self._store.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await _on_database_thread(self._store.save_bot, bot)

    async def async_find_bot(
        self, *, enterprise_id: Optional[str], team_id: Optional[str], is_enterprise_install: Optional[bool] = False
    ) -> Optional[Bot]:
        return await _on_database_thread(
            self._store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: Optional[str],
        team_id: Optional[str],
        user_id: Optional[str] = None,
        is_enterprise_install: Optional[bool] = False,
    ) -> Optional[Installation]:
        return await _on_database_thread(
            self._store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: Optional[str], team_id: Optional[str]) -> None:
        await _on_database_thread(self._store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: Optional[str], team_id: Optional[str], user_id: Optional[str] = None
    ) -> None:
        await _on_database_thread(
            self._store.delete_installation, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    async def bot_of(self, tenant_id: str) -> Bot | None:
        return await _on_database_thread(self._store.bot_of, tenant_id)


class OAuthStates(AsyncOAuthStateStore):
    """The `state` of each OAuth flow begun on the install page, kept in the database so that
    any replica can finish it, and consumed once."""

    def __init__(self, engine: Engine, expiration_seconds: int = STATE_EXPIRES_SECONDS):
        self._store = _StateTable(expiration_seconds=expiration_seconds, engine=engine, logger=log)

    @property
    def logger(self) -> Logger:
        return log

    async def async_issue(self, *args, **kwargs) -> str:
        return await _on_database_thread(self._store.issue)

    async def async_consume(self, state: str) -> bool:
        return await _on_database_thread(self._store.consume, state)


def slack_site(api_url: str) -> str:
    """Slack's site for an API base URL: https://slack.com/ for https://slack.com/api/."""
    return urljoin(api_url, "/")


def oauth_settings(
    settings: Settings,
    installations: Installations,
    states: OAuthStates,
    on_installed: Callable[[Installation], Awaitable[None]],
) -> AsyncOAuthSettings:
    """GET /slack/install shows the "Add to Slack" page; Slack sends the installer back to
    GET /slack/oauth_redirect, whose state must be the one issued to that browser, unused and
    unexpired."""

    async def installed(arguments: AsyncSuccessArgs) -> BoltResponse:
        await on_installed(arguments.installation)
        return await arguments.default.success(arguments)

    async def not_installed(arguments: AsyncFailureArgs) -> BoltResponse:
        log.warning("a Slack installation was refused: %s", arguments.reason)
        return await arguments.default.failure(arguments)

    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(settings.slack_scopes),
        user_scopes=[],
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=urljoin(slack_site(settings.slack_api_url), "oauth/v2/authorize"),
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=states,
        state_expiration_seconds=STATE_EXPIRES_SECONDS,
        callback_options=AsyncCallbackOptions(success=installed, failure=not_installed),
    )
