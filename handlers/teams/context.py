"""From the core's Result back to Teams. Channels have no private replies: what Slack shows
only to the person who asked goes to their 1:1 chat with the bot."""

from __future__ import annotations

import json
import logging
from typing import Any

from microsoft_teams.apps import ActivityContext

from bot.forms import Form
from bot.messages import Button, Message, Section
from bot.ports import Messenger, SendFailed
from bot.services import Caller, Result

log = logging.getLogger(__name__)

OPEN_FORM = "teams_open_form"  # a button of this front-end's own: open the form a command asked for
REPLIED_PRIVATELY = "I've replied to you privately."
NOT_DELIVERED = "I couldn't reach you in our chat, so nothing more was shown. Please try again in a minute."
NOT_SHOWN = "I couldn't show you my answer here, so nothing more was shown. Please try again in a minute."
BUTTONS_NOT_SENT = "I couldn't send this to our chat, where its buttons would be. Please try again in a minute."


def as_json(activity: Any) -> dict[str, Any]:
    """The activity as Bot Framework JSON, the one shape the front-end reads."""
    return activity.model_dump(by_alias=True, exclude_none=True, mode="json")


def form_opener(caller: Caller, command_text: str) -> str:
    """What opens a typed command's form again from a button in the 1:1 chat: the command
    and the channel it was typed in (the core checks the caller's rights there again)."""
    return json.dumps({"command": command_text, "channel": caller.channel_id})


def with_form_button(form: Form, opener: str) -> Message:
    """A form a typed command opened, as a message whose button opens it in a dialog."""
    return Message(
        summary=form.title,
        sections=(Section(((form.intro or "Fill in the form to go on.",),), heading=form.title),),
        buttons=(Button("Open form", OPEN_FORM, opener, "primary"),),
    )


async def present(
    messenger: Messenger, ctx: ActivityContext, caller: Caller, result: Result, command_text: str
) -> None:
    """Show a typed command's result to the person who typed it, in their 1:1 chat; if that
    fails, say so where they typed it."""
    messages = []
    if result.form is not None:
        messages.append(with_form_button(result.form, form_opener(caller, command_text)))
    if result.reply is not None:
        messages.append(result.reply)
    if not messages:
        return
    delivered = await send_privately(messenger, caller, messages)
    if not caller.in_direct_message:
        await ctx.send(REPLIED_PRIVATELY if delivered else NOT_DELIVERED)
    elif not delivered:  # a reply to the activity itself, which may go where the messenger's could not
        await ctx.send(NOT_SHOWN)


async def send_privately(messenger: Messenger, caller: Caller, messages: list[Message]) -> bool:
    try:
        for message in messages:
            await messenger.send_direct(caller.person, message)
    except SendFailed as failure:
        log.warning("could not reply in a 1:1 chat: %s", failure.reason)
        return False
    return True
