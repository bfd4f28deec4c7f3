"""POST /api/messages: the Teams SDK's route, mounted in the project's own server.

The SDK registers its one route (with its check of the Bot Framework token) on an HTTP
server adapter; `MessagingRoute` is that adapter, so the SDK never starts a server of its own.
Work an activity sets going after its answer is kept by `Background` until it is done."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from typing import Any

from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpRouteHandler

from bot.model import Platform
from handlers.server import UNREAD, Seen, headers_of, respond_json
from handlers.teams.activity import tenant_of

log = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"
# The kind of each activity, by its type; any other is "other".
KINDS = {
    "message": "message",
    "invoke": "invoke",
    "conversationUpdate": "conversation_update",
    "installationUpdate": "installation_update",
    "messageReaction": "message_reaction",
    "event": "event",
}


class Background:
    """Activities' work that runs after Teams has its answer, kept until it is done, so that
    shutting down waits for it; what fails is logged, as the SDK logs a failed handler."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(self._logged(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settled(self) -> None:
        """Once every piece of work started so far, and any it started meanwhile, is done."""
        while self._tasks:
            await asyncio.gather(*self._tasks)

    @staticmethod
    async def _logged(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:
            log.exception("an activity failed after it was answered")


class MessagingRoute:
    """The SDK's HttpServerAdapter: it keeps the SDK's handler for POST /api/messages."""

    def __init__(self) -> None:
        self.handler: HttpRouteHandler | None = None

    def register_route(self, method: HttpMethod, path: str, handler: HttpRouteHandler) -> None:
        if (method, path) != ("POST", MESSAGES_PATH):
            raise ValueError(f"the Teams SDK asked for a route this server does not serve: {method} {path}")
        self.handler = handler

    def serve_static(self, path: str, directory: str) -> None:
        raise NotImplementedError("this server serves no static files")

    async def start(self, port: int) -> None:
        raise NotImplementedError("the project's own server serves the route")

    async def stop(self) -> None:
        return None


class TeamsEndpoint:
    platform = Platform.TEAMS
    method = "POST"

    def __init__(self, route: MessagingRoute, initialize, background: Background):
        self.route = route
        self._initialize = initialize
        self.background = background

    async def start(self) -> None:
        await self._initialize()

    async def settled(self) -> None:
        await self.background.settled()

    async def __call__(self, scope, body: bytes, send) -> Seen:
        activity = _json_object(body)
        if activity is None or self.route.handler is None:
            await respond_json(send, 400, {"error": "malformed request"})
            return UNREAD
        response = await self.route.handler(HttpRequest(body=activity, headers=headers_of(scope)))
        await respond_json(send, response["status"], response.get("body"))
        return seen(activity, response["status"])


def seen(activity: dict, status: int) -> Seen:
    """An activity's kind, and its tenant once the SDK took its token (a refused one's body is
    anyone's; a 403 is a tenant refused, worth naming)."""
    tenant = tenant_of(activity) if status < 400 or status == 403 else None
    return Seen(KINDS.get(str(activity.get("type")), "other"), tenant)


def _json_object(body: bytes) -> dict | None:
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None
