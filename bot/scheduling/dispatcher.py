"""Sends what is due: claim a batch under a lease, prepare each message, send it, and
record the result only while the lease is still ours."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.model import Delivery, DeliveryStatus
from bot.ports import MessageRef, Messengers, SendFailed
from bot.scheduling import housekeeping, planner
from bot.scheduling.holds import due_for_a_check, hold_sending, settle_hold
from bot.scheduling.outbox import claim_due, finish
from bot.scheduling.retry import after_failure
from bot.scheduling.steps import AfterSent, Defer, Prepare, Send, Skip
from bot.storage import in_transaction

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 50
CONCURRENCY = 8
Clock = Callable[[], datetime]


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        messengers: Messengers,
        settings: Settings,
        clock: Clock,
        prepare: Prepare,
        after_sent: AfterSent,
    ):
        self.engine = engine
        self.messengers = messengers
        self.settings = settings
        self.clock = clock
        self.prepare = prepare
        self.after_sent = after_sent
        self.stopping = False

    def stop(self) -> None:
        """Finish the sends under way, hand back the rest of the batch, and claim no more."""
        self.stopping = True

    async def plan(self) -> None:
        """Plan the groups whose plan ran out or changed, each in a transaction of its own."""
        now = self.clock()
        window = timedelta(hours=self.settings.checkin_skip_after_hours)
        for group_id in await self.in_transaction(lambda session: planner.groups_to_plan(session, now)):
            await self.in_transaction(
                lambda session, group_id=group_id: planner.plan_if_due(session, group_id, now, window)
            )

    async def tidy(self) -> None:
        await housekeeping.tidy(self.engine, self.clock(), timedelta(days=self.settings.retention_days))

    async def drain(self) -> int:
        """Send everything due now, batch after batch; the number of deliveries handled."""
        handled = 0
        while batch := await self.dispatch_batch():
            handled += batch
        return handled

    async def dispatch_batch(self) -> int:
        if self.stopping:
            return 0
        await self._check_held_credentials()
        now = self.clock()
        platforms = self.messengers.platforms
        token, claimed = await self.in_transaction(lambda session: claim_due(session, now, LEASE, BATCH, platforms))
        slots = asyncio.Semaphore(CONCURRENCY)

        async def deliver(delivery: Delivery) -> None:
            async with slots:
                if self.stopping:
                    await self._hand_back(delivery, token, delivery.due_at)
                else:
                    await self._deliver(delivery, token)

        await asyncio.gather(*(deliver(delivery) for delivery in claimed))
        return len(claimed)

    async def in_transaction(self, work):
        return await in_transaction(self.engine, work)

    async def _deliver(self, delivery: Delivery, token: str) -> None:
        now = self.clock()
        try:
            step = await self.in_transaction(lambda session: self.prepare(session, delivery, now, self.settings))
        except Exception:
            log.exception("could not prepare delivery %s", delivery.key)
            await self._record(delivery, token, after_failure(delivery.attempts, now, SendFailed("could not prepare")))
            return
        if isinstance(step, Skip):
            await self._record(delivery, token, {"status": step.status, "last_error": step.reason})
        elif isinstance(step, Defer):
            await self._defer(delivery, token, step, now)
        else:
            await self._send(delivery, token, step, now)

    async def _send(self, delivery: Delivery, token: str, step: Send, now: datetime) -> None:
        messenger = self.messengers.of(step.to.platform)
        try:
            if step.direct:
                ref = await messenger.send_direct(step.to, step.message)
            else:
                ref = await messenger.post_to_channel(step.to, step.message)
        except SendFailed as failure:
            log.warning("delivery %s failed: %s", delivery.key, failure.reason)
            if failure.credentials_refused:
                reason = failure.reason
                await self.in_transaction(lambda session: hold_sending(session, step.to, reason, now))
                await self._hand_back(delivery, token, delivery.due_at)
            else:
                await self._record(delivery, token, after_failure(delivery.attempts, now, failure))
            return
        except Exception:
            log.exception("delivery %s failed unexpectedly", delivery.key)
            await self._record(delivery, token, after_failure(delivery.attempts, now, SendFailed("unexpected error")))
            return
        await self.in_transaction(lambda session: self._sent(session, delivery, token, step, ref, now))

    def _sent(
        self,
        session: Session,
        delivery: Delivery,
        token: str,
        step: Send,
        ref: MessageRef,
        now: datetime,
    ) -> None:
        if not finish(
            session,
            delivery.id,
            token,
            status=DeliveryStatus.SENT,
            sent_at=now,
            message_channel=ref.channel_id,
            message_id=ref.message_id,
        ):
            log.warning("delivery %s was sent after its lease ran out; another worker may send it again", delivery.key)
            return
        self.after_sent(session, delivery, now, step, ref, self.settings)

    async def _defer(self, delivery: Delivery, token: str, step: Defer, now: datetime) -> None:
        values = {"status": DeliveryStatus.PENDING, "due_at": step.until, "attempts": delivery.attempts - 1}
        if step.for_pause:
            values["held_by_pause"] = True
        elif delivery.expires_at is not None:
            # Outside working hours is no reason to go stale: the window starts again when they begin.
            values["expires_at"] = delivery.expires_at + (step.until - now)
        await self._record(delivery, token, values)

    async def _hand_back(self, delivery: Delivery, token: str, due_at: datetime) -> None:
        # Not sent, through no fault of its own: it keeps its attempts.
        values = {"status": DeliveryStatus.PENDING, "due_at": due_at, "attempts": delivery.attempts - 1}
        await self._record(delivery, token, values)

    async def _record(self, delivery: Delivery, token: str, values: dict) -> None:
        await self.in_transaction(lambda session: finish(session, delivery.id, token, **values))

    async def _check_held_credentials(self) -> None:
        """Where sending is held because a platform refused our credentials for a tenant,
        check them again now and then, tenant by tenant."""
        now = self.clock()
        platforms = self.messengers.platforms
        due = await self.in_transaction(lambda session: due_for_a_check(session, now, platforms))
        for hold in due:
            valid = await self.messengers.of(hold.platform).credentials_work(hold.tenant_id)
            await self.in_transaction(lambda session: settle_hold(session, hold, valid, now))
