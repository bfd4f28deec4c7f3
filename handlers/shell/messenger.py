"""The core's Messenger for the terminal: every message is shown, labelled."""

from __future__ import annotations

import itertools
from pathlib import Path

from bot.messages import Message
from bot.ports import MessageRef, UnknownUser
from bot.scheduling.simulation import SimulatedClock
from handlers.shell.screen import Screen, when_label

DM_PREFIX = "DM-"


class ShellMessenger:
    def __init__(self, screen: Screen, people: dict[str, str], clock: SimulatedClock):
        self.screen = screen
        self.people = people
        self.clock = clock
        self._ids = itertools.count(1)

    async def user_timezone(self, user_id: str) -> str:
        if user_id not in self.people:
            raise UnknownUser(user_id)
        return self.people[user_id]

    async def send_direct(self, user_id: str, message: Message) -> MessageRef:
        ref = MessageRef(DM_PREFIX + user_id, self._next_id())
        self.screen.show(f"DM to {user_id}", message, owner=user_id, when=self._when(user_id))
        return ref

    async def post_to_channel(self, channel_id: str, message: Message) -> MessageRef:
        ref = MessageRef(channel_id, self._next_id())
        self.screen.show(f"#{channel_id}", message, when=self._when(None))
        return ref

    async def update(self, ref: MessageRef, message: Message) -> None:
        if ref.channel_id.startswith(DM_PREFIX):
            owner = ref.channel_id.removeprefix(DM_PREFIX)
            self.screen.show(f"DM to {owner}, updated", message, owner=owner)
        else:
            self.screen.show(f"#{ref.channel_id}, updated", message)

    async def whisper(self, channel_id: str, user_id: str, message: Message) -> None:
        self.screen.show(f"only {user_id} sees this", message, owner=user_id)

    async def send_files(self, user_id: str, message: Message, files: list[tuple[str, bytes]]) -> None:
        """The terminal's "direct message with files": they are written to the working directory."""
        saved = []
        for name, content in files:
            path = Path(f"{user_id}-{name}")
            path.write_bytes(content)
            saved.append(f"{path} ({len(content):,} bytes)")
        self.screen.show(f"DM to {user_id}", Message.text(message.summary, "Saved: " + ", ".join(saved)), owner=user_id)

    async def token_works(self) -> bool:
        return True

    async def is_workspace_admin(self, user_id: str) -> bool:
        return False  # the terminal has no workspace: the coach hands the role over

    def _next_id(self) -> str:
        # Unique across restarts of the shell, since the database keeps the references.
        return f"{self.clock.now.timestamp():.0f}.{next(self._ids)}"

    def _when(self, user_id: str | None) -> str:
        return when_label(self.clock.now, self.people.get(user_id, "UTC") if user_id else "UTC")
