"""POST /api/messages: the Teams SDK's route, mounted in the project's own server.

The SDK registers its one route (with its check of the Bot Framework token) on an HTTP
server adapter; `MessagingRoute` is that adapter, so the SDK never starts a server of its own."""

from __future__ import annotations

import json

from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpRouteHandler

from handlers.server import headers_of, respond_json

MESSAGES_PATH = "/api/messages"


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
    def __init__(self, route: MessagingRoute, initialize):
        self.route = route
        self._initialize = initialize

    async def start(self) -> None:
        await self._initialize()

    async def __call__(self, scope, body: bytes, send) -> None:
        activity = _json_object(body)
        if activity is None or self.route.handler is None:
            await respond_json(send, 400, {"error": "malformed request"})
            return
        response = await self.route.handler(HttpRequest(body=activity, headers=headers_of(scope)))
        await respond_json(send, response["status"], response.get("body"))


def _json_object(body: bytes) -> dict | None:
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None
