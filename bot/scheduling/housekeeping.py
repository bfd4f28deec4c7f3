"""Tidying up, now and then: take back deliveries whose worker died, forget requests too old
to be retried, flagged texts no longer pending and charts whose links expired, delete records
older than the retention period, and the groups of an app removed longer ago than its grace period."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot.chart_links import forget_expired_charts
from bot.privacy import forget_expired_pending
from bot.requests import forget_old_requests
from bot.retention import purge_older_than, purge_uninstalled
from bot.scheduling.outbox import take_back_expired
from bot.storage import in_transaction

log = logging.getLogger(__name__)


async def tidy(engine: Engine, now: datetime, retention: timedelta, uninstalled_retention: timedelta) -> None:
    taken = await in_transaction(engine, lambda session: take_back_expired(session, now))
    if taken:
        log.warning("took back %d deliveries whose lease expired", taken)
    await in_transaction(engine, lambda session: forget_old_requests(session, now))
    await in_transaction(engine, lambda session: forget_expired_pending(session, now))
    await in_transaction(engine, lambda session: forget_expired_charts(session, now))
    await in_transaction(engine, lambda session: purge_older_than(session, now - retention))
    await in_transaction(engine, lambda session: purge_uninstalled(session, now - uninstalled_retention, now))
