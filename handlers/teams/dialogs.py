"""Button presses and forms. Every button on a card opens a dialog request (task/fetch),
since a press may open a form; a form's submission (task/submit) goes to the core, and a
field error shows the form again with the message beside the field."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from microsoft_teams.api import TaskFetchInvokeActivity, TaskSubmitInvokeActivity
from microsoft_teams.apps import ActivityContext, App

from bot.core import Core
from bot.messages import Message, buttons_of
from bot.model import Platform
from bot.ports import Recipient, SendFailed
from bot.services import Caller, Result
from handlers.teams import render
from handlers.teams.activity import caller_from
from handlers.teams.addresses import Conversation
from handlers.teams.context import BUTTONS_NOT_SENT, OPEN_FORM, as_json, send_privately
from handlers.teams.messenger import TeamsMessenger

log = logging.getLogger(__name__)

NOT_OPENED = "That button is out of date, so nothing changed. Run the command again."


def register(app: App, core: Core, messenger: TeamsMessenger) -> None:
    @app.on_dialog_open
    async def on_press(ctx: ActivityContext[TaskFetchInvokeActivity]):
        activity = as_json(ctx.activity)
        opener = _opener(_data(activity))
        caller = await _acting(messenger, activity, opener)
        if caller is None:
            return render.dialog_message(NOT_OPENED)
        return await _answer(messenger, caller, await _open(core, caller, opener), opener)

    @app.on_dialog_submit
    async def on_submit(ctx: ActivityContext[TaskSubmitInvokeActivity]):
        activity = as_json(ctx.activity)
        data = _data(activity)
        opener = _opener(data.get("opener"))
        caller = await _acting(messenger, activity, opener)
        if caller is None:
            return render.dialog_message(NOT_OPENED)
        context = data.get("form_context") if isinstance(data.get("form_context"), dict) else {}
        values = render.submitted_values(data)
        result = await core.submit(caller, str(data.get("form_kind") or ""), _strings(context), values)
        if not result.errors:
            return await _answer(messenger, caller, result, opener)
        reopened = await _open(core, caller, opener)
        if reopened.form is None:
            return render.dialog_message(NOT_OPENED)
        people = await _people(messenger, caller)
        card = render.form_card(reopened.form, result.errors, values, people, submit_data={"opener": opener})
        return render.dialog(card, reopened.form.title)


def _opener(data: Any) -> dict[str, str]:
    """What a button carries, and a form keeps, to run its press (or typed command) again."""
    data = data if isinstance(data, dict) else {}
    return {"action": str(data.get("action") or ""), "value": str(data.get("value") or "")}


async def _acting(messenger: TeamsMessenger, activity: dict[str, Any], opener: dict[str, str]) -> Caller | None:
    """Who is asking, where. A form opened from a command typed in a channel acts in that
    channel, as the command did, and the core checks the caller's rights there again. Card
    data is the client's to forge, so that channel is taken only from someone in its roster,
    and reached at the service URL Teams sent this activity from; None for anyone else."""
    caller = caller_from(activity)
    typed = _json_object(opener["value"]) if opener["action"] == OPEN_FORM else {}
    channel = typed.get("channel")
    if not isinstance(channel, str) or not channel or channel == caller.channel_id:
        return caller
    address = Conversation(channel, str(activity.get("serviceUrl") or "")).to_text()
    acting = replace(caller, channel_id=channel, channel_address=address, in_direct_message=False)
    in_roster = {user_id for user_id, _name in await _people(messenger, acting)}
    return acting if caller.user_id in in_roster else None


async def _open(core: Core, caller: Caller, opener: dict[str, str]) -> Result:
    if opener["action"] == OPEN_FORM:
        return await core.command(caller, str(_json_object(opener["value"]).get("command") or ""))
    return await core.press(caller, opener["action"], opener["value"])


async def _answer(messenger: TeamsMessenger, caller: Caller, result: Result, opener: dict[str, str]):
    """A form opens in the dialog; an answer is shown in it, and one with buttons of its own
    (such as "save anyway") also goes to the 1:1 chat, where its buttons can be pressed."""
    if result.form is not None:
        people = await _people(messenger, caller)
        card = render.form_card(result.form, people=people, submit_data={"opener": opener})
        return render.dialog(card, result.form.title)
    if result.reply is None:
        return render.dialog_message("Done.")
    if buttons_of(result.reply) and not await send_privately(messenger, caller, [result.reply]):
        return render.dialog_message(f"{_plain(result.reply)}\n\n{BUTTONS_NOT_SENT}")
    return render.dialog_message(_plain(result.reply))


async def _people(messenger: TeamsMessenger, caller: Caller) -> list[tuple[str, str]]:
    """Who a form's person field may name: the members of the channel the form is for (none
    while Microsoft cannot say, so that a forged channel is refused then too)."""
    if caller.in_direct_message or not caller.channel_id:
        return []
    channel = Recipient(Platform.TEAMS, caller.tenant_id, caller.channel_id, caller.channel_address)
    try:
        return await messenger.people_in(channel)
    except SendFailed as failure:
        log.warning("could not read a channel's members for a form: %s", failure.reason)
        return []


def _plain(message: Message) -> str:
    return "\n".join(render.plain(spans) for section in message.sections for spans in section.lines)


def _data(activity: dict[str, Any]) -> dict[str, Any]:
    data = (activity.get("value") or {}).get("data")
    return data if isinstance(data, dict) else {}


def _strings(context: dict[str, Any]) -> dict[str, str]:
    return {str(key): str(value) for key, value in context.items()}


def _json_object(text: str) -> dict[str, Any]:
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    return parsed if isinstance(parsed, dict) else {}
