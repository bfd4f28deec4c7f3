"""POST /slack/events: Slack's signature is checked here, on the raw bytes, before anything
parses the body: Bolt parses first and verifies after, so a malformed unsigned request
would reach its parser. GET /slack/install and /slack/oauth_redirect: the OAuth flow's pages,
which a browser opens, so unsigned; Bolt checks the flow's state."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Awaitable, Callable

from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.internals import parse_body

from bot.model import Platform
from handlers.server import UNREAD, Seen, headers_of, respond_json

EVENTS_PATH = "/slack/events"
MAX_REQUEST_AGE_SECONDS = 5 * 60
TIMESTAMP = re.compile(r"[0-9]{1,12}")
# The kind of each request, by its payload's type; a slash command's form has none.
KINDS = {
    "block_actions": "action",
    "interactive_message": "action",
    "view_submission": "view",
    "view_closed": "view",
    "block_suggestion": "options",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "event_callback": "event",
    "url_verification": "url_verification",
}


INSTALL_PAGE = Seen("install_page")  # opened by a browser: no workspace says who it is until Slack's redirect


class SlackEndpoint:
    platform = Platform.SLACK
    method = "POST"

    def __init__(self, app: AsyncApp, signing_secret: str, on_start: Callable[[], Awaitable[None]] | None = None):
        self.signing_secret = signing_secret.encode()
        self.bolt = AsyncSlackRequestHandler(app, path=EVENTS_PATH)
        self.on_start = on_start

    async def start(self) -> None:
        """Before the server takes its first request."""
        if self.on_start is not None:
            await self.on_start()

    async def settled(self) -> None:
        return None  # Bolt runs each listener's work after the ack as a task of its own

    async def __call__(self, scope, body: bytes, send) -> Seen:
        headers = headers_of(scope)
        if not self._signed_by_slack(headers, body):
            await respond_json(send, 401, {"ok": False, "error": "invalid signature"})
            return UNREAD
        if (parsed := _parsed(body, headers.get("content-type"))) is None or not _headers_in_utf8(scope):
            await respond_json(send, 400, {"ok": False, "error": "malformed request"})
            return UNREAD
        await self.bolt(scope, _replay(body), send)
        return seen(parsed)

    def _signed_by_slack(self, headers: dict[str, str], body: bytes) -> bool:
        timestamp = headers.get("x-slack-request-timestamp", "")
        if not TIMESTAMP.fullmatch(timestamp) or abs(time.time() - int(timestamp)) > MAX_REQUEST_AGE_SECONDS:
            return False
        base = b"v0:" + timestamp.encode() + b":" + body
        expected = "v0=" + hmac.new(self.signing_secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), headers.get("x-slack-signature", "").encode())


def _parsed(body: bytes, content_type: str | None) -> dict | None:
    """The body as Bolt will parse it, if it can: UTF-8, and JSON or a form whose payload is a
    JSON object of the shape Slack sends."""
    try:
        parsed = parse_body(body.decode("utf-8"), (content_type or "").split(";")[0].strip() or None)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) and _shaped_as_slacks(parsed) else None


# What Bolt reads of a request before any listener runs (the ids of its context, the keys its
# matchers compare), and in what shape: a signed body shaped otherwise would fail inside Bolt.
TEXTS = ("type", "team_id", "user_id", "channel_id", "enterprise_id", "api_app_id", "trigger_id", "event_id")
IDENTIFIED = ("user", "team", "enterprise", "channel")  # an id, or an object holding one
OBJECTS = ("event", "message", "previous_message", "item", "view", "container", "assistant_thread", "function_data")
COMMAND_TEXTS = ("command", "text", "team_id", "user_id", "channel_id", "response_url")


def _shaped_as_slacks(payload: dict, depth: int = 0) -> bool:
    if depth > 2:
        return True  # Bolt reads no deeper
    if not all(_text(payload.get(key)) for key in TEXTS):
        return False
    if not all(_identified(payload.get(key)) for key in IDENTIFIED):
        return False
    if not all(payload.get(key) is None or _object(payload[key], depth + 1) for key in OBJECTS):
        return False
    authorizations = payload.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(_object(each, 2) for each in authorizations)
    ):
        return False
    if depth > 0:
        return True
    kind = payload.get("type")
    if "command" in payload:
        return all(isinstance(payload.get(key), str) for key in COMMAND_TEXTS)
    if kind == "event_callback":
        return isinstance(payload.get("event"), dict) and isinstance(payload["event"].get("type"), str)
    if kind in ("view_submission", "view_closed"):
        return isinstance(payload.get("view"), dict) and isinstance(payload["view"].get("type"), str)
    if kind == "block_actions":
        actions = payload.get("actions")
        return isinstance(actions, list) and bool(actions) and all(_an_action(action) for action in actions)
    return True


def _object(value: object, depth: int) -> bool:
    return isinstance(value, dict) and _shaped_as_slacks(value, depth)


def _text(value: object) -> bool:
    return value is None or isinstance(value, str)


def _identified(value: object) -> bool:
    return _text(value) or (isinstance(value, dict) and _text(value.get("id")))


def _an_action(action: object) -> bool:
    return isinstance(action, dict) and isinstance(action.get("action_id"), str) and _text(action.get("block_id"))


def seen(parsed: dict) -> Seen:
    """A signed request's kind and workspace."""
    kind = "command" if "command" in parsed else KINDS.get(str(parsed.get("type")), "other")
    team = parsed.get("team")
    tenant = parsed.get("team_id") or (team.get("id") if isinstance(team, dict) else None)
    return Seen(kind, tenant if isinstance(tenant, str) else None)


def _headers_in_utf8(scope) -> bool:
    """Whether Bolt can read the headers: it decodes each as UTF-8, failing on any other bytes
    (a browser's cookie, say)."""
    try:
        for name, value in scope["headers"]:
            name.decode("utf-8"), value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _replay(body: bytes):
    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class OAuthPages:
    """The install page and the page Slack redirects the installer back to."""

    platform = Platform.SLACK
    method = "GET"

    def __init__(self, bolt: AsyncSlackRequestHandler):
        self.bolt = bolt

    async def start(self) -> None:
        return None

    async def settled(self) -> None:
        return None

    async def __call__(self, scope, body: bytes, send) -> Seen:
        if not _headers_in_utf8(scope):
            await respond_json(send, 400, {"ok": False, "error": "malformed request"})
        else:
            await self.bolt(scope, _replay(body), send)
        return INSTALL_PAGE
