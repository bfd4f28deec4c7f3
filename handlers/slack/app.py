"""The Bolt app: one AsyncApp with every listener registered on the shared core."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.core import Core
from handlers.pacing import Pacer
from handlers.slack import actions, commands, events, views
from handlers.slack.messenger import SlackMessenger


def web_client(settings: Settings) -> AsyncWebClient:
    return AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)


def slack_messenger(settings: Settings) -> SlackMessenger:
    pacing = settings.slack_messages_per_second, settings.slack_channel_interval_seconds
    return SlackMessenger(web_client(settings), lambda: Pacer(pacing[0], per_channel=pacing[1]))


def build_app(settings: Settings, core: Core) -> AsyncApp:
    # The ASGI server checks Slack's signature before anything parses the body (server.py).
    app = AsyncApp(client=web_client(settings), request_verification_enabled=False)
    for listeners in (commands, actions, views, events):
        listeners.register(app, core)
    return app
