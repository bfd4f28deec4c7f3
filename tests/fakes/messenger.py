"""An in-process Messenger that records what the core sends, for tests of the core
without any chat platform."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from bot.messages import Message
from bot.ports import MessageRef, UnknownUser


@dataclass(frozen=True)
class Sent:
    to: str
    message: Message
    at: datetime
    ref: MessageRef


class RecordingMessenger:
    def __init__(self, clock, timezones: dict[str, str] | None = None):
        self.clock = clock
        self.timezones = dict(timezones or {})
        self.sent: list[Sent] = []
        self.updates: list[tuple[MessageRef, Message]] = []
        self.files: list[tuple[str, list[tuple[str, bytes]]]] = []
        self._ids = itertools.count(1)

    async def user_timezone(self, user_id: str) -> str:
        if user_id not in self.timezones:
            raise UnknownUser(user_id)
        return self.timezones[user_id]

    async def send_direct(self, user_id: str, message: Message) -> MessageRef:
        return self._record(user_id, message)

    async def post_to_channel(self, channel_id: str, message: Message) -> MessageRef:
        return self._record(channel_id, message)

    async def update(self, ref: MessageRef, message: Message) -> None:
        self.updates.append((ref, message))

    async def whisper(self, channel_id: str, user_id: str, message: Message) -> None:
        self._record(user_id, message)

    async def send_files(self, user_id: str, message: Message, files: list[tuple[str, bytes]]) -> None:
        self.files.append((user_id, files))
        self._record(user_id, message)

    async def token_works(self) -> bool:
        return True

    async def is_workspace_admin(self, user_id: str) -> bool:
        return False

    def to(self, recipient: str, summary_starts: str = "") -> list[Sent]:
        return [s for s in self.sent if s.to == recipient and s.message.summary.startswith(summary_starts)]

    def _record(self, to: str, message: Message) -> MessageRef:
        ref = MessageRef(f"D-{to}", str(next(self._ids)))
        self.sent.append(Sent(to, message, self.clock(), ref))
        return ref
