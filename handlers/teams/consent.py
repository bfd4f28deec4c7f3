"""An export's files reach the person through Teams' file consent card: once they accept,
the bytes go to the upload URL Teams gives, and a card for the file follows."""

from __future__ import annotations

from microsoft_teams.api import FileConsentInvokeActivity, InvokeResponse
from microsoft_teams.apps import ActivityContext, App

from bot.core import Core
from handlers.teams.activity import caller_from
from handlers.teams.context import as_json
from handlers.teams.messenger import TeamsMessenger


def register(app: App, core: Core, messenger: TeamsMessenger) -> None:
    @app.on_file_consent
    async def on_file_consent(ctx: ActivityContext[FileConsentInvokeActivity]):
        activity = as_json(ctx.activity)
        value = activity.get("value") or {}
        token = str((value.get("context") or {}).get("upload") or "")
        person = caller_from(activity).person
        if value.get("action") == "accept":
            await messenger.upload_accepted(token, value.get("uploadInfo") or {}, person)
        else:
            messenger.upload_declined(token, person)
        return InvokeResponse(status=200)
