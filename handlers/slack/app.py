"""The Bolt app: one AsyncApp with every listener registered on the shared core."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.core import Core
from handlers.slack import actions, commands, events, views
from handlers.slack.messenger import SlackMessenger


def web_client(settings: Settings) -> AsyncWebClient:
    return AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)


def slack_messenger(settings: Settings) -> SlackMessenger:
    return SlackMessenger(web_client(settings))


def build_app(settings: Settings, core: Core) -> AsyncApp:
    app = AsyncApp(client=web_client(settings), signing_secret=settings.slack_signing_secret or "")
    for listeners in (commands, actions, views, events):
        listeners.register(app, core)
    return app
