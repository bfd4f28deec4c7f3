"""APScheduler's part: in-memory interval timers that fill and drain the delivery table.

Nothing about what is due lives in APScheduler; a restarted process simply starts its
timers again and finds its work in the table.
"""

from __future__ import annotations

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


def start_timers(dispatcher: Dispatcher) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=timezone.utc)
    first_run = datetime.now(timezone.utc)
    for job, seconds in (
        (dispatcher.plan, PLAN_EVERY_SECONDS),
        (dispatcher.drain, DISPATCH_EVERY_SECONDS),
        (dispatcher.tidy, TIDY_EVERY_SECONDS),
    ):
        scheduler.add_job(
            through_storage_faults(job),
            "interval",
            seconds=seconds,
            next_run_time=first_run,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
    scheduler.start()
    return scheduler


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


async def stop_timers(scheduler: AsyncIOScheduler, dispatcher: Dispatcher) -> None:
    """Claim nothing more, and let the batch under way finish or hand back what it holds."""
    dispatcher.stop()
    scheduler.shutdown(wait=False)
    await dispatcher.wait_idle()
