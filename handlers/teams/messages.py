"""Commands typed to the bot: `@bot practice log 30 …` in a channel, `log 30 …` in the 1:1 chat."""

from __future__ import annotations

from microsoft_teams.api import MessageActivity
from microsoft_teams.apps import ActivityContext, App

from bot.core import Core
from handlers.teams.activity import caller_from, command_text
from handlers.teams.context import as_json, present
from handlers.teams.messenger import TeamsMessenger


def register(app: App, core: Core, messenger: TeamsMessenger) -> None:
    @app.on_message
    async def on_message(ctx: ActivityContext[MessageActivity]) -> None:
        activity = as_json(ctx.activity)
        if not await core.first_time(f"teams:activity:{activity.get('id')}"):
            return  # a retry of a message already handled
        text = command_text(activity)
        caller = caller_from(activity)
        await present(messenger, ctx, caller, await core.command(caller, text), text)
