"""The Bolt app: one AsyncApp with every listener registered on the shared core."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.core import Core
from bot.model import Platform
from handlers.slack import actions, commands, events, views
from handlers.slack.context import publish_home
from handlers.slack.messenger import web_client
from handlers.slack.workspace import OneWorkspace


def build_app(settings: Settings, core: Core, workspace: OneWorkspace | None = None) -> AsyncApp:
    # The ASGI server checks Slack's signature before anything parses the body (server.py). Each
    # request's client gets its token from `workspace`.
    app = AsyncApp(
        client=AsyncWebClient(base_url=settings.slack_api_url),
        authorize=workspace or OneWorkspace(web_client(settings)),
        request_verification_enabled=False,
    )
    for listeners in (commands, actions, views, events):
        listeners.register(app, core)
    home_client = web_client(settings)
    core.show_home_on(
        Platform.SLACK,
        lambda person, message: publish_home(home_client, person.id, message, links=core.chart_links),
    )
    return app
