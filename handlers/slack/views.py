"""Modal submissions. Validation errors go back in the ack, next to the field."""

from __future__ import annotations

import json

from slack_bolt.async_app import AsyncApp

from bot.core import Core
from bot.services import FORM_KINDS
from handlers.slack import render
from handlers.slack.context import caller_from


def register(app: AsyncApp, core: Core) -> None:
    async def on_submit(ack, view, context):
        result = await core.submit(
            caller_from(context), view["callback_id"], _context(view), render.submitted_values(view)
        )
        if result.errors:
            await ack(response_action="errors", errors=result.errors)
        elif result.reply is not None:
            await ack(response_action="update", view=render.notice_modal(result.reply))
        else:
            await ack()

    for kind in sorted(FORM_KINDS):
        app.view(kind)(on_submit)


def _context(view: dict) -> dict[str, str]:
    try:
        context = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return {str(key): str(value) for key, value in context.items()} if isinstance(context, dict) else {}
