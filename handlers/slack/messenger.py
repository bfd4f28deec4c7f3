"""The core's Messenger over Slack's Web API, with Slack's errors mapped to the core's.
Each workspace (the core's tenant) is paced on its own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.messages import Message
from bot.model import Platform
from bot.ports import MessageRef, Recipient, SendFailed, UnknownUser
from handlers.pacing import Pacer
from handlers.slack import pictures
from handlers.slack.render import fallback_text, message_parts, picture_block

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired"})
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


def web_client(settings: Settings) -> AsyncWebClient:
    return AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)


def slack_messenger(settings: Settings) -> SlackMessenger:
    """The messenger `serve` and `tick` post with; `tick` needs nothing else of Slack's (Bolt's app is `serve`'s)."""
    pacing = settings.slack_messages_per_second, settings.slack_channel_interval_seconds
    return SlackMessenger(web_client(settings), lambda: Pacer(pacing[0], per_channel=pacing[1]))


class SlackMessenger:
    platform = Platform.SLACK

    def __init__(self, client: AsyncWebClient, new_pacer: Callable[[], Pacer]):
        self.client = client
        self._new_pacer = new_pacer
        self._pacers: dict[str, Pacer] = {}

    async def user_timezone(self, person: Recipient) -> str:
        try:
            response = await self._call(self.client.users_info, user=person.id)
        except SendFailed as failure:
            if failure.reason in ("user_not_found", "users_not_found"):
                raise UnknownUser(person.id) from None
            raise
        return response["user"].get("tz") or "UTC"

    async def is_admin(self, person: Recipient) -> bool:
        response = await self._call(self.client.users_info, user=person.id)
        return bool(response["user"].get("is_admin") or response["user"].get("is_owner"))

    async def send_direct(self, person: Recipient, message: Message) -> MessageRef:
        # Posting to a user ID delivers to the app's direct message with them.
        return await self.post_to_channel(person, message)

    async def post_to_channel(self, channel: Recipient, message: Message) -> MessageRef:
        first, *rest = message_parts(replace(message, images=()))
        text = fallback_text(message)
        pacer = self._pacer(channel.tenant_id)
        response = await self._post(pacer, channel.id, text=text, blocks=first)
        ref = MessageRef(Platform.SLACK, channel.tenant_id, response["channel"], response["ts"])
        for part in rest:
            await self._post(pacer, ref.channel_id, thread_ts=ref.message_id, text=f"{text} (continued)", blocks=part)
        if message.images:
            await self._pictures_in_thread(pacer, ref, message)
        return ref

    async def _pictures_in_thread(self, pacer: Pacer, ref: MessageRef, message: Message) -> None:
        """The message's pictures as files in its thread, or else their alt text there. The message
        is sent whatever happens to them, so a failure here is not the message's."""
        try:
            await self._call(
                pictures.in_thread,
                client=self.client,
                channel_id=ref.channel_id,
                thread_ts=ref.message_id,
                images=message.images,
            )
            return
        except SendFailed as failure:
            log.warning("could not upload a message's pictures, so their alt text is posted: %s", failure.reason)
        blocks = [picture_block(image, {}) for image in message.images]
        try:
            await self._post(
                pacer, ref.channel_id, thread_ts=ref.message_id, text=fallback_text(message), blocks=blocks
            )
        except SendFailed as failure:
            log.warning("could not post a message's pictures' alt text: %s", failure.reason)

    async def update(self, ref: MessageRef, message: Message) -> None:
        await self._call(
            self.client.chat_update,
            channel=ref.channel_id,
            ts=ref.message_id,
            text=fallback_text(message),
            blocks=message_parts(message)[0],
        )

    async def send_files(self, person: Recipient, message: Message, files: list[tuple[str, bytes]]) -> None:
        opened = await self._call(self.client.conversations_open, users=person.id)
        uploads = [{"content": content, "filename": name, "title": name} for name, content in files]
        await self._call(
            self.client.files_upload_v2,
            channel=opened["channel"]["id"],
            initial_comment=fallback_text(message),
            file_uploads=uploads,
        )

    async def credentials_work(self, tenant_id: str) -> bool:
        try:
            await self._call(self.client.auth_test)
        except SendFailed:
            return False
        return True

    def _pacer(self, tenant_id: str) -> Pacer:
        if tenant_id not in self._pacers:
            self._pacers[tenant_id] = self._new_pacer()
        return self._pacers[tenant_id]

    async def _post(self, pacer: Pacer, channel: str, **arguments):
        if blocked := pacer.blocked_for():
            raise SendFailed("ratelimited", retry_after=blocked)
        await pacer.wait_turn(channel)
        try:
            return await self._call(self.client.chat_postMessage, channel=channel, **arguments)
        except SendFailed as failure:
            if failure.retry_after is not None:
                pacer.block(failure.retry_after)
            raise

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
    if code in TOKEN_ERRORS:
        return SendFailed(code, credentials_refused=True)
    return SendFailed(code or f"http {response.status_code}")
