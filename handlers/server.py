"""The one ASGI application: each platform's endpoint (Slack's POST /slack/events, Teams'
POST /api/messages), GET /healthz, GET /charts/… (charts behind signed links, when PUBLIC_URL
is set), and the scheduler's timers for the life of the server."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Protocol
from urllib.parse import parse_qsl

from bot.chart_links import PATH as CHARTS_PATH
from bot.chart_links import Refused
from bot.core import Core
from bot.scheduling.runner import Timers
from bot.storage import database_problem

log = logging.getLogger(__name__)

CACHED_PRIVATELY = (b"cache-control", b"private, max-age=3600")
MAX_BODY_BYTES = 256 * 1024  # the platforms' largest payloads, form submissions, are far smaller


class Endpoint(Protocol):
    """One platform's requests, given their body already read."""

    async def start(self) -> None:
        """Called once as the server starts, before any request."""
        ...

    async def settled(self) -> None:
        """Once the work the endpoint set going after answering its requests is done."""
        ...

    async def __call__(self, scope, body: bytes, send) -> None: ...


class Server:
    def __init__(self, core: Core, endpoints: dict[str, Endpoint], run_scheduler: bool = True):
        self.core = core
        self.endpoints = endpoints
        self.run_scheduler = run_scheduler
        self.timers: Timers | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] != "http":
            return
        elif scope["path"] == "/healthz":
            await self._health(send)
        elif scope["path"].startswith(CHARTS_PATH) and self.core.chart_links is not None:
            await self._chart(scope, send)
        elif (endpoint := self.endpoints.get(scope["path"])) is None:
            await respond_json(send, 404, {"ok": False, "error": "not found"})
        elif scope["method"] != "POST":
            await respond_json(send, 405, {"ok": False, "error": "method not allowed"})
        elif (body := await _read_body(receive, MAX_BODY_BYTES)) is None:
            await respond_json(send, 413, {"ok": False, "error": "request too large"})
        else:
            await endpoint(scope, body, send)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                for endpoint in self.endpoints.values():
                    await endpoint.start()
                if self.run_scheduler:
                    self.timers = Timers(self.core.dispatcher).start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.timers is not None:
                    await self.timers.stop()
                for endpoint in self.endpoints.values():
                    await endpoint.settled()
                await self.core.settled()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _health(self, send) -> None:
        """200 when the database can be read and written, 503 when it cannot."""
        problem = await asyncio.to_thread(database_problem, self.core.engine)
        if problem is None:
            await respond_json(send, 200, {"ok": True})
            return
        log.warning("health check: the database cannot be read or written: %s", problem)
        await respond_json(send, 503, {"ok": False, "error": "the database cannot be read or written"})

    async def _chart(self, scope, send) -> None:
        """A chart behind a signed link: 403 for a link altered or expired, 404 for one gone."""
        assert self.core.chart_links is not None
        if scope["method"] not in ("GET", "HEAD"):
            await respond_json(send, 405, {"ok": False, "error": "method not allowed"})
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        try:
            png = await self.core.chart_links.png_at(scope["path"], query)
        except Refused:
            await respond_json(send, 403, {"ok": False, "error": "this link was altered or has expired"})
            return
        if png is None:
            await respond_json(send, 404, {"ok": False, "error": "not found"})
            return
        headers = [(b"content-type", b"image/png"), (b"content-length", str(len(png)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": [*headers, CACHED_PRIVATELY]})
        await send({"type": "http.response.body", "body": png if scope["method"] == "GET" else b""})


def headers_of(scope) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}


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


async def respond_json(send, status: int, body: object) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})
