"""The core's Messenger over the Bot Connector: Adaptive Cards in 1:1 chats and channels, and
files through Teams' consent cards, with the Connector's errors mapped to the core's. Each
tenant (a Teams organization) is paced on its own. The SDK does not retry; the core does."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any, TypeVar

import httpx
from microsoft_teams.api import (
    Account,
    Attachment,
    CreateConversationParams,
    FileConsentCard,
    FileInfoCard,
    FileUploadInfo,
    MessageActivityInput,
)
from microsoft_teams.apps.utils.thread import to_threaded_conversation_id
from microsoft_teams.cards import AdaptiveCard

from bot.chart_links import ChartLinks
from bot.messages import Image, Mention, Message, Span, images_of
from bot.model import Platform
from bot.ports import MessageRef, Recipient, SendFailed
from handlers.pacing import Pacer
from handlers.teams import pictures
from handlers.teams.addresses import Conversation
from handlers.teams.connector import Connector, CredentialsRefused, TokenUnavailable
from handlers.teams.files import PendingUploads
from handlers.teams.render import fallback_text, message_cards

FILE_CONSENT_CARD = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO_CARD = "application/vnd.microsoft.teams.card.file.info"
# The conversation is gone, the bot is not in its roster, or the user left or blocked the bot.
PERMANENT_STATUSES = frozenset({403, 404})
DEFAULT_RETRY_AFTER_SECONDS = 30
UPLOAD_TIMEOUT_SECONDS = 60

T = TypeVar("T")


class TeamsMessenger:
    platform = Platform.TEAMS

    def __init__(self, connector: Connector, new_pacer: Callable[[], Pacer], uploads: PendingUploads | None = None):
        self.connector = connector
        self.uploads = uploads or PendingUploads()
        self._new_pacer = new_pacer
        self._pacers: dict[str, Pacer] = {}
        # The chats this process opened, for replies to someone who wrote in a channel (whose
        # activity does not say where their chat is); the core keeps those a delivery opened.
        self._opened: dict[tuple[str, str], Conversation] = {}
        self.links: ChartLinks | None = None  # where `serve` serves charts too large for a card (PUBLIC_URL)

    async def _pictures(self, message: Message) -> dict[Image, str]:
        return await pictures.sources(images_of(message), self.links)

    async def user_timezone(self, person: Recipient) -> str | None:
        """None: the Bot Connector cannot tell (each activity a user sends carries their zone instead)."""
        return None

    async def is_admin(self, person: Recipient) -> bool:
        """False: the Bot Connector's roster does not tell team owners, so the coach hands the role over."""
        return False

    async def send_direct(self, person: Recipient, message: Message) -> MessageRef:
        chat, opened = await self._chat_with(person)
        cards = message_cards(message, sources=await self._pictures(message))
        ref = await self._send_parts(person.tenant_id, chat, cards, fallback_text(message))
        return replace(ref, recipient_address=chat.to_text()) if opened else ref

    async def post_to_channel(self, channel: Recipient, message: Message) -> MessageRef:
        conversation = Conversation(channel.id, self._service_url_of(channel))
        names = await self._names(channel.tenant_id, conversation, message)
        cards = message_cards(message, names, await self._pictures(message))
        return await self._send_parts(channel.tenant_id, conversation, cards, fallback_text(message), in_thread=True)

    async def update(self, ref: MessageRef, message: Message) -> None:
        conversation = Conversation.from_text(ref.channel_id)
        if conversation is None:
            raise SendFailed(f"not a Teams conversation: {ref.channel_id}", permanent=True)
        names = await self._names(ref.tenant_id, conversation, message)
        activity = _activity(message_cards(message, names, await self._pictures(message))[0], fallback_text(message))
        api = self.connector.api(conversation.service_url)
        await self._write(
            ref.tenant_id,
            conversation.id,
            lambda: api.conversations.update_activity(conversation.id, ref.message_id, activity),
        )

    async def send_files(self, person: Recipient, message: Message, files: list[tuple[str, bytes]]) -> None:
        """The message, then a consent card for each file; upload_accepted sends the file itself."""
        chat, _opened = await self._chat_with(person)
        summary = fallback_text(message)
        await self._send_parts(person.tenant_id, chat, message_cards(message), summary)
        for name, content in files:
            token = self.uploads.hold(person, name, content, chat)
            consent = MessageActivityInput(
                summary=name, attachments=[_consent_card(name, len(content), summary, token)]
            )
            await self._create(person.tenant_id, chat, consent)

    async def upload_accepted(self, token: str, upload_info: Mapping[str, Any], person: Recipient) -> bool:
        """Upload the file `person` consented to (`upload_info` as the consent invoke's value has it:
        uploadUrl, contentUrl, name, uniqueId, fileType) and show it in their chat. False when the
        token is unknown, expired, or not theirs. Once taken, a file whose upload fails is gone."""
        info = FileUploadInfo.model_validate(upload_info)
        upload_url = info.upload_url
        pending = self.uploads.take(token, person)
        if pending is None or not upload_url:
            return False
        await self._call(person.tenant_id, lambda: _upload(upload_url, pending.content))
        shown = MessageActivityInput(summary=info.name, attachments=[_file_info_card(info)])
        await self._create(person.tenant_id, pending.chat, shown)
        return True

    def upload_declined(self, token: str, person: Recipient) -> bool:
        """Forget the file `person` declined; False when the token is unknown, expired, or not theirs."""
        return self.uploads.take(token, person) is not None

    async def credentials_work(self, tenant_id: str) -> bool:
        """Whether a bot token can be had now."""
        try:
            await self.connector.bot_token()
        except (CredentialsRefused, TokenUnavailable):
            return False
        return True

    async def people_in(self, channel: Recipient) -> list[tuple[str, str]]:
        """The (id, display name) of a channel's members, for a form that names one of them."""
        conversation = Conversation(channel.id, self._service_url_of(channel))
        api = self.connector.api(conversation.service_url)
        members = await self._call(channel.tenant_id, lambda: api.conversations.get_members(conversation.id))
        return [(member.id, member.name or member.id) for member in members if member.id]

    def _service_url_of(self, recipient: Recipient) -> str:
        known = Conversation.from_text(recipient.address)
        return known.service_url if known else self.connector.default_service_url

    async def _chat_with(self, person: Recipient) -> tuple[Conversation, bool]:
        """The person's 1:1 chat with the bot, and whether it had to be opened (Teams answers
        an existing chat's id when there is one)."""
        known = Conversation.from_text(person.address) or self._opened.get((person.tenant_id, person.id))
        if known:
            return known, False
        service_url = self.connector.default_service_url
        params = CreateConversationParams(
            members=[Account(id=person.id)],
            tenant_id=person.tenant_id,
            channel_data={"tenant": {"id": person.tenant_id}},
        )
        api = self.connector.api(service_url)
        opened = await self._call(person.tenant_id, lambda: api.conversations.create(params))
        chat = Conversation(opened.id, opened.service_url or service_url)
        self._opened[(person.tenant_id, person.id)] = chat
        return chat, True

    async def _names(self, tenant_id: str, conversation: Conversation, message: Message) -> dict[str, str] | None:
        """Display names by user id (both the Teams id and the Entra object id) for a message's
        mentions, from the conversation's roster; None when it mentions no one."""
        if not any(isinstance(span, Mention) for span in _spans(message)):
            return None
        api = self.connector.api(conversation.service_url)
        members = await self._call(tenant_id, lambda: api.conversations.get_members(conversation.id))
        return {
            key: member.name for member in members if member.name for key in (member.id, member.aad_object_id) if key
        }

    async def _send_parts(
        self,
        tenant_id: str,
        conversation: Conversation,
        cards: list[AdaptiveCard],
        summary: str,
        in_thread: bool = False,
    ) -> MessageRef:
        """The first card as a message, the rest after it: in its thread, or (in a chat, which has
        no threads) simply after it."""
        first, *rest = cards
        first_id = await self._create(tenant_id, conversation, _activity(first, summary))
        following = conversation
        if in_thread:
            following = replace(conversation, id=to_threaded_conversation_id(conversation.id, first_id))
        for card in rest:
            await self._create(tenant_id, following, _activity(card, f"{summary} (continued)"))
        return MessageRef(Platform.TEAMS, tenant_id, conversation.to_text(), first_id)

    async def _create(self, tenant_id: str, conversation: Conversation, activity: MessageActivityInput) -> str:
        api = self.connector.api(conversation.service_url)
        sent = await self._write(
            tenant_id, conversation.id, lambda: api.conversations.create_activity(conversation.id, activity)
        )
        return sent.id

    async def _write(self, tenant_id: str, conversation_id: str, request: Callable[[], Awaitable[T]]) -> T:
        await self._pacer(tenant_id).wait_turn(conversation_id)
        return await self._call(tenant_id, request)

    async def _call(self, tenant_id: str, request: Callable[[], Awaitable[T]]) -> T:
        """`request`, unless the tenant is waiting out a Retry-After; its failure as SendFailed."""
        pacer = self._pacer(tenant_id)
        if blocked := pacer.blocked_for():
            raise SendFailed("ratelimited", retry_after=blocked)
        try:
            return await request()
        except (httpx.HTTPStatusError, httpx.TransportError, CredentialsRefused, TokenUnavailable) as error:
            failure = _failure(error)
            if failure.retry_after is not None:
                pacer.block(failure.retry_after)
            raise failure from None

    def _pacer(self, tenant_id: str) -> Pacer:
        if tenant_id not in self._pacers:
            self._pacers[tenant_id] = self._new_pacer()
        return self._pacers[tenant_id]


