"""Platform requests already handled, so that a retried request changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session

from bot.model import SeenRequest
from bot.storage import insert_or_ignore

REMEMBER_FOR = timedelta(days=1)


def remember_request(session: Session, key: str, now: datetime) -> bool:
    """Record the request's key; False if it was recorded before."""
    return insert_or_ignore(session, SeenRequest, "key", key=key, seen_at=now)


def forget_old_requests(session: Session, now: datetime) -> None:
    session.execute(delete(SeenRequest).where(SeenRequest.seen_at < now - REMEMBER_FOR))
