"""The bot added to a team or to a person's chats: it says hello once, with how to start. The
app removed from a team: its groups there are held, and deleted later unless it comes back."""

from __future__ import annotations

from microsoft_teams.api import ConversationUpdateActivity, InstalledActivity, UninstalledActivity
from microsoft_teams.apps import ActivityContext, App

from bot.core import Core
from bot.messages import COMMAND_NAME
from bot.model import Platform
from handlers.teams.activity import is_personal, team_of, tenant_of
from handlers.teams.context import as_json
from handlers.teams.messenger import TeamsMessenger


def register(app: App, core: Core, messenger: TeamsMessenger) -> None:
    @app.on_install_add
    async def on_installed(ctx: ActivityContext[InstalledActivity]) -> None:
        await _in_team(core, ctx, removed=False)
        await _hello(core, ctx)

    @app.on_install_remove
    async def on_uninstalled(ctx: ActivityContext[UninstalledActivity]) -> None:
        await _in_team(core, ctx, removed=True)

    @app.on_conversation_update
    async def on_members_changed(ctx: ActivityContext[ConversationUpdateActivity]) -> None:
        activity = as_json(ctx.activity)
        bot_id = (activity.get("recipient") or {}).get("id")
        if any(member.get("id") == bot_id for member in activity.get("membersAdded") or []):
            await _in_team(core, ctx, removed=False)
            await _hello(core, ctx)
        if any(member.get("id") == bot_id for member in activity.get("membersRemoved") or []):
            await _in_team(core, ctx, removed=True)


async def _in_team(core: Core, ctx: ActivityContext, removed: bool) -> None:
    """The app added to or removed from a team; in a person's chats, no group is concerned."""
    activity = as_json(ctx.activity)
    team = team_of(activity)
    if team is None:
        return
    if removed:
        await core.tenant_removed(Platform.TEAMS, tenant_of(activity), team)
    else:
        await core.tenant_installed(Platform.TEAMS, tenant_of(activity), team)


async def _hello(core: Core, ctx: ActivityContext) -> None:
    activity = as_json(ctx.activity)
    conversation = str((activity.get("conversation") or {}).get("id") or "").split(";messageid=")[0]
    # Teams tells of one install twice (installationUpdate and conversationUpdate).
    if await core.first_time(f"teams:hello:{conversation}"):
        await ctx.send(greeting(str((activity.get("recipient") or {}).get("name") or "Supervision bot"), activity))


def greeting(bot_name: str, activity: dict) -> str:
    if is_personal(activity):
        return (
            "Hello! I help supervision groups practise deliberately: learning objectives, follow-ups on advice,"
            f" weekly check-ins and a digest for the coach. Here, type `{COMMAND_NAME} help` (or just `help`)"
            " to see what I can do. I'll send you follow-ups and check-ins in this chat."
        )
    return (
        "Hello! I help this team's supervision group practise deliberately. To start, the coach types"
        f" `@{bot_name} {COMMAND_NAME} setup` in the group's channel; each therapist then types"
        f" `@{bot_name} {COMMAND_NAME} join`. My replies to you are private, in your chat with me."
    )
