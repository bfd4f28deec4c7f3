"""The Teams front-end and the core in this process, on a real database: what `serve` builds
for Teams (the messenger and the endpoint on the SDK's App), handed each activity directly
instead of over HTTP, with `tick` as a call. The SDK's own check of the Bot Framework token
stays in the path; what the bot sends goes through the real Teams messenger to the fake
Microsoft (testkit/microsoft.py) on loopback; only the pacing's clock and sleeps are
simulated, so no test waits out a chat's second between messages.

One event loop serves the harness for its life: the API clients' connection pools belong
to the loop they were first used on."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from datetime import datetime

from bot.config import Settings, load_settings
from bot.core import Core
from bot.ports import Messengers
from bot.storage import make_engine, upgrade
from handlers.pacing import Pacer
from testkit.microsoft import FakeMicrosoft
from testkit.teams_driver import Reply
from tests.conftest import teams_environment
from tests.in_process import PacedTime, now, settled

with tempfile.TemporaryDirectory() as _empty, contextlib.chdir(_empty):
    from microsoft_teams.apps.http.adapter import HttpRequest

    from handlers.teams.app import CHAT_INTERVAL_SECONDS, build_endpoint, teams_connector
    from handlers.teams.messenger import TeamsMessenger


def teams_messenger(settings: Settings) -> TeamsMessenger:
    """The messenger `serve` and `tick` build (handlers/teams/app.py), on simulated pacing time."""
    paced = PacedTime()

    def pacer() -> Pacer:
        return Pacer(settings.teams_messages_per_second, paced.clock, paced.sleep, CHAT_INTERVAL_SECONDS)

    return TeamsMessenger(teams_connector(settings), pacer)


class InProcessTeams:
    """`supervision-bot serve` for Teams alone, on the real clock; `transport` is a
    TeamsDriver's, and `tick` a scheduling pass of its own, as the command is. The fake's
    CA must be trusted in the environment (the `microsoft` fixture sees to it)."""

    def __init__(self, database_url: str, fake: FakeMicrosoft):
        self.environment = {"DATABASE_URL": database_url, **teams_environment(fake)}
        self.settings = load_settings(self.environment)
        self.engine = make_engine(database_url)
        upgrade(self.engine)
        self.messenger = teams_messenger(self.settings)
        self.core = Core(self.engine, self.settings, Messengers([self.messenger]), now)
        self.endpoint = build_endpoint(self.settings, self.core, self.messenger)
        self._loop = asyncio.Runner()
        self._loop.run(self.endpoint.start())

    def transport(self, activity: dict, headers: dict[str, str]) -> Reply:
        """The SDK's answer to an activity, once everything it set going has finished."""
        assert self.endpoint.route.handler is not None  # registered by endpoint.start
        started = time.monotonic()
        response = self._loop.run(settled(self.endpoint.route.handler(HttpRequest(body=activity, headers=headers))))
        return Reply(response["status"], response.get("body"), time.monotonic() - started)

    def transport_at_once(self, requests: list[tuple[dict, dict[str, str]]]) -> list[int]:
        """The SDK's HTTP status for each (activity, headers), all handled at the same moment,
        once everything they set going has finished."""
        assert self.endpoint.route.handler is not None
        handler = self.endpoint.route.handler

        async def all_together():
            return await asyncio.gather(*(handler(HttpRequest(body=body, headers=h)) for body, h in requests))

        return [response["status"] for response in self._loop.run(settled(all_together()))]

    def tick(self, at: datetime) -> int:
        """`supervision-bot tick --now at`: a core of its own, its clock stopped at `at`, with
        a messenger of its own as a new process has; how many due deliveries it handled."""
        messengers = Messengers([teams_messenger(self.settings)])
        dispatcher = Core(self.engine, self.settings, messengers, lambda: at).dispatcher

        async def one_pass() -> int:
            await dispatcher.tidy()
            await dispatcher.plan()
            return await dispatcher.drain()

        return self._loop.run(one_pass())

    def close(self) -> None:
        self._loop.run(self.core.settled())
        self._loop.close()
        self.engine.dispose()
