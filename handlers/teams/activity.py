"""What the core needs from a Teams activity, read from its Bot Framework JSON: who is
asking and from where, the command they typed, and the time zone their client reports."""

from __future__ import annotations

import re
from typing import Any

from bot.grammar import user_token
from bot.messages import COMMAND_NAME
from bot.model import Platform
from bot.services import Caller
from handlers.teams.addresses import Conversation

Activity = dict[str, Any]
PERSONAL = "personal"
LEADING_COMMAND = re.compile(rf"^\s*/?{COMMAND_NAME}\b\s*", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")


def tenant_of(activity: Activity) -> str:
    """The Entra tenant the activity comes from: Teams names it in two places."""
    tenant = (activity.get("conversation") or {}).get("tenantId") or _dig(activity, "channelData", "tenant", "id")
    return tenant if isinstance(tenant, str) else ""


def is_personal(activity: Activity) -> bool:
    return (activity.get("conversation") or {}).get("conversationType") == PERSONAL


def channel_id_of(activity: Activity) -> str | None:
    """The team channel an activity was sent in, without the thread a reply adds; None in a chat."""
    channel = _dig(activity, "channelData", "channel", "id")
    if isinstance(channel, str) and channel:
        return channel
    if is_personal(activity):
        return None
    conversation = str((activity.get("conversation") or {}).get("id") or "")
    return conversation.split(";messageid=")[0] or None


def caller_from(activity: Activity) -> Caller:
    """Who is asking. In their 1:1 chat with the bot, that chat is how to reach them privately."""
    service_url = str(activity.get("serviceUrl") or "")
    personal = is_personal(activity)
    conversation_id = str((activity.get("conversation") or {}).get("id") or "")
    channel = channel_id_of(activity)
    return Caller(
        platform=Platform.TEAMS,
        tenant_id=tenant_of(activity),
        user_id=str((activity.get("from") or {}).get("id") or ""),
        channel_id=conversation_id if personal else channel,
        in_direct_message=personal,
        address=Conversation(conversation_id, service_url).to_text() if personal else None,
        channel_address=Conversation(channel, service_url).to_text() if channel else None,
        installation_id=team_of(activity),
    )


def team_of(activity: Activity) -> str | None:
    """The team an activity in a team's channel comes from; None in a chat."""
    team = _dig(activity, "channelData", "team", "id")
    return team if isinstance(team, str) and team else None


def command_text(activity: Activity) -> str:
    """The typed command as the core reads it: the bot's own mention and the command's name
    dropped, each other mention a user reference, and no markup left."""
    text = str(activity.get("text") or "")
    bot_id = (activity.get("recipient") or {}).get("id")
    for entity in activity.get("entities") or []:
        if entity.get("type") != "mention" or not isinstance(entity.get("text"), str):
            continue
        mentioned = (entity.get("mentioned") or {}).get("id")
        replacement = "" if mentioned == bot_id or not isinstance(mentioned, str) else user_token(mentioned)
        text = text.replace(entity["text"], f" {replacement} ", 1)
    text = _unescape(TAG.sub("", text))
    return LEADING_COMMAND.sub("", " ".join(text.split()))


def timezone_of(activity: Activity) -> str | None:
    """The IANA zone the user's Teams client reports with the activity, if it does."""
    for entity in activity.get("entities") or []:
        if entity.get("type") == "clientInfo" and isinstance(entity.get("timezone"), str):
            return entity["timezone"]
    return None


def display_name_of(activity: Activity) -> str | None:
    """How Teams names the user who sent the activity."""
    name = (activity.get("from") or {}).get("name")
    return name.strip() or None if isinstance(name, str) else None


def _unescape(text: str) -> str:
    # Teams sends what users type as HTML: entities for <, > and &, and &nbsp; for spaces.
    return text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data
