"""What the core needs from a chat platform. Each front-end provides one Messenger, and
every reference the core passes it names the platform and tenant it belongs to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.messages import Message
from bot.model import Platform


@dataclass(frozen=True)
class Recipient:
    """A person or a channel the front-end can reach.

    `id` is the platform's id for it within the tenant; `address` is whatever else the
    front-end said it needs to reach it (Teams: a conversation and a service URL). The core
    stores `address` and hands it back, and never looks inside.
    """

    platform: Platform
    tenant_id: str
    id: str
    address: str | None = None


@dataclass(frozen=True)
class MessageRef:
    """Where a sent message lives, so it can be updated in place later. `channel_id` and
    `message_id` are the front-end's own; the core only stores them."""

    platform: Platform
    tenant_id: str
    channel_id: str
    message_id: str
    # Set when sending found a new way to reach the recipient (Teams: a 1:1 chat it had to
    # open), so that the core keeps it as the person's address.
    recipient_address: str | None = None


class UnknownUser(Exception):
    """The platform has no such user."""


class SendFailed(Exception):
    """A send did not go through.

    `retry_after` is set when the platform asked us to slow down; `permanent` when trying
    again cannot help (the user is gone, the channel is gone); `credentials_refused` when the
    platform no longer accepts our credentials for this tenant, so nothing can be sent
    there for now.
    """

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        credentials_refused: bool = False,
    ):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        self.credentials_refused = credentials_refused


class Messenger(Protocol):
    """One platform's way of reaching people. Every call names its tenant through its argument."""

    @property
    def platform(self) -> Platform: ...

    async def user_timezone(self, person: Recipient) -> str | None:
        """The user's IANA zone, or None where the platform cannot tell (Teams: the zone comes
        with each activity instead); raises UnknownUser."""
        ...

    async def is_admin(self, person: Recipient) -> bool:
        """Whether the user administers their tenant (and so may hand a group's coach role over)."""
        ...

    async def send_direct(self, person: Recipient, message: Message) -> MessageRef: ...

    async def post_to_channel(self, channel: Recipient, message: Message) -> MessageRef: ...

    async def update(self, ref: MessageRef, message: Message) -> None: ...

    async def send_files(self, person: Recipient, message: Message, files: list[tuple[str, bytes]]) -> None:
        """Files (name, content) to the person privately, with `message`."""
        ...

    async def credentials_work(self, tenant_id: str) -> bool:
        """Whether the platform accepts our credentials for this tenant now."""
        ...


class NoMessenger(LookupError):
    """Nothing here serves that platform (it is not configured in this process)."""


class Messengers:
    """The messengers of the platforms this process serves, chosen by a reference's platform."""

    def __init__(self, messengers: Iterable[Messenger]):
        self._by_platform = {messenger.platform: messenger for messenger in messengers}

    @property
    def platforms(self) -> tuple[Platform, ...]:
        return tuple(self._by_platform)

    def of(self, platform: Platform) -> Messenger:
        try:
            return self._by_platform[platform]
        except KeyError:
            raise NoMessenger(platform) from None
