"""Tidying up, now and then: take back deliveries whose worker died, forget requests too old
to be retried, flagged texts no longer pending and charts whose links expired, delete records
older than the retention period, and the groups of an app removed longer ago than its grace period."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.chart_links import forget_expired_charts
from bot.privacy import forget_expired_pending
from bot.requests import forget_old_requests
from bot.retention import purge_older_than, purge_uninstalled
from bot.scheduling.outbox import take_back_expired
from bot.storage import in_transaction

log = logging.getLogger(__name__)

PURGE_EVERY = timedelta(hours=1)  # retention is counted in days: deleting by the minute only costs the database


class Housekeeping:
    """One process's tidying. What keeps the bot going (leases taken back, the expired texts
    and requests forgotten) is done at every pass; the retention purges at most once an hour
    of the clock given, so a simulated month's hundreds of stops purge by the hour too."""

    def __init__(self, engine: Engine, retention: timedelta, uninstalled_retention: timedelta):
        self.engine = engine
        self.retention = retention
        self.uninstalled_retention = uninstalled_retention
        self._purged_at: datetime | None = None

    async def tidy(self, now: datetime) -> None:
        engine = self.engine
        taken = await in_transaction(engine, lambda session: _tidy_at_every_pass(session, now))
        if taken:
            log.warning("took back %d deliveries whose lease expired", taken)
        if self._purge_due(now):
            await in_transaction(engine, lambda session: purge_older_than(session, now - self.retention))
            await in_transaction(
                engine, lambda session: purge_uninstalled(session, now - self.uninstalled_retention, now)
            )
            self._purged_at = now

    def _purge_due(self, now: datetime) -> bool:
        last = self._purged_at
        return last is None or not last <= now < last + PURGE_EVERY


def _tidy_at_every_pass(session: Session, now: datetime) -> int:
    """In one transaction, as each is a statement or two; how many deliveries were taken back."""
    taken = take_back_expired(session, now)
    forget_old_requests(session, now)
    forget_expired_pending(session, now)
    forget_expired_charts(session, now)
    return taken
