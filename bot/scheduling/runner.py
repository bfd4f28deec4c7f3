"""APScheduler's part: in-memory interval timers that fill and drain the delivery table.
A drain waits on for what falls due within seconds (a 429's Retry-After), rather than for
the next round of its timer.

Nothing about what is due lives in APScheduler; a restarted process simply starts its
timers again and finds its work in the table.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from datetime import datetime, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduling.dispatcher import Dispatcher
from bot.storage import StorageFault

log = logging.getLogger(__name__)

PLAN_EVERY_SECONDS = 60
DISPATCH_EVERY_SECONDS = 10
TIDY_EVERY_SECONDS = 60


class Timers:
    """The interval timers of one process. Each tick starts its job as a task of our own and
    returns at once, so that shutting APScheduler down never cancels a job mid-transaction;
    a job still running when its timer comes round again is left to finish."""

    def __init__(self, dispatcher: Dispatcher):
        self.dispatcher = dispatcher
        self.scheduler = AsyncIOScheduler(timezone=timezone.utc)
        self.running: dict[str, asyncio.Task] = {}

    def start(self) -> Timers:
        first_run = datetime.now(timezone.utc)
        for job, seconds in (
            (self.dispatcher.plan, PLAN_EVERY_SECONDS),
            (self.dispatcher.drain_while_due_soon, DISPATCH_EVERY_SECONDS),
            (self.dispatcher.tidy, TIDY_EVERY_SECONDS),
        ):
            self.scheduler.add_job(
                self._launcher(through_storage_faults(job)),
                "interval",
                seconds=seconds,
                next_run_time=first_run,
                coalesce=True,
                misfire_grace_time=None,
            )
        self.scheduler.start()
        return self

    def _launcher(self, job):
        @functools.wraps(job)
        async def launch() -> None:
            under_way = self.running.get(job.__name__)
            if under_way is None or under_way.done():
                self.running[job.__name__] = asyncio.create_task(job())

        return launch

    async def stop(self) -> None:
        """Claim nothing more, and let the jobs under way finish: a batch sends what it has
        begun and hands back the rest."""
        self.dispatcher.stop()
        self.scheduler.shutdown(wait=False)
        await asyncio.gather(*self.running.values(), return_exceptions=True)


def through_storage_faults(job):
    """A timer that meets a storage fault says so in one line and tries again next time:
    the fault is the database's, and /healthz reports it."""

    @functools.wraps(job)
    async def run():
        try:
            await job()
        except StorageFault as fault:
            log.warning("%s skipped: the database cannot be used right now: %s", job.__name__, fault)

    return run
