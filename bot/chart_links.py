"""Charts behind short-lived signed links to the bot's own server, for a front-end that shows a
picture by its address (when PUBLIC_URL is set).

A link names the PNG's row, its expiry and an HMAC-SHA256 of both under a key every replica
shares (made at random in the database when the first link is signed); the PNG is kept in the
database until it expires, so whichever replica a load balancer picks can serve it. A link that
was altered or has expired gets 403; the row goes at the next tidying after it expires.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.model import ChartImage, SigningKey
from bot.storage import StorageFault, in_transaction

log = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(days=7)  # long enough to read a digest until the next one
KEY_NAME = "chart links"
KEY_BYTES = 32
PATH = "/charts/"
LINK = re.compile(r"/charts/(?P<id>[0-9a-f]{64})\.png")
EXPIRES = re.compile(r"[0-9]{1,12}")  # ASCII digits: str.isdigit() takes "²", which int() refuses


class Refused(Exception):
    """The link was altered or has expired."""


class ChartLinks:
    def __init__(self, engine: Engine, public_url: str, clock: Callable[[], datetime]):
        self.engine = engine
        self.public_url = public_url.rstrip("/")
        self.clock = clock

    async def url_for(self, png: bytes) -> str | None:
        """A link to the PNG that works for LINK_LIFETIME from now; None while the database
        cannot keep it (the picture is then shown as its alt text)."""
        chart_id = hashlib.sha256(png).hexdigest()
        expires = self.clock().replace(microsecond=0) + LINK_LIFETIME
        try:
            key = await in_transaction(self.engine, lambda session: _kept(session, chart_id, png, expires))
        except StorageFault as fault:
            log.warning("could not keep a chart for its link: %s", fault)
            return None
        stamp = int(expires.timestamp())
        return f"{self.public_url}{PATH}{chart_id}.png?expires={stamp}&signature={signature(key, chart_id, stamp)}"

    async def png_at(self, path: str, query: dict[str, str]) -> bytes | None:
        """The PNG a link names; None if it is gone. Raises Refused for a link altered or expired."""
        now = self.clock()
        return await in_transaction(self.engine, lambda session: _served(session, path, query, now))


def signature(key: bytes, chart_id: str, expires: int) -> str:
    return hmac.new(key, f"{chart_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def forget_expired_charts(session: Session, now: datetime) -> None:
    session.execute(delete(ChartImage).where(ChartImage.expires_at <= now))


def _kept(session: Session, chart_id: str, png: bytes, expires: datetime) -> bytes:
    kept = session.get(ChartImage, chart_id)
    if kept is None:
        session.add(ChartImage(id=chart_id, png=png, expires_at=expires))
    else:
        kept.expires_at = max(kept.expires_at, expires)
    return _key(session)


def _served(session: Session, path: str, query: dict[str, str], now: datetime) -> bytes | None:
    named = LINK.fullmatch(path)
    stamp = query.get("expires", "")
    if named is None or EXPIRES.fullmatch(stamp) is None:
        raise Refused
    expected = signature(_key(session), named["id"], int(stamp))
    if not hmac.compare_digest(expected.encode(), query.get("signature", "").encode()):
        raise Refused
    if datetime.fromtimestamp(int(stamp), timezone.utc) <= now:
        raise Refused
    kept = session.get(ChartImage, named["id"])
    return kept.png if kept is not None else None


def _key(session: Session) -> bytes:
    """The key, made at random the first time a link is signed; replicas racing to make it
    both end with the winner's (in_transaction runs the loser again)."""
    kept = session.get(SigningKey, KEY_NAME)
    if kept is None:
        kept = SigningKey(name=KEY_NAME, secret=secrets.token_bytes(KEY_BYTES))
        session.add(kept)
        session.flush()
    return kept.secret
