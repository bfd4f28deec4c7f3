"""Button presses in the bot's direct messages."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.core import Core
from bot.services import BUTTON_ACTIONS
from handlers.slack.context import acked_once, caller_from, present

ACTION_IDS = re.compile("^(" + "|".join(re.escape(action) for action in sorted(BUTTON_ACTIONS)) + ")$")


def register(app: AsyncApp, core: Core) -> None:
    async def on_button(body, action, context, client, respond):
        caller = caller_from(context)
        result = await core.press(caller, action["action_id"], action.get("value", ""))
        await present(core, caller, result, client, respond, body.get("trigger_id"))

    app.action(ACTION_IDS)(acked_once(core, on_button))
