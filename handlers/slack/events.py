"""Events: the App Home tab shows the user's Home; profile changes keep time zones current; the
app's removal from a workspace, or the bot's token revoked, stops everything sent there and
deletes the workspace's installation."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp

from bot.core import Core
from bot.model import Platform
from bot.ports import Recipient
from handlers.slack.context import acked_once, caller_from, show_home, tenant_of
from handlers.slack.workspace import Workspaces

log = logging.getLogger(__name__)


def register(app: AsyncApp, core: Core) -> None:
    async def on_home_opened(body, event, context, client, respond):
        if event.get("tab", "home") != "home":
            return
        user = event.get("user")
        if not isinstance(user, str) or not user:
            log.warning("ignored an app_home_opened event without a user")
            return
        caller = caller_from(context)
        await show_home(core, caller, client, await core.home(caller))

    async def on_user_change(body, event, context, client, respond):
        user = event.get("user", {})
        if user.get("id") and user.get("tz"):
            tenant = tenant_of(context) or user.get("team_id", "")
            await core.user_changed(Recipient(Platform.SLACK, tenant, user["id"]), user["tz"])

    app.event("app_home_opened")(acked_once(core, on_home_opened))
    app.event("user_change")(acked_once(core, on_user_change))


def register_removals(app: AsyncApp, core: Core, workspaces: Workspaces) -> None:
    async def on_app_uninstalled(body, event, context, client, respond):
        await core.tenant_removed(Platform.SLACK, tenant_of(context))
        await workspaces.uninstalled(context.enterprise_id, context.team_id)

    async def on_tokens_revoked(body, event, context, client, respond):
        tokens = event.get("tokens") or {}
        users = [user for user in tokens.get("oauth") or [] if isinstance(user, str)]
        if tokens.get("bot"):  # a user's token alone leaves the bot working
            await core.tenant_removed(Platform.SLACK, tenant_of(context))
        await workspaces.revoked(context.enterprise_id, context.team_id, bot=bool(tokens.get("bot")), users=users)

    app.event("app_uninstalled")(acked_once(core, on_app_uninstalled))
    app.event("tokens_revoked")(acked_once(core, on_tokens_revoked))
