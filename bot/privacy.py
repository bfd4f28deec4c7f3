"""Keeping identifying details out: every free text is screened before it is stored or
posted, and a user's "it is not identifying" is recorded in the audit log, without the text.
A flagged command waits for that answer on the server, briefly, never in a button."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from bot.model import PendingText, in_tenant
from bot.ports import Recipient

SAVE_ANYWAY = "identifier:save_anyway"
PENDING_FOR = timedelta(minutes=15)
KIND_LABELS = {
    "name": "a name",
    "date_of_birth": "a date tied to a person",
    "age_over_89": "an age over 89",
    "phone": "a phone number",
    "email": "an email address",
    "street_address": "a street address",
    "record_number": "a record or ID number",
}


@dataclass(frozen=True)
class Flag:
    field: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"“{self.text}” ({KIND_LABELS.get(self.kind, self.kind)})"


class LooksIdentifying(Exception):
    """Free text that looks as if it identifies someone; nothing was stored."""

    def __init__(self, flags: list[Flag]):
        super().__init__(", ".join(map(str, flags)))
        self.flags = flags


def screen(texts: dict[str, str | None]) -> list[Flag]:
    # Imported on first use: the detector's name lists cost memory that `tick` never needs.
    from bot.identifiers import find_identifiers

    return [
        Flag(field, finding.kind, finding.text)
        for field, text in texts.items()
        if text
        for finding in find_identifiers(text)
    ]


def listed(flags: list[Flag]) -> str:
    return ", ".join(str(flag) for flag in flags)


def keep_pending(session: Session, author: Recipient, command_text: str, now: datetime) -> str:
    """Keep a flagged command for its author's "save anyway"; the token its button carries."""
    token = secrets.token_urlsafe(24)
    session.add(
        PendingText(
            token=token,
            platform=author.platform,
            tenant_id=author.tenant_id,
            user_id=author.id,
            command_text=command_text,
            created_at=now,
            expires_at=now + PENDING_FOR,
        )
    )
    return token


def pending_text(session: Session, author: Recipient, token: str, now: datetime) -> str | None:
    """The command kept under the token, if it is this user's and has not expired."""
    return session.exec(select(PendingText.command_text).where(_usable(author, token, now))).first()


def use_pending(session: Session, author: Recipient, token: str, now: datetime) -> bool:
    """Delete the kept command as it is saved, so that the button works once; False if it
    was no longer there to use."""
    return session.execute(delete(PendingText).where(_usable(author, token, now))).rowcount == 1


def _usable(author: Recipient, token: str, now: datetime):
    return (PendingText.token == token) & _authored_by(author) & (PendingText.expires_at > now)


def _authored_by(author: Recipient):
    return in_tenant(PendingText, author.platform, author.tenant_id) & (PendingText.user_id == author.id)


def forget_pending(session: Session, author: Recipient) -> None:
    session.execute(delete(PendingText).where(_authored_by(author)))


def forget_expired_pending(session: Session, now: datetime) -> None:
    session.execute(delete(PendingText).where(PendingText.expires_at <= now))
