"""The core in-process, on a real database, with a recording messenger and a simulated
clock: for scheduling tests that move through weeks of time in milliseconds."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.config import load_settings
from bot.core import Core
from bot.model import Platform
from bot.ports import Messengers
from bot.scheduling.simulation import SimulatedClock, advance
from bot.services import Caller
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
        **settings: str,
    ):
        self.clock = SimulatedClock(start)
        self.messengers = {platform: RecordingMessenger(self.clock, timezones, platform) for platform in platforms}
        self.messenger = self.messengers[platforms[0]]
        self.engine = make_engine(database_url)
        upgrade(self.engine)
        environment = {"DATABASE_URL": database_url, **settings}
        self.core = Core(self.engine, load_settings(environment), Messengers(self.messengers.values()), self.clock)

    def say(self, user: str, text: str, channel: str = "CGROUP", **caller) -> str:
        """Run `/practice text` as `user` (by default in tenant T1 on Slack; `caller` may
        set any other field of the Caller); the plain text of the private reply. Mentions
        are written as on Slack, `<@U1>`, and translated as the Slack front-end does."""
        caller = Caller(
            **{"platform": Platform.SLACK, "tenant_id": TEAM, "user_id": user, "channel_id": channel, **caller}
        )
        return plain_reply(asyncio.run(self._command(caller, core_text(text))))

    async def _command(self, caller: Caller, text: str):
        result = await self.core.command(caller, text)
        await self.core.settled()
        return result

    def advance_to(self, until: datetime) -> None:
        asyncio.run(advance(self.core.dispatcher, self.clock, until))

    def close(self) -> None:
        self.engine.dispose()


def plain_reply(result) -> str:
    """The plain text of a result's private reply; empty if there is none."""
    return plain(result.reply) if result.reply else ""


def plain(message) -> str:
    """A message as plain text, a line each, headings included."""
    return "\n".join(_plain(section) for section in message.sections)


def _plain(section) -> str:
    from bot.messages import plain_text

    lines = [section.heading] if section.heading else []
    return "\n".join(lines + [plain_text(spans) for spans in section.lines])
