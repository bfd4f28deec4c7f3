"""The Teams front-end: one SDK App with every listener registered on the shared core,
behind the project's own server (endpoint.py)."""

from __future__ import annotations

import logging

from microsoft_teams.api import InvokeResponse
from microsoft_teams.api.auth.cloud_environment import CloudEnvironment, from_name, with_overrides
from microsoft_teams.apps import ActivityContext, App

from bot.config import Settings
from bot.core import Core
from handlers.pacing import Pacer
from handlers.teams import consent, dialogs, installs, messages
from handlers.teams.activity import caller_from, display_name_of, tenant_of, timezone_of
from handlers.teams.connector import Connector
from handlers.teams.context import as_json
from handlers.teams.endpoint import MESSAGES_PATH, Background, MessagingRoute, TeamsEndpoint
from handlers.teams.messenger import TeamsMessenger

log = logging.getLogger(__name__)

INVOKE = "invoke"  # the one kind of activity whose HTTP answer Teams reads (a dialog, a file consent)
DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams"  # the SDK's own default
CHAT_INTERVAL_SECONDS = 1.0  # Microsoft allows a conversation about 7 messages a second in bursts, 1,800 an hour


def cloud_of(settings: Settings) -> CloudEnvironment:
    return with_overrides(from_name(settings.teams_cloud), **settings.teams_cloud_overrides)


def teams_connector(settings: Settings) -> Connector:
    assert settings.teams_client_id and settings.teams_client_secret  # checked by served_platforms
    return Connector(
        settings.teams_client_id,
        settings.teams_client_secret,
        settings.teams_tenant_id,
        cloud_of(settings),
        settings.teams_service_url or DEFAULT_SERVICE_URL,
    )


def teams_messenger(settings: Settings) -> TeamsMessenger:
    rate = settings.teams_messages_per_second
    return TeamsMessenger(teams_connector(settings), lambda: Pacer(rate, per_channel=CHAT_INTERVAL_SECONDS))


def build_endpoint(settings: Settings, core: Core, messenger: TeamsMessenger) -> TeamsEndpoint:
    messenger.links = core.chart_links
    route = MessagingRoute()
    app = App(
        client_id=settings.teams_client_id,
        client_secret=settings.teams_client_secret,
        tenant_id=settings.teams_tenant_id,
        cloud=cloud_of(settings),
        service_url=settings.teams_service_url or DEFAULT_SERVICE_URL,
        http_server_adapter=route,
        messaging_endpoint=MESSAGES_PATH,
    )
    background = Background()
    app.use(only_allowed_tenants(settings))
    app.use(answered_first(background))
    app.use(keep_people_current(core))
    for listeners in (messages, dialogs, installs, consent):
        listeners.register(app, core, messenger)
    return TeamsEndpoint(route, app.initialize, background)


def only_allowed_tenants(settings: Settings):
    """The SDK checks the token, not the tenant: an activity from a tenant not served is
    refused before anything reads it further, and nothing is stored or sent."""

    async def refuse_other_tenants(ctx: ActivityContext):
        if not settings.serves_teams_tenant(tenant_of(as_json(ctx.activity))):
            log.warning("refused an activity from a tenant not in TEAMS_ALLOWED_TENANTS")
            return InvokeResponse(status=403)
        await ctx.next()
        return None

    return refuse_other_tenants


def answered_first(background: Background):
    """An activity that is not an invoke (a typed command, an install) is answered with a bare
    200 at once and handled after, so that Teams never waits on the database or on another
    activity's work; an invoke (a dialog, a file consent) answers with its body, so it is
    handled first. A retried activity is still handled once: its handler asks the core."""

    async def handle_after_answering(ctx: ActivityContext):
        if ctx.activity.type == INVOKE:
            await ctx.next()
        else:
            background.start(ctx.next())
        return None

    return handle_after_answering


def keep_people_current(core: Core):
    """Teams has no API for a user's zone; their client reports it with each activity, which
    also names the user. Both are stored when they differ from what this process last heard,
    as Slack's user_change does."""
    heard: dict[tuple[str, str], tuple[str | None, str | None]] = {}

    async def learn_who_they_are(ctx: ActivityContext):
        activity = as_json(ctx.activity)
        caller = caller_from(activity)
        told = (timezone_of(activity), display_name_of(activity))
        key = (caller.tenant_id, caller.user_id)
        if caller.user_id and any(told) and heard.get(key) != told:
            await core.user_changed(caller.person, *told)
            heard[key] = told
        await ctx.next()

    return learn_who_they_are
