"""The core in-process, on a real database, with a recording messenger and a simulated
clock: for scheduling tests that move through weeks of time in milliseconds."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.config import load_settings
from bot.core import Core
from bot.model import Platform
from bot.ports import Messenger, Messengers
from bot.scheduling.dispatcher import Clock
from bot.scheduling.simulation import SimulatedClock, advance
from bot.services import Caller, Result
from bot.storage import make_engine, upgrade
from handlers.slack.commands import core_text
from tests.fakes.messenger import RecordingMessenger

TEAM = "T1"


class CoreHarness:
    """`messenger` is the first platform's; `messengers` has one for each of `platforms`."""

    def __init__(
        self,
        database_url: str,
        start: datetime,
        timezones: dict[str, str],
        platforms: tuple[Platform, ...] = (Platform.SLACK,),
        messenger: Messenger | None = None,
        clock: Clock | None = None,
        **settings: str,
    ):
        """`messenger`: another platform's Messenger instead of the recording ones (which
        know the users in `timezones`); `clock`: another clock instead of a simulated one
        stopped at `start` (advance_to needs the simulated one)."""
        self.clock = clock or SimulatedClock(start)
        if messenger is not None:
            self.messengers = {messenger.platform: messenger}
        else:
            self.messengers = {platform: RecordingMessenger(self.clock, timezones, platform) for platform in platforms}
        self.messenger = next(iter(self.messengers.values()))
        self.engine = make_engine(database_url)
        upgrade(self.engine)
        self.database_url, self.settings = database_url, settings
        environment = {"DATABASE_URL": database_url, **settings}
        self.core = Core(self.engine, load_settings(environment), Messengers(self.messengers.values()), self.clock)

    def say(self, user: str, text: str, channel: str = "CGROUP", **caller) -> str:
        """Run `/practice text` as `user` (by default in tenant T1 on Slack; `caller` may
        set any other field of the Caller); the plain text of the private reply. Mentions
        are written as on Slack, `<@U1>`, and translated as the Slack front-end does."""
        return plain_reply(self.result(user, text, channel, **caller))

    def result(self, user: str, text: str, channel: str = "CGROUP", **caller) -> Result:
        """What the core answers `/practice text` as `user`, as `say` runs it."""
        fields = {"platform": Platform.SLACK, "tenant_id": TEAM, "user_id": user, "channel_id": channel, **caller}
        return asyncio.run(self._command(Caller(**fields), core_text(text)))

    async def _command(self, caller: Caller, text: str):
        result = await self.core.command(caller, text)
        await self.core.settled()
        return result

    def advance_to(self, until: datetime) -> None:
        asyncio.run(advance(self.core.dispatcher, self.clock, until))

    def tick(self, now: datetime, messenger: Messenger | None = None, **settings: str) -> int:
        """One scheduling pass as of `now`, as `supervision-bot tick --now` runs it: a
        dispatcher of its own with its clock stopped at `now` (this harness's clock stays
        where it is) tidies, plans and drains. How many due deliveries it handled."""
        environment = {"DATABASE_URL": self.database_url, **self.settings, **settings}
        messengers = Messengers([messenger or self.messenger])
        dispatcher = Core(self.engine, load_settings(environment), messengers, lambda: now).dispatcher

        async def one_pass() -> int:
            await dispatcher.tidy()
            await dispatcher.plan()
            return await dispatcher.drain()

        return asyncio.run(one_pass())

    def close(self) -> None:
        self.engine.dispose()


def plain_reply(result) -> str:
    """The plain text of a result's private reply; empty if there is none."""
    return plain(result.reply) if result.reply else ""


def plain(message) -> str:
    """A message as plain text, a line each, headings included; its detail after it."""
    return "\n".join(_plain(section) for section in message.every_section)


def _plain(section) -> str:
    from bot.messages import plain_text

    lines = [section.heading] if section.heading else []
    return "\n".join(lines + [plain_text(spans) for spans in section.lines])
