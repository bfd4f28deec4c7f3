"""The `/practice` slash command."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.core import Core
from handlers.slack.context import caller_from, present

COMMAND = "/practice"


def register(app: AsyncApp, core: Core) -> None:
    @app.command(COMMAND)
    async def practice(ack, body, context, client, respond):
        await ack()
        result = await core.command(caller_from(context), _unescape(body.get("text", "")))
        await present(result, client, respond, body.get("trigger_id"))


def _unescape(text: str) -> str:
    # Slack escapes &, < and > in what users type; mentions arrive as <@U…|name>.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
