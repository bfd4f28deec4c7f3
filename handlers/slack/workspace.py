"""Which token a workspace's requests and sends use: the one SLACK_BOT_TOKEN's workspace
(OneWorkspace), or each workspace the app is installed to through OAuth (InstalledWorkspaces).
Each is also Bolt's authorize, so that requests and scheduled sends take their token from the
same place.

Bolt asks Slack who the bot is (`auth.test`) on the first requests it gets, before their acks, and
asks again for each of them that comes before the first answer. Asked here once at start-up, the
acks never wait on Slack; if Slack cannot be reached then, the first request asks. An installed
workspace's installation already says who the bot is there."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Protocol

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.ports import SendFailed
from bot.storage import StorageFault
from handlers.slack.failures import SLACK_FAILURES, reason
from handlers.slack.installs import Installations

log = logging.getLogger(__name__)
ASK_AT_START_SECONDS = 5.0  # the server takes no request until start-up is over
# A rotating token (12 hours) is refreshed this long before it expires, as Bolt does by default.
REFRESH_MINUTES_BEFORE_EXPIRY = 120
NO_INSTALLATION = "not_installed"  # the reason a send to a workspace not installed fails


class Workspaces(Protocol):
    async def client_for(self, tenant_id: str) -> AsyncWebClient:
        """A Web API client with the workspace's token; raises SendFailed (credentials refused)
        when there is none."""
        ...

    async def refused(self, tenant_id: str, error: str) -> bool:
        """Slack refused the workspace's token with `error`: whether a new one is to be had, so
        that the call is worth making once more."""
        ...

    async def uninstalled(self, enterprise_id: str | None, team_id: str | None) -> None:
        """The app was removed from the workspace (Slack's `app_uninstalled`)."""
        ...

    async def revoked(self, enterprise_id: str | None, team_id: str | None, bot: bool, users: list[str]) -> None:
        """Slack revoked the bot's token there, if `bot`, and those of `users` (`tokens_revoked`)."""
        ...


class OneWorkspace(AsyncAuthorize):
    def __init__(self, client: AsyncWebClient):
        self.client = client
        self._identity: AuthorizeResult | None = None

    async def learn(self) -> str | None:
        """Ask Slack who the bot is; the workspace the token serves, or None if Slack could not say."""
        try:
            identity = await asyncio.wait_for(self._known(), ASK_AT_START_SECONDS)
        except SLACK_FAILURES as error:
            why = type(error).__name__ if isinstance(error, asyncio.TimeoutError) else error
            log.warning("could not ask Slack who the bot is at start-up (%s); the first request will", why)
            return None
        return identity.team_id or identity.enterprise_id

    async def __call__(self, *, context, enterprise_id, team_id, user_id, **_) -> AuthorizeResult:
        return await self._known()

    async def client_for(self, tenant_id: str) -> AsyncWebClient:
        return self.client

    async def refused(self, tenant_id: str, error: str) -> bool:
        return False  # a new token comes only with a restart

    async def uninstalled(self, enterprise_id: str | None, team_id: str | None) -> None:
        log.warning("the app was removed from Slack workspace %s: SLACK_BOT_TOKEN no longer works there", team_id)

    async def revoked(self, enterprise_id: str | None, team_id: str | None, bot: bool, users: list[str]) -> None:
        if bot:
            log.warning("Slack revoked SLACK_BOT_TOKEN in workspace %s", team_id)

    async def _known(self) -> AuthorizeResult:
        if self._identity is None:
            response = await self.client.auth_test()
            self._identity = AuthorizeResult.from_auth_test_response(
                auth_test_response=response, bot_token=self.client.token
            )
        return self._identity


class InstalledWorkspaces(AsyncAuthorize):
    """Each workspace's bot, read from its installation once and kept until its token is due
    for a refresh or Slack refuses it. A rotating token is refreshed through the installation
    store before it expires, once at a time per workspace, and at once when Slack says it has
    expired."""

    def __init__(self, installations: Installations, rotator: AsyncTokenRotator, api_url: str):
        self.installations = installations
        self.rotator = rotator
        self.api_url = api_url
        self._bots: dict[str, Bot] = {}
        self._clients: dict[str, AsyncWebClient] = {}  # by token
        self._locks: dict[str, asyncio.Lock] = {}

    async def __call__(self, *, context, enterprise_id, team_id, user_id, **_) -> AuthorizeResult | None:
        tenant_id = team_id or enterprise_id or ""
        try:
            bot = await self._bot(tenant_id)
        except (SendFailed, StorageFault, aiohttp.ClientError, asyncio.TimeoutError) as error:
            log.warning("no usable Slack installation for workspace %s: %s", tenant_id, reason(error))
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
        )

    async def client_for(self, tenant_id: str) -> AsyncWebClient:
        token = (await self._bot(tenant_id)).bot_token
        if token not in self._clients:
            self._clients = {old: client for old, client in self._clients.items() if self._in_use(old)}
            self._clients[token] = AsyncWebClient(token=token, base_url=self.api_url)
        return self._clients[token]

    async def refused(self, tenant_id: str, error: str) -> bool:
        refused = self._bots.pop(tenant_id, None)
        if refused is None:
            return False
        if error == "token_expired" and refused.bot_refresh_token is not None:
            self._bots[tenant_id] = Bot(**{**refused.to_dict_for_copying(), "bot_token_expires_at": int(time.time())})
            return True
        try:  # installed again, or refreshed, by another process meanwhile?
            stored = await self.installations.bot_of(tenant_id)
        except StorageFault:
            return False
        return stored is not None and stored.bot_token != refused.bot_token

    async def uninstalled(self, enterprise_id: str | None, team_id: str | None) -> None:
        await self.installations.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
        self.forget(team_id or enterprise_id or "")
        log.info("the app was removed from Slack workspace %s: its installation is deleted", team_id)

    async def revoked(self, enterprise_id: str | None, team_id: str | None, bot: bool, users: list[str]) -> None:
        for user_id in users:
            await self.installations.async_delete_installation(
                enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
            )
        if users:
            log.info("Slack revoked %d user token(s) in workspace %s: they are deleted", len(users), team_id)
        if bot:
            await self.installations.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
            self.forget(team_id or enterprise_id or "")
            log.info("Slack revoked the bot's token in workspace %s: it is deleted", team_id)

    def forget(self, tenant_id: str) -> None:
        """Read the workspace's installation again when next needed: it was installed again, or removed."""
        self._bots.pop(tenant_id, None)

    async def _bot(self, tenant_id: str) -> Bot:
        bot = self._bots.get(tenant_id)
        if bot is None or _due(bot):
            async with self._locks.setdefault(tenant_id, asyncio.Lock()):
                bot = self._bots.get(tenant_id)
                if bot is None or _due(bot):
                    bot = await self._read_and_refresh(tenant_id, bot)
                    self._bots[tenant_id] = bot
        return bot

    async def _read_and_refresh(self, tenant_id: str, known: Bot | None) -> Bot:
        stored = await self.installations.bot_of(tenant_id)
        if stored is None:
            raise SendFailed(NO_INSTALLATION, credentials_refused=True)
        # Slack said the known token has expired, though the store may not know it: refresh it.
        bot = known if known is not None and known.bot_token == stored.bot_token else stored
        if not _due(bot):
            return bot
        try:
            refreshed = await self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=REFRESH_MINUTES_BEFORE_EXPIRY
            )
        except SlackTokenRotationError as error:
            raise SendFailed(f"token refresh refused: {reason(error.api_error)}", credentials_refused=True) from None
        if refreshed is None:  # Slack answered with no bot token
            raise SendFailed("token refresh refused", credentials_refused=True)
        await self.installations.async_save_bot(refreshed)
        log.info("refreshed the Slack token of workspace %s", tenant_id)
        return refreshed

    def _in_use(self, token: str) -> bool:
        return any(bot.bot_token == token for bot in self._bots.values())


def _due(bot: Bot) -> bool:
    expires_at = bot.bot_token_expires_at
    return expires_at is not None and expires_at <= time.time() + REFRESH_MINUTES_BEFORE_EXPIRY * 60


def installed_workspaces(settings: Settings, engine: Engine) -> InstalledWorkspaces:
    """The workspaces installed to through OAuth, for the app SLACK_CLIENT_ID."""
    assert settings.slack_client_id and settings.slack_client_secret  # served_platforms requires them
    client = AsyncWebClient(base_url=settings.slack_api_url)
    rotator = AsyncTokenRotator(
        client_id=settings.slack_client_id, client_secret=settings.slack_client_secret, client=client
    )
    return InstalledWorkspaces(Installations(engine, settings.slack_client_id), rotator, settings.slack_api_url)
