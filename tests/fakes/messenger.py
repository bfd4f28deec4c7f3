"""An in-process Messenger that records what the core sends, for tests of the core
without any chat platform."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.messages import Message, plain_text
from bot.model import Platform
from bot.ports import MessageRef, Recipient, SendFailed, UnknownUser


@dataclass(frozen=True)
class Sent:
    to: str
    message: Message
    at: datetime
    ref: MessageRef


class RecordingMessenger:
    def __init__(self, clock, timezones: dict[str, str] | None = None, platform: Platform = Platform.SLACK):
        self.platform = platform
        self.clock = clock
        self.timezones = dict(timezones or {})
        self.sent: list[Sent] = []
        self.updates: list[tuple[MessageRef, Message]] = []
        self.files: list[tuple[str, list[tuple[str, bytes]]]] = []
        self.recipients: list[Recipient] = []  # every reference the core handed over, as it was
        self.refused_tenants: set[str] = set()  # tenants whose credentials are refused
        self.rate_limited_tenants: dict[str, float] = {}  # tenants that answer 429, with their Retry-After
        self.rate_limit_answered_after = 0.0  # seconds a 429 takes to arrive (a simulated clock moves on by them)
        self.admin_lookup_failure: SendFailed | None = None  # raised by is_admin when set
        self._ids = itertools.count(1)

    async def user_timezone(self, person: Recipient) -> str:
        if person.id not in self.timezones:
            raise UnknownUser(person.id)
        return self.timezones[person.id]

    async def send_direct(self, person: Recipient, message: Message) -> MessageRef:
        return self._record(person, message)

    async def post_to_channel(self, channel: Recipient, message: Message) -> MessageRef:
        return self._record(channel, message)

    async def update(self, ref: MessageRef, message: Message) -> None:
        self.updates.append((ref, message))

    async def send_files(self, person: Recipient, message: Message, files: list[tuple[str, bytes]]) -> None:
        self.files.append((person.id, files))
        self._record(person, message)

    async def credentials_work(self, tenant_id: str) -> bool:
        return tenant_id not in self.refused_tenants

    async def is_admin(self, person: Recipient) -> bool:
        if self.admin_lookup_failure is not None:
            raise self.admin_lookup_failure
        return False

    def to(self, recipient: str, summary_starts: str = "") -> list[Sent]:
        return [s for s in self.sent if s.to == recipient and plain_text(s.message.summary).startswith(summary_starts)]

    def _record(self, to: Recipient, message: Message) -> MessageRef:
        if to.tenant_id in self.refused_tenants:
            raise SendFailed("invalid_auth", credentials_refused=True)
        if to.tenant_id in self.rate_limited_tenants:
            if self.rate_limit_answered_after:
                self.clock.now += timedelta(seconds=self.rate_limit_answered_after)
            raise SendFailed("ratelimited", retry_after=self.rate_limited_tenants[to.tenant_id])
        self.recipients.append(to)
        ref = MessageRef(to.platform, to.tenant_id, f"D-{to.id}", str(next(self._ids)))
        self.sent.append(Sent(to.id, message, self.clock(), ref))
        return ref
