"""The Bolt app: one AsyncApp with every listener registered on the shared core, serving the
one workspace of SLACK_BOT_TOKEN or, installed through OAuth, any workspace."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.core import Core
from bot.messages import Message
from bot.model import Platform
from bot.ports import Recipient, SendFailed
from handlers.slack import actions, commands, events, views
from handlers.slack.context import publish_home
from handlers.slack.installs import OAuthStates, oauth_settings
from handlers.slack.messenger import web_client
from handlers.slack.workspace import InstalledWorkspaces, OneWorkspace, Workspaces

log = logging.getLogger(__name__)
NOT_INSTALLED = (
    "Supervision bot is not installed in this workspace, or was removed from it, so nothing was done."
    " Ask a workspace admin to install it again from the bot's install page."
)


def build_app(settings: Settings, core: Core, workspaces: Workspaces | None = None, home_tabs: bool = True) -> AsyncApp:
    """The app; with `home_tabs`, it also publishes a person's Home tab again after each change of
    theirs, as `serve` does (tests of anything else leave it off: drawing Homes was a third of their time)."""
    # The ASGI server checks Slack's signature before anything parses the body (server.py). Each
    # request's client gets its workspace's token from `workspaces`.
    workspaces = workspaces or OneWorkspace(web_client(settings))
    options = {}
    if isinstance(workspaces, InstalledWorkspaces):
        installed_to = workspaces

        async def installed(installation: Installation) -> None:
            tenant_id = installation.team_id or installation.enterprise_id or ""
            installed_to.forget(tenant_id)  # installed again, it may have a new token
            log.info("installed to Slack workspace %s", tenant_id)
            await core.tenant_installed(Platform.SLACK, tenant_id)

        states = OAuthStates(core.engine)
        options["oauth_settings"] = oauth_settings(settings, workspaces.installations, states, installed)
        options["user_facing_authorize_error_message"] = NOT_INSTALLED
    app = AsyncApp(
        client=AsyncWebClient(base_url=settings.slack_api_url),
        authorize=workspaces,
        request_verification_enabled=False,
        **options,
    )
    for listeners in (commands, actions, views, events):
        listeners.register(app, core)
    events.register_removals(app, core, workspaces)

    async def show_home(person: Recipient, message: Message) -> None:
        try:
            client = await workspaces.client_for(person.tenant_id)
        except SendFailed as failure:
            log.warning("could not publish a Home tab: %s", failure.reason)
            return
        await publish_home(client, person.id, message, links=core.chart_links)

    if home_tabs:
        core.show_home_on(Platform.SLACK, show_home)
    return app
