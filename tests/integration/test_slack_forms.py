"""Opening a form on Slack (handlers.slack.context.present) against the fake Slack Web API:
a form Slack will not open is answered with a private reply saying so, and one warning."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.config import load_settings
from bot.forms import Form, FormField
from bot.services import Result
from handlers.slack.app import web_client
from handlers.slack.context import FORM_NOT_OPENED, present

FORM = Form("objective", "Learning objective", "Save", (FormField("objective", "Your objective"),))


@pytest.mark.parametrize(
    ("status", "error"),
    [(200, "expired_trigger_id"), (500, "internal_error")],  # opened more than 3 s after the click; Slack down
)
def test_a_form_that_cannot_be_opened_is_answered_with_a_private_reply(fake_slack, caplog, status, error):
    fake_slack.fail_next("views.open", status, error)
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": fake_slack.api_url})
    replies = []

    async def respond(**reply) -> None:
        replies.append(reply)

    with caplog.at_level(logging.WARNING):
        asyncio.run(present(Result(form=FORM), web_client(settings), respond, "trigger-1"))

    assert [(r["text"], r["response_type"]) for r in replies] == [(FORM_NOT_OPENED, "ephemeral")]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [f"could not open a form: {error}"]
    assert not any(record.exc_info for record in caplog.records)