def _failure(error: httpx.HTTPStatusError | httpx.TransportError | CredentialsRefused | TokenUnavailable) -> SendFailed:
    if isinstance(error, CredentialsRefused):
        return SendFailed(f"credentials refused: {error}", credentials_refused=True)
    if isinstance(error, TokenUnavailable):
        return SendFailed(f"no token: {error}")
    if isinstance(error, httpx.TransportError):
        return SendFailed(f"network: {type(error).__name__}")
    response = error.response
    if response.status_code == 429:
        return SendFailed("ratelimited", retry_after=_retry_after(response.headers.get("Retry-After")))
    reason = _error_code(response) or f"http {response.status_code}"
    if response.status_code == 401:
        return SendFailed(reason, credentials_refused=True)
    if response.status_code in PERMANENT_STATUSES:
        return SendFailed(reason, permanent=True)
    return SendFailed(reason)


def _retry_after(header: str | None) -> float:
    """Retry-After in seconds; the default when it is missing or not a number of seconds."""
    try:
        seconds = float(header or "")
    except ValueError:
        return DEFAULT_RETRY_AFTER_SECONDS
    return seconds if math.isfinite(seconds) and seconds >= 0 else DEFAULT_RETRY_AFTER_SECONDS


def _error_code(response: httpx.Response) -> str | None:
    """The Bot Connector's code for an error (ConversationNotFound, BotNotInConversationRoster, …)."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) and code else None


def _spans(message: Message) -> Iterator[Span]:
    yield from message.summary_line
    for section in message.every_section:
        for line in section.lines:
            yield from line


def _activity(card: AdaptiveCard, summary: str) -> MessageActivityInput:
    # Teams shows the summary in notifications and chat lists, where a card alone reads "Card".
    return MessageActivityInput(summary=summary).add_card(card)


def _consent_card(name: str, size: int, description: str, token: str) -> Attachment:
    context = {"upload": token}
    card = FileConsentCard(description=description, size_in_bytes=size, accept_context=context, decline_context=context)
    return Attachment(content_type=FILE_CONSENT_CARD, name=name, content=card)


def _file_info_card(info: FileUploadInfo) -> Attachment:
    card = FileInfoCard(unique_id=info.unique_id, file_type=info.file_type)
    return Attachment(content_type=FILE_INFO_CARD, name=info.name, content_url=info.content_url, content=card)


async def _upload(url: str, content: bytes) -> None:
    """The file's bytes, in one piece, to the upload session Teams opened for it."""
    size = len(content)
    headers = {"Content-Range": f"bytes 0-{size - 1}/{size}", "Content-Length": str(size)}
    async with httpx.AsyncClient(timeout=UPLOAD_TIMEOUT_SECONDS) as client:
        response = await client.put(url, content=content, headers=headers)
        response.raise_for_status()
