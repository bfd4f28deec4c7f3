"""The one Slack workspace a bot token serves, and who the bot is there.

Bolt asks Slack who the bot is (`auth.test`) on the first requests it gets, before their acks, and
asks again for each of them that comes before the first answer. Asked here once at start-up, the
acks never wait on Slack; if Slack cannot be reached then, the first request asks."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)
ASK_AT_START_SECONDS = 5.0  # the server takes no request until start-up is over


class OneWorkspace(AsyncAuthorize):
    def __init__(self, client: AsyncWebClient):
        self.client = client
        self._identity: AuthorizeResult | None = None

    async def learn(self) -> None:
        try:
            await asyncio.wait_for(self._known(), ASK_AT_START_SECONDS)
        except (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            reason = type(error).__name__ if isinstance(error, asyncio.TimeoutError) else error
            log.warning("could not ask Slack who the bot is at start-up (%s); the first request will", reason)

    async def __call__(self, *, context, enterprise_id, team_id, user_id, **_) -> AuthorizeResult:
        return await self._known()

    async def _known(self) -> AuthorizeResult:
        if self._identity is None:
            response = await self.client.auth_test()
            self._identity = AuthorizeResult.from_auth_test_response(
                auth_test_response=response, bot_token=self.client.token
            )
        return self._identity
