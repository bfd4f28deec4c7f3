"""The core's Messenger for the terminal: every message is shown, labelled."""

from __future__ import annotations

import itertools
from pathlib import Path

from bot.messages import Message
from bot.model import Platform
from bot.ports import MessageRef, Recipient, UnknownUser
from bot.scheduling.simulation import SimulatedClock
from handlers.shell.screen import Screen, when_label

DM_PREFIX = "DM-"


class ShellMessenger:
    platform = Platform.SHELL

    def __init__(self, screen: Screen, people: dict[str, str], clock: SimulatedClock):
        self.screen = screen
        self.people = people
        self.clock = clock
        self._ids = itertools.count(1)

    async def user_timezone(self, person: Recipient) -> str:
        if person.id not in self.people:
            raise UnknownUser(person.id)
        return self.people[person.id]

    async def send_direct(self, person: Recipient, message: Message) -> MessageRef:
        ref = MessageRef(Platform.SHELL, person.tenant_id, DM_PREFIX + person.id, self._next_id())
        self.screen.show(f"DM to {person.id}", message, owner=person.id, when=self._when(person.id))
        return ref

    async def post_to_channel(self, channel: Recipient, message: Message) -> MessageRef:
        ref = MessageRef(Platform.SHELL, channel.tenant_id, channel.id, self._next_id())
        self.screen.show(f"#{channel.id}", message, when=self._when(None))
        return ref

    async def update(self, ref: MessageRef, message: Message) -> None:
        if ref.channel_id.startswith(DM_PREFIX):
            owner = ref.channel_id.removeprefix(DM_PREFIX)
            self.screen.show(f"DM to {owner}, updated", message, owner=owner)
        else:
            self.screen.show(f"#{ref.channel_id}, updated", message)

    async def send_files(self, person: Recipient, message: Message, files: list[tuple[str, bytes]]) -> None:
        """The terminal's "direct message with files": they are written to the working directory."""
        user_id = person.id
        saved = []
        for name, content in files:
            path = Path(f"{user_id}-{name}")
            path.write_bytes(content)
            saved.append(f"{path} ({len(content):,} bytes)")
        self.screen.show(f"DM to {user_id}", Message.text(message.summary, "Saved: " + ", ".join(saved)), owner=user_id)

    async def credentials_work(self, tenant_id: str) -> bool:
        return True

    async def is_admin(self, person: Recipient) -> bool:
        return False  # the terminal has no administrators: the coach hands the role over

    def _next_id(self) -> str:
        # Unique across restarts of the shell, since the database keeps the references.
        return f"{self.clock.now.timestamp():.0f}.{next(self._ids)}"

    def _when(self, user_id: str | None) -> str:
        return when_label(self.clock.now, self.people.get(user_id, "UTC") if user_id else "UTC")
