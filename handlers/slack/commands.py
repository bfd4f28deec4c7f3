"""The `/practice` slash command."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.core import Core
from bot.grammar import user_token
from handlers.slack.context import acked_once, caller_from, present
from handlers.slack.render import COMMAND

MENTION = re.compile(r"<@([A-Za-z0-9._-]+)(?:\|[^>]*)?>")  # <@U123>, or <@U123|name> from a slash command


def register(app: AsyncApp, core: Core) -> None:
    async def practice(body, command, context, client, respond):
        caller = caller_from(context)
        result = await core.command(caller, core_text(command.get("text", "")))
        await present(core, caller, result, client, respond, body.get("trigger_id"))

    app.command(COMMAND)(acked_once(core, practice))


def core_text(text: str) -> str:
    """What the user typed, as the core reads it: each mention a user reference. Mentions are
    found before unescaping, so that `<@U1>` typed as text (it arrives escaped) stays text."""
    return _unescape(MENTION.sub(lambda mention: user_token(mention.group(1)), text))


def _unescape(text: str) -> str:
    # Slack escapes &, < and > in what users type; mentions arrive as <@U…|name>.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
