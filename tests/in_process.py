"""The Slack front-end and the core in this process, on a real database: Bolt's app as
`serve` builds it, handed each request directly instead of over signed HTTP, and `tick` as
a call. What the bot sends goes through the real Slack messenger to the fake Slack Web API
on loopback; only the pacing's clock and sleeps are simulated, so no test waits out Slack's
second per channel.

For the rules (who may do what, forged ids, retries, digests): what only a real process
shows (signatures, the ack, start and stop, crashes, replicas) is left to tests/e2e."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timezone

from slack_bolt.request.async_request import AsyncBoltRequest

from bot.config import Settings, load_settings
from handlers.pacing import Pacer
from handlers.slack.app import build_app
from handlers.slack.messenger import SlackMessenger, web_client
from testkit.slack_api import FakeSlack
from testkit.slack_driver import SIGNING_SECRET, HttpReply, SlackDriver
from tests.core_harness import CoreHarness


class PacedTime:
    """The pacer's clock and sleep: sleeping moves the clock on at once, and is recorded."""

    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def slack_messenger(settings: Settings, paced: PacedTime | None = None) -> SlackMessenger:
    """The messenger `serve` and `tick` build (handlers/slack/app.py), on simulated pacing time."""
    paced = paced or PacedTime()

    def pacer() -> Pacer:
        per_channel = settings.slack_channel_interval_seconds
        return Pacer(settings.slack_messages_per_second, paced.clock, paced.sleep, per_channel)

    return SlackMessenger(web_client(settings), pacer)


def now() -> datetime:
    return datetime.now(timezone.utc)


class InProcessBot:
    """What `supervision-bot serve` runs, in this process and on the real clock, as `serve`
    is; `tick` is a scheduling pass of its own, as the command is. Only with `home_tabs` is a
    person's Home tab published again after each change of theirs, as `serve` does: a test of
    Homes asks for it (tests/integration/test_home_slack.py)."""

    def __init__(self, database_url: str, fake: FakeSlack, home_tabs: bool = False, **environment: str):
        self.environment = {
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            **environment,
        }
        settings = {key: value for key, value in self.environment.items() if key != "DATABASE_URL"}
        self.settings = load_settings(self.environment)
        self.harness = CoreHarness(
            database_url, now(), {}, messenger=slack_messenger(self.settings), clock=now, **settings
        )
        self.core = self.harness.core
        self.app = build_app(self.settings, self.core, home_tabs=home_tabs)

    def handle(self, body: str, content_type: str) -> HttpReply:
        """Bolt's answer to a request, once everything it set going has finished: the
        listener's work after its ack, and the core's after its reply."""
        started = time.monotonic()
        request = AsyncBoltRequest(body=body, headers={"content-type": content_type})
        response = asyncio.run(settled(self.app.async_dispatch(request)))
        return HttpReply(response.status, response.body, time.monotonic() - started)

    def handle_at_once(self, bodies: list[str], content_type: str) -> list[int]:
        """Bolt's HTTP status for each request, all dispatched at the same moment, once
        everything they set going has finished."""

        async def all_together():
            requests = [AsyncBoltRequest(body=body, headers={"content-type": content_type}) for body in bodies]
            return await asyncio.gather(*(self.app.async_dispatch(request) for request in requests))

        return [response.status for response in asyncio.run(settled(all_together()))]

    def tick(self, now: str, **environment: str) -> int:
        """`supervision-bot tick --now now`, with a messenger of its own as a new process
        has; how many due deliveries it handled."""
        settings = load_settings({**self.environment, **environment})
        return self.harness.tick(datetime.fromisoformat(now), slack_messenger(settings), **environment)

    def close(self) -> None:
        self.harness.close()


async def settled(work):
    """`work`'s result, once every other task on the loop (what it set going) has finished too."""
    result = await work
    current = asyncio.current_task()
    while pending := [task for task in asyncio.all_tasks() if task is not current]:
        await asyncio.gather(*pending, return_exceptions=True)
    return result


class InProcessSlack(SlackDriver):
    """The SlackDriver's requests, handed to an InProcessBot instead of posted: each
    returns once the bot has finished with it. Signatures are for tests/e2e."""

    def __init__(self, bot: InProcessBot, fake: FakeSlack, team_id: str | None = None):
        super().__init__("in-process", fake, *([team_id] if team_id else []))
        self.bot = bot

    def post(self, body: str, content_type: str = "application/x-www-form-urlencoded", **signing) -> HttpReply:
        assert not signing, "signatures and timestamps are checked by the server: see tests/e2e/test_http.py"
        return self.bot.handle(body, content_type)


class Tracebacks(logging.Handler):
    """Records what is logged with a traceback, as `serve` would write it to its log."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)

    def text(self) -> str:
        return "\n".join(logging.Formatter("%(levelname)s %(name)s: %(message)s").format(r) for r in self.records)
