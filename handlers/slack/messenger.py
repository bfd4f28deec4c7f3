"""The core's Messenger over Slack's Web API, with Slack's errors mapped to the core's.
Each workspace (the core's tenant) is paced on its own, and called with its own token."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.messages import Message
from bot.model import Platform
from bot.ports import MessageRef, Recipient, SendFailed, UnknownUser
from bot.storage import StorageFault
from handlers.pacing import Pacer
from handlers.slack import pictures
from handlers.slack.render import fallback_text, message_parts, picture_block
from handlers.slack.workspace import OneWorkspace, Workspaces

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


def slack_messenger(settings: Settings, workspaces: Workspaces | None = None) -> SlackMessenger:
    """The messenger `serve` and `tick` post with; `tick` needs nothing else of Slack's (Bolt's
    app is `serve`'s). Without `workspaces`, the one workspace of SLACK_BOT_TOKEN."""
    pacing = settings.slack_messages_per_second, settings.slack_channel_interval_seconds
    return SlackMessenger(workspaces or web_client(settings), lambda: Pacer(pacing[0], per_channel=pacing[1]))


class SlackMessenger:
    platform = Platform.SLACK

    def __init__(self, workspaces: Workspaces | AsyncWebClient, new_pacer: Callable[[], Pacer]):
        """`workspaces`: where each workspace's token comes from, or the client of a bot token's one workspace."""
        self.workspaces = OneWorkspace(workspaces) if isinstance(workspaces, AsyncWebClient) else workspaces
        self._new_pacer = new_pacer
        self._pacers: dict[str, Pacer] = {}

    async def user_timezone(self, person: Recipient) -> str:
        try:
            response = await self._call(person.tenant_id, "users_info", user=person.id)
        except SendFailed as failure:
            if failure.reason in ("user_not_found", "users_not_found"):
                raise UnknownUser(person.id) from None
            raise
        return response["user"].get("tz") or "UTC"

    async def is_admin(self, person: Recipient) -> bool:
        response = await self._call(person.tenant_id, "users_info", user=person.id)
        return bool(response["user"].get("is_admin") or response["user"].get("is_owner"))

    async def send_direct(self, person: Recipient, message: Message) -> MessageRef:
        # Posting to a user ID delivers to the app's direct message with them.
        return await self.post_to_channel(person, message)

    async def post_to_channel(self, channel: Recipient, message: Message) -> MessageRef:
        first, *rest = message_parts(replace(message, images=()))
        text = fallback_text(message)
        pacer = self._pacer(channel.tenant_id)
        response = await self._post(channel.tenant_id, pacer, channel.id, text=text, blocks=first)
        ref = MessageRef(Platform.SLACK, channel.tenant_id, response["channel"], response["ts"])
        for part in rest:
            thread = {"thread_ts": ref.message_id, "text": f"{text} (continued)", "blocks": part}
            await self._post(channel.tenant_id, pacer, ref.channel_id, **thread)
        if message.images:
            await self._pictures_in_thread(pacer, ref, message)
        return ref

    async def _pictures_in_thread(self, pacer: Pacer, ref: MessageRef, message: Message) -> None:
        """The message's pictures as files in its thread, or else their alt text there. The message
        is sent whatever happens to them, so a failure here is not the message's."""
        try:
            await self._using(
                ref.tenant_id,
                lambda client: pictures.in_thread(client, ref.channel_id, ref.message_id, message.images),
            )
            return
        except SendFailed as failure:
            log.warning("could not upload a message's pictures, so their alt text is posted: %s", failure.reason)
        blocks = [picture_block(image, {}) for image in message.images]
        try:
            thread = {"thread_ts": ref.message_id, "text": fallback_text(message), "blocks": blocks}
            await self._post(ref.tenant_id, pacer, ref.channel_id, **thread)
        except SendFailed as failure:
            log.warning("could not post a message's pictures' alt text: %s", failure.reason)

    async def update(self, ref: MessageRef, message: Message) -> None:
        await self._call(
            ref.tenant_id,
            "chat_update",
            channel=ref.channel_id,
            ts=ref.message_id,
            text=fallback_text(message),
            blocks=message_parts(message)[0],
        )

    async def send_files(self, person: Recipient, message: Message, files: list[tuple[str, bytes]]) -> None:
        opened = await self._call(person.tenant_id, "conversations_open", users=person.id)
        uploads = [{"content": content, "filename": name, "title": name} for name, content in files]
        await self._call(
            person.tenant_id,
            "files_upload_v2",
            channel=opened["channel"]["id"],
            initial_comment=fallback_text(message),
            file_uploads=uploads,
        )

    async def credentials_work(self, tenant_id: str) -> bool:
        try:
            await self._call(tenant_id, "auth_test")
        except SendFailed:
            return False
        return True

    def _pacer(self, tenant_id: str) -> Pacer:
        if tenant_id not in self._pacers:
            self._pacers[tenant_id] = self._new_pacer()
        return self._pacers[tenant_id]

    async def _post(self, tenant_id: str, pacer: Pacer, channel: str, **arguments):
        if blocked := pacer.blocked_for():
            raise SendFailed("ratelimited", retry_after=blocked)
        await pacer.wait_turn(channel)
        try:
            return await self._call(tenant_id, "chat_postMessage", channel=channel, **arguments)
        except SendFailed as failure:
            if failure.retry_after is not None:
                pacer.block(failure.retry_after)
            raise

    async def _call(self, tenant_id: str, method: str, **arguments):
        """`method` of the Web API, with the workspace's token."""
        return await self._using(tenant_id, lambda client: getattr(client, method)(**arguments))

    async def _using(self, tenant_id: str, work: Callable[[AsyncWebClient], Awaitable]):
        """`work` with a client holding the workspace's token; once more with a new token if Slack
        refused this one and a new one was to be had (an expired rotating token)."""
        try:
            return await self._once(tenant_id, work)
        except SendFailed as failure:
            if not (failure.credentials_refused and await self.workspaces.refused(tenant_id, failure.reason)):
                raise
        return await self._once(tenant_id, work)

    async def _once(self, tenant_id: str, work: Callable[[AsyncWebClient], Awaitable]):
        try:
            return await work(await self.workspaces.client_for(tenant_id))
        except SlackApiError as error:
            raise _failure(error) from None
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise SendFailed(f"network: {type(error).__name__}") from None
        except StorageFault:  # reading the workspace's installation: tried again later, as a network error is
            raise SendFailed("the installation could not be read") from None


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
