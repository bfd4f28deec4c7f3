"""The bot added to a team or to a person's chats: it says hello once, with how to start."""

from __future__ import annotations

from microsoft_teams.api import ConversationUpdateActivity, InstalledActivity
from microsoft_teams.apps import ActivityContext, App

from bot.core import Core
from bot.messages import COMMAND_NAME
from handlers.teams.activity import is_personal
from handlers.teams.context import as_json
from handlers.teams.messenger import TeamsMessenger


def register(app: App, core: Core, messenger: TeamsMessenger) -> None:
    @app.on_install_add
    async def on_installed(ctx: ActivityContext[InstalledActivity]) -> None:
        await _hello(core, ctx)

    @app.on_conversation_update
    async def on_members_added(ctx: ActivityContext[ConversationUpdateActivity]) -> None:
        activity = as_json(ctx.activity)
        bot_id = (activity.get("recipient") or {}).get("id")
        if any(member.get("id") == bot_id for member in activity.get("membersAdded") or []):
            await _hello(core, ctx)


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
