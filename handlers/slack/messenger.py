"""The core's Messenger over Slack's Web API, with Slack's errors mapped to the core's."""

from __future__ import annotations

import asyncio

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import Message
from bot.ports import MessageRef, SendFailed, UnknownUser
from handlers.slack.render import fallback_text, message_parts

PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "user_disabled",
        "messages_tab_disabled",
    }
)
DEFAULT_RETRY_AFTER_SECONDS = 30


class SlackMessenger:
    def __init__(self, client: AsyncWebClient):
        self.client = client

    async def user_timezone(self, user_id: str) -> str:
        try:
            response = await self._call(self.client.users_info, user=user_id)
        except SendFailed as failure:
            if failure.reason in ("user_not_found", "users_not_found"):
                raise UnknownUser(user_id) from None
            raise
        return response["user"].get("tz") or "UTC"

    async def send_direct(self, user_id: str, message: Message) -> MessageRef:
        # Posting to a user ID delivers to the app's direct message with them.
        return await self.post_to_channel(user_id, message)

    async def post_to_channel(self, channel_id: str, message: Message) -> MessageRef:
        first, *rest = message_parts(message)
        text = fallback_text(message)
        response = await self._call(self.client.chat_postMessage, channel=channel_id, text=text, blocks=first)
        ref = MessageRef(response["channel"], response["ts"])
        for part in rest:
            await self._call(
                self.client.chat_postMessage,
                channel=ref.channel_id,
                thread_ts=ref.message_id,
                text=f"{text} (continued)",
                blocks=part,
            )
        return ref

    async def update(self, ref: MessageRef, message: Message) -> None:
        await self._call(
            self.client.chat_update,
            channel=ref.channel_id,
            ts=ref.message_id,
            text=fallback_text(message),
            blocks=message_parts(message)[0],
        )

    async def whisper(self, channel_id: str, user_id: str, message: Message) -> None:
        await self._call(
            self.client.chat_postEphemeral,
            channel=channel_id,
            user=user_id,
            text=fallback_text(message),
            blocks=message_parts(message)[0],
        )

    async def _call(self, method, **arguments):
        try:
            return await method(**arguments)
        except SlackApiError as error:
            raise _failure(error) from None
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise SendFailed(f"network: {type(error).__name__}") from None


def _failure(error: SlackApiError) -> SendFailed:
    response = error.response
    code = response.get("error", "") if isinstance(response.data, dict) else ""
    if response.status_code == 429:
        raw = response.headers.get("Retry-After") or response.headers.get("retry-after")
        seconds = float(raw) if raw and raw.replace(".", "", 1).isdigit() else DEFAULT_RETRY_AFTER_SECONDS
        return SendFailed("ratelimited", retry_after=seconds)
    if code in PERMANENT_ERRORS:
        return SendFailed(code, permanent=True)
    return SendFailed(code or f"http {response.status_code}")
