"""The ASGI application: Slack's events on POST /slack/events, GET /healthz, and the
scheduler's timers for the life of the server."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time

from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.internals import parse_body

from bot.core import Core
from bot.scheduling.runner import Timers
from bot.storage import database_problem

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 256 * 1024  # Slack's largest payloads, view submissions, are far smaller
MAX_REQUEST_AGE_SECONDS = 5 * 60
TIMESTAMP = re.compile(r"[0-9]{1,12}")


class Server:
    """Slack's signature is checked here, on the raw bytes, before anything parses the body:
    Bolt parses first and verifies after, so a malformed unsigned request would reach its parser."""

    def __init__(self, app: AsyncApp, core: Core, signing_secret: str, run_scheduler: bool = True):
        self.core = core
        self.signing_secret = signing_secret.encode()
        self.run_scheduler = run_scheduler
        self.slack = AsyncSlackRequestHandler(app, path=EVENTS_PATH)
        self.timers = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http" and scope["path"] == "/healthz":
            await self._health(send)
        elif scope["type"] == "http":
            body = await _read_body(receive, MAX_BODY_BYTES)
            if body is None:
                await _json(send, 413, {"ok": False, "error": "request too large"})
            elif scope["path"] == EVENTS_PATH and not self._signed_by_slack(_headers(scope), body):
                await _json(send, 401, {"ok": False, "error": "invalid signature"})
            elif scope["path"] == EVENTS_PATH and not _well_formed(body, _headers(scope).get("content-type")):
                await _json(send, 400, {"ok": False, "error": "malformed request"})
            else:
                await self.slack(scope, _replay(body), send)
        else:
            await self.slack(scope, receive, send)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.run_scheduler:
                    self.timers = Timers(self.core.dispatcher).start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.timers is not None:
                    await self.timers.stop()
                await self.core.settled()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _health(self, send) -> None:
        """200 when the database can be read and written, 503 when it cannot."""
        problem = await asyncio.to_thread(database_problem, self.core.engine)
        if problem is None:
            await _json(send, 200, {"ok": True})
            return
        log.warning("health check: the database cannot be read or written: %s", problem)
        await _json(send, 503, {"ok": False, "error": "the database cannot be read or written"})

    def _signed_by_slack(self, headers: dict[str, str], body: bytes) -> bool:
        timestamp = headers.get("x-slack-request-timestamp", "")
        if not TIMESTAMP.fullmatch(timestamp) or abs(time.time() - int(timestamp)) > MAX_REQUEST_AGE_SECONDS:
            return False
        base = b"v0:" + timestamp.encode() + b":" + body
        expected = "v0=" + hmac.new(self.signing_secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), headers.get("x-slack-signature", "").encode())


def _headers(scope) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}


def _well_formed(body: bytes, content_type: str | None) -> bool:
    """Whether Bolt can parse the body: UTF-8, and JSON or a form whose payload is a JSON object."""
    try:
        parsed = parse_body(body.decode("utf-8"), (content_type or "").split(";")[0].strip() or None)
    except (ValueError, RecursionError):
        return False
    return isinstance(parsed, dict)


async def _read_body(receive, limit: int) -> bytes | None:
    """The request body, or None as soon as it grows past `limit` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes):
    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _json(send, status: int, body: dict) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})
