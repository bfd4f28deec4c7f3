"""The one ASGI application: each platform's endpoint (Slack's POST /slack/events and, installed
through OAuth, its GET /slack/install and /slack/oauth_redirect pages; Teams' POST /api/messages),
GET /healthz, GET /metrics when it is served here, GET /charts/… (charts behind signed links, when
PUBLIC_URL is set), and the scheduler's timers for the life of the server. Each request to an
endpoint is logged in one line and counted."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl

from bot.chart_links import PATH as CHARTS_PATH
from bot.chart_links import Refused
from bot.config import TENANT
from bot.core import Core
from bot.model import Platform
from bot.scheduling.runner import Timers
from bot.storage import database_problem

if TYPE_CHECKING:
    from handlers.metrics import Metrics

log = logging.getLogger(__name__)

CACHED_PRIVATELY = (b"cache-control", b"private, max-age=3600")
MAX_BODY_BYTES = 256 * 1024  # the platforms' largest payloads, form submissions, are far smaller
METRICS_PATH = "/metrics"


@dataclass(frozen=True)
class Seen:
    """What an endpoint tells of a request it answered, for its log line and its count: a kind
    from a short list of its own, and the tenant it came from, if it said."""

    kind: str
    tenant: str | None = None


UNREAD = Seen("unknown")  # a request refused before its body was read or trusted


class Endpoint(Protocol):
    """One platform's requests, given their body already read."""

    platform: Platform
    method: str  # the HTTP method it answers: POST for a platform's requests, GET for a page

    async def start(self) -> None:
        """Called once as the server starts, before any request."""
        ...

    async def settled(self) -> None:
        """Once the work the endpoint set going after answering its requests is done."""
        ...

    async def __call__(self, scope, body: bytes, send) -> Seen: ...


class Server:
    def __init__(
        self,
        core: Core,
        endpoints: dict[str, Endpoint],
        run_scheduler: bool = True,
        metrics: Metrics | None = None,
        metrics_here: bool = False,
    ):
        """`metrics` counts the requests; `metrics_here` serves them at GET /metrics too."""
        self.core = core
        self.endpoints = endpoints
        self.run_scheduler = run_scheduler
        self.metrics = metrics
        self.metrics_here = metrics_here
        self.timers: Timers | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] != "http":
            return
        elif scope["path"] == "/healthz":
            await self._health(send)
        elif scope["path"] == METRICS_PATH and self.metrics is not None and self.metrics_here:
            await self.metrics.page(scope, receive, send)
        elif scope["path"].startswith(CHARTS_PATH) and self.core.chart_links is not None:
            await self._chart(scope, send)
        elif (endpoint := self.endpoints.get(scope["path"])) is None:
            await respond_json(send, 404, {"ok": False, "error": "not found"})
        else:
            await self._observed(endpoint, scope, receive, send)

    async def _observed(self, endpoint: Endpoint, scope, receive, send) -> None:
        """Answer a request to an endpoint, then log it in one line and count it."""
        began = time.perf_counter()
        answer = Answer(send)
        seen = UNREAD
        try:
            seen = await self._answered(endpoint, scope, receive, answer.send)
        finally:
            seconds = (answer.started or time.perf_counter()) - began
            request_done(endpoint.platform, seen, answer.status, seconds, self.metrics)

    async def _answered(self, endpoint: Endpoint, scope, receive, send) -> Seen:
        if scope["method"] != endpoint.method:
            await respond_json(send, 405, {"ok": False, "error": "method not allowed"})
        elif (body := await _read_body(receive, MAX_BODY_BYTES)) is None:
            await respond_json(send, 413, {"ok": False, "error": "request too large"})
        else:
            return await endpoint(scope, body, send)
        return UNREAD

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


class Answer:
    """An ASGI `send` that notes when the answer started, and its status."""

    def __init__(self, send):
        self._send = send
        self.started: float | None = None
        self.status = 500  # what the server answers if nothing was

    async def send(self, message) -> None:
        if message["type"] == "http.response.start":
            self.started, self.status = time.perf_counter(), message["status"]
        await self._send(message)


def request_done(platform: Platform, seen: Seen, status: int, seconds: float, metrics: Metrics | None) -> None:
    """The request's one line in the log, with no user id and no text of the request, and its count."""
    if metrics is not None:
        metrics.request(platform, seen.kind, status, seconds)
    tenant = seen.tenant if seen.tenant and TENANT.fullmatch(seen.tenant) else None
    fields = {
        "platform": platform.value,
        "tenant": tenant,
        "kind": seen.kind,
        "outcome": "ok" if status < 400 else "refused" if status < 500 else "failed",
        "status": status,
        "ms": round(seconds * 1000, 1),
    }
    log.log(logging.WARNING if status >= 500 else logging.INFO, "request %s", status, extra={"fields": fields})


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
