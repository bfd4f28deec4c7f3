"""The ASGI application: Slack's events on POST /slack/events, GET /healthz, and the
scheduler's timers for the life of the server."""

from __future__ import annotations

import json
import logging

from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp

from bot.core import Core
from bot.scheduling.runner import start_timers, stop_timers

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 256 * 1024  # Slack's largest payloads, view submissions, are far smaller


class Server:
    def __init__(self, app: AsyncApp, core: Core, run_scheduler: bool = True):
        self.core = core
        self.run_scheduler = run_scheduler
        self.slack = AsyncSlackRequestHandler(app, path=EVENTS_PATH)
        self.timers = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http" and scope["path"] == "/healthz":
            await _json(send, 200, {"ok": True})
        elif scope["type"] == "http":
            body = await _read_body(receive, MAX_BODY_BYTES)
            if body is None:
                await _json(send, 413, {"ok": False, "error": "request too large"})
                return
            await self.slack(scope, _replay(body), send)
        else:
            await self.slack(scope, receive, send)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.run_scheduler:
                    self.timers = start_timers(self.core.dispatcher)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.timers is not None:
                    await stop_timers(self.timers, self.core.dispatcher)
                await self.core.settled()
                await send({"type": "lifespan.shutdown.complete"})
                return


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
