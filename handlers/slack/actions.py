"""Button presses in the bot's direct messages and on the Home tab."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.core import Core
from bot.services import BUTTON_ACTIONS
from bot.services.home import PICK_GROUP_ACTION
from handlers.slack import render
from handlers.slack.context import acked_once, caller_from, from_home_tab, present, show_home

ACTION_IDS = re.compile("^(" + "|".join(re.escape(action) for action in sorted(BUTTON_ACTIONS)) + ")$")


def register(app: AsyncApp, core: Core) -> None:
    async def on_button(body, action, context, client, respond):
        caller = caller_from(context)
        value = _value(action)
        result = await core.press(caller, action["action_id"], value)
        coached = int(value) if action["action_id"] == PICK_GROUP_ACTION and value.isdigit() else None
        await present(core, caller, result, client, respond, body.get("trigger_id"), from_home_tab(body), coached)

    async def on_page(body, action, context, client, respond):
        coached_id, page = render.home_page_of(_value(action))
        caller = caller_from(context)
        await show_home(core, caller, client, await core.home(caller, coached_id), page, coached_id)

    app.action(ACTION_IDS)(acked_once(core, on_button))
    app.action(render.HOME_PAGE_ACTION)(acked_once(core, on_page))


def _value(action: dict) -> str:
    """A button's value, or the option chosen in a select."""
    return action.get("value") or (action.get("selected_option") or {}).get("value", "")
