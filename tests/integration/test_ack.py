"""Nothing delays Slack's HTTP 200 on the database: a slash command is acked while another
connection holds SQLite's write lock (as a plan pass, housekeeping or a `tick` beside `serve`
may), and its reply follows once the lock is released."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier

from handlers.server import Server
from handlers.slack.endpoint import EVENTS_PATH, SlackEndpoint
from testkit.slack_api import TEAM_ID
from testkit.slack_driver import SIGNING_SECRET, blocks_text
from tests.in_process import settled
from tests.steps import a_group

ACK_WAIT_SECONDS = 10  # a bound on a failure, far above an ack's time; never waited out when it passes


def signed_command(user: str, channel: str, text: str, response_url: str) -> tuple[bytes, list]:
    """A `/practice` request's body and headers, as Slack signs them."""
    body = urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": channel,
            "channel_name": "supervision",
            "user_id": user,
            "command": "/practice",
            "text": text,
            "response_url": response_url,
            "trigger_id": "trigger-while-locked",
        }
    )
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body)
    headers = [
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"x-slack-request-timestamp", timestamp.encode()),
        (b"x-slack-signature", signature.encode()),
    ]
    return body.encode(), headers


# SQLite's alone: PostgreSQL's writers do not wait for one another's transactions.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_command_is_acked_while_another_connection_holds_the_write_lock(database_url, bot, slack, fake_slack):
    group = a_group(slack, fake_slack)
    server = Server(bot.core, {EVENTS_PATH: SlackEndpoint(bot.app, SIGNING_SECRET)}, run_scheduler=False)
    body, headers = signed_command(group.therapists[0], group.channel, "status", fake_slack.response_url("locked"))
    scope = {"type": "http", "method": "POST", "path": EVENTS_PATH, "query_string": b"", "headers": headers}
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")

    async def request_under_the_lock() -> list[int]:
        statuses: list[int] = []
        acked = asyncio.Event()

        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                statuses.append(message["status"])
                acked.set()

        answering = asyncio.create_task(server(scope, receive, send))
        try:
            await asyncio.wait_for(acked.wait(), ACK_WAIT_SECONDS)
            assert fake_slack.calls_to("response_url", name="locked") == [], "replied while the lock was held"
        finally:
            holder.execute("ROLLBACK")
        await answering
        return statuses

    try:
        assert asyncio.run(settled(request_under_the_lock())) == [200]  # and the work after the ack is done
    finally:
        holder.close()
    [reply] = fake_slack.calls_to("response_url", name="locked")
    assert "Your practice" in blocks_text(reply.args["blocks"])
