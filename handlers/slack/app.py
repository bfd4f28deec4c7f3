"""The Bolt app: one AsyncApp with every listener registered on the shared core."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.config import Settings
from bot.core import Core
from handlers.slack import actions, commands, events, views
from handlers.slack.messenger import web_client


def build_app(settings: Settings, core: Core) -> AsyncApp:
    # The ASGI server checks Slack's signature before anything parses the body (server.py).
    app = AsyncApp(client=web_client(settings), request_verification_enabled=False)
    for listeners in (commands, actions, views, events):
        listeners.register(app, core)
    return app
