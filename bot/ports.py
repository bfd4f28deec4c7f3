"""What the core needs from a chat platform. Each front-end provides one Messenger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.messages import Message


@dataclass(frozen=True)
class MessageRef:
    """Where a sent message lives, so it can be updated in place later."""

    channel_id: str
    message_id: str


class UnknownUser(Exception):
    """The platform has no such user."""


class SendFailed(Exception):
    """A send did not go through.

    `retry_after` is set when the platform asked us to slow down; `permanent` when trying
    again cannot help (the user is gone, the channel is gone); `token_refused` when the
    platform no longer accepts our credentials, so that nothing can be sent for now.
    """

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        token_refused: bool = False,
    ):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        self.token_refused = token_refused


class Messenger(Protocol):
    async def user_timezone(self, user_id: str) -> str:
        """The user's IANA zone; raises UnknownUser."""

    async def send_direct(self, user_id: str, message: Message) -> MessageRef: ...

    async def post_to_channel(self, channel_id: str, message: Message) -> MessageRef: ...

    async def update(self, ref: MessageRef, message: Message) -> None: ...

    async def send_files(self, user_id: str, message: Message, files: list[tuple[str, bytes]]) -> None:
        """Files (name, content) to the user privately, with `message`."""

    async def whisper(self, channel_id: str, user_id: str, message: Message) -> None:
        """A message only `user_id` sees, in `channel_id`."""

    async def token_works(self) -> bool:
        """Whether the platform accepts our credentials now."""

    async def is_workspace_admin(self, user_id: str) -> bool:
        """Whether the user administers the workspace (and so may hand a group's coach role over)."""
