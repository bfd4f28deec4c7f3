"""Files waiting for a person's consent: Teams sends a bot's file to a 1:1 chat only once the
person accepts a consent card, and then the bot uploads it to the URL Teams gives."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.ports import Recipient
from handlers.teams.addresses import Conversation

PENDING_FOR_SECONDS = 15 * 60


@dataclass(frozen=True)
class PendingUpload:
    person: Recipient
    name: str
    content: bytes
    chat: Conversation  # where the consent card went, and so where the file is shown
    expires_at: float


class PendingUploads:
    """Files offered on a consent card, by the token the card carries, until the person accepts
    or declines, or 15 minutes pass.

    They are held in this process's memory only: after a restart, or when another replica
    receives the answer to the card, the file is forgotten and the person runs the export again.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, pending_for: float = PENDING_FOR_SECONDS):
        self.clock = clock
        self.pending_for = pending_for
        self._by_token: dict[str, PendingUpload] = {}

    def hold(self, person: Recipient, name: str, content: bytes, chat: Conversation) -> str:
        """Keep the file for `person`; the token their consent card carries."""
        self._forget_expired()
        token = secrets.token_urlsafe(16)
        self._by_token[token] = PendingUpload(person, name, content, chat, self.clock() + self.pending_for)
        return token

    def take(self, token: str, person: Recipient) -> PendingUpload | None:
        """The file held under `token`, no longer held; None when there is none, it expired, or
        it was held for someone else (whose file stays held)."""
        self._forget_expired()
        pending = self._by_token.get(token)
        if pending is None or not _same_person(pending.person, person):
            return None
        return self._by_token.pop(token)

    def _forget_expired(self) -> None:
        now = self.clock()
        self._by_token = {token: held for token, held in self._by_token.items() if held.expires_at > now}


def _same_person(held_for: Recipient, asking: Recipient) -> bool:
    return (held_for.platform, held_for.tenant_id, held_for.id) == (asking.platform, asking.tenant_id, asking.id)
