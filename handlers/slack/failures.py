"""What a Slack Web API call may raise, and the reason to log for it."""

from __future__ import annotations

import asyncio

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.ports import SendFailed

SLACK_FAILURES = (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError)


def reason(error: BaseException) -> str:
    if isinstance(error, SendFailed):
        return error.reason
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    return type(error).__name__
