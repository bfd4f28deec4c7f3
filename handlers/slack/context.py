"""From a Bolt request to the core's Caller, and from the core's Result back to Slack."""

from __future__ import annotations

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.model import Platform
from bot.services import Caller, Result
from handlers.slack import render


def tenant_of(context: AsyncBoltContext) -> str:
    """The Slack workspace (or, for an org-wide app, the Enterprise Grid org) of a request."""
    return context.team_id or context.enterprise_id or ""


def caller_from(context: AsyncBoltContext) -> Caller:
    channel = context.channel_id
    return Caller(
        platform=Platform.SLACK,
        tenant_id=tenant_of(context),
        user_id=context.user_id,
        channel_id=channel,
        in_direct_message=bool(channel and channel.startswith("D")),
    )


async def present(result: Result, client: AsyncWebClient, respond, trigger_id: str | None) -> None:
    """Show a result to the person who asked: open its form, or reply only to them."""
    if result.form is not None and trigger_id:
        await client.views_open(trigger_id=trigger_id, view=render.modal(result.form))
    if result.reply is not None:
        for blocks in render.message_parts(result.reply):
            await respond(
                text=render.fallback_text(result.reply),
                blocks=blocks,
                response_type="ephemeral",
                replace_original=False,
            )
