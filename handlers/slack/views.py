"""Modal submissions. Validation errors go back in the ack, next to the field."""

from __future__ import annotations

import json
import logging
import re

from slack_bolt.async_app import AsyncApp

from bot.core import Core
from bot.services import FORM_KINDS
from handlers.slack import render
from handlers.slack.context import answered_once, caller_from

log = logging.getLogger(__name__)

MAX_METADATA_CHARS = 3000  # Slack's own limit for private_metadata
NESTED = re.compile(r"[\[{]")


def register(app: AsyncApp, core: Core) -> None:
    async def on_submit(body, view, context) -> dict:
        result = await core.submit(
            caller_from(context), view["callback_id"], _context(view), render.submitted_values(view)
        )
        if result.errors:
            return {"response_action": "errors", "errors": result.errors}
        if result.reply is not None:
            return {"response_action": "update", "view": render.notice_modal(result.reply)}
        return {}

    for kind in sorted(FORM_KINDS):
        app.view(kind)(answered_once(core, on_submit))


def _context(view: dict) -> dict[str, str]:
    """The form's context: a flat JSON object of ids. Anything else is read as no context,
    which the core refuses with a reply; nesting is refused before it is parsed."""
    raw = view.get("private_metadata") or "{}"
    context = None
    if isinstance(raw, str) and len(raw) <= MAX_METADATA_CHARS and raw.startswith("{") and not NESTED.search(raw, 1):
        try:
            context = json.loads(raw)
        except json.JSONDecodeError:
            pass
    if not isinstance(context, dict):
        log.warning("ignored malformed form metadata in a %r submission", view.get("callback_id"))
        return {}
    return {str(key): str(value) for key, value in context.items()}
