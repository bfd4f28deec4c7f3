"""Showing a result on Slack (handlers.slack.context.present) against the fake Slack Web API:
a form Slack will not open is answered with a private reply saying so, and one warning; a reply
too long for the five replies a response_url takes goes to the person's direct messages, as
does one its response_url refuses."""

from __future__ import annotations

import asyncio
import logging

import pytest
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.config import load_settings
from bot.forms import Form, FormField
from bot.messages import Message
from bot.model import Platform
from bot.services import Caller, Result
from handlers.slack.context import FORM_NOT_OPENED, MAX_REPLIES, SENT_AS_DM, present
from handlers.slack.messenger import web_client
from handlers.slack.render import message_parts
from testkit.slack_api import TEAM_ID
from testkit.slack_driver import blocks_text
from tests.conftest import on_one_database

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests

FORM = Form("objective", "Learning objective", "Save", (FormField("objective", "Your objective"),))
CALLER = Caller(Platform.SLACK, TEAM_ID, "UCOACH", "CGROUP")
ANSWERED = WebhookResponse(url="", status_code=200, body="ok", headers={})  # a response_url's answer to a reply


@pytest.mark.parametrize(
    ("status", "error"),
    [(200, "expired_trigger_id"), (500, "internal_error")],  # opened more than 3 s after the click; Slack down
)
def test_a_form_that_cannot_be_opened_is_answered_with_a_private_reply(bot, fake_slack, caplog, status, error):
    fake_slack.fail_next("views.open", status, error)
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": fake_slack.api_url})
    replies = []

    async def respond(**reply) -> WebhookResponse:
        replies.append(reply)
        return ANSWERED

    with caplog.at_level(logging.WARNING):
        asyncio.run(present(bot.core, CALLER, Result(form=FORM), web_client(settings), respond, "trigger-1"))

    assert [(r["text"], r["response_type"]) for r in replies] == [(FORM_NOT_OPENED, "ephemeral")]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [f"could not open a form: {error}"]
    assert not any(record.exc_info for record in caplog.records)


@pytest.mark.parametrize("lines", [40, 400])
def test_a_reply_longer_than_five_replies_goes_to_direct_messages_and_a_short_one_stays(bot, fake_slack, lines):
    message = Message.text(*(f"Line {n}: " + "a therapist's week in words " * 6 for n in range(lines)))
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": fake_slack.api_url})
    replies = []

    async def respond(**reply) -> WebhookResponse:
        replies.append(reply)
        return ANSWERED

    asyncio.run(present(bot.core, CALLER, Result(reply=message), web_client(settings), respond, None))

    too_long = len(message_parts(message)) > MAX_REPLIES
    assert too_long is (lines == 400)  # the check can see a reply of each kind
    assert len(replies) <= MAX_REPLIES
    direct = fake_slack.calls_to("chat.postMessage")
    if too_long:
        assert [r["text"] for r in replies] == [SENT_AS_DM]
        shown = "\n".join(blocks_text(call.args["blocks"]) for call in direct)
        assert direct[0].args["channel"] == "UCOACH" and "Line 0:" in shown and "Line 399:" in shown
        assert all(call.args.get("thread_ts") for call in direct[1:])  # continued in its thread
    else:
        assert direct == [] and len(replies) == len(message_parts(message))


@pytest.mark.parametrize("error", ["expired_url", "used_url"])  # more than 30 minutes on, or five replies already
def test_a_reply_slack_refuses_on_its_response_url_goes_to_direct_messages(bot, fake_slack, caplog, error):
    fake_slack.fail_next("response_url", 404, error)
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": fake_slack.api_url})
    url = fake_slack.response_url("r1")

    async def respond(**reply):
        return await AsyncWebhookClient(url).send_dict(reply)

    with caplog.at_level(logging.WARNING):
        asyncio.run(
            present(bot.core, CALLER, Result(reply=Message.text("Logged 30 min")), web_client(settings), respond, None)
        )

    assert len(fake_slack.calls_to("response_url")) == 1  # it was tried
    direct = fake_slack.calls_to("chat.postMessage")
    assert [(call.args["channel"], call.args["text"]) for call in direct] == [("UCOACH", "Logged 30 min")]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and error in warnings[0]
