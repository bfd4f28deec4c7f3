"""Sends what is due: claim batches under a lease, prepare each message, send it, and
record the result only while the lease is still ours. Senders take claimed deliveries one
by one while the next batch is claimed, so that no slow send holds up a whole batch."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.model import Delivery, DeliveryStatus, Platform
from bot.ports import MessageRef, Messengers, SendFailed
from bot.scheduling import housekeeping, planner
from bot.scheduling.holds import due_for_a_check, hold_sending, settle_hold
from bot.scheduling.outbox import claim_due, finish, next_due
from bot.scheduling.retry import after_failure
from bot.scheduling.steps import AfterSent, Defer, Prepare, Send, Skip
from bot.storage import StorageFault, in_transaction

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 50
CONCURRENCY = 8
SOON = timedelta(seconds=10)  # what falls due this soon (a Retry-After, say) is waited for, not left for later
Clock = Callable[[], datetime]
Claimed = tuple[Delivery, str]  # a delivery and the lease token it was claimed under


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        messengers: Messengers,
        settings: Settings,
        clock: Clock,
        prepare: Prepare,
        after_sent: AfterSent,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        self.engine = engine
        self.messengers = messengers
        self.settings = settings
        self.clock = clock
        self.prepare = prepare
        self.after_sent = after_sent
        self.sleep = sleep
        self.stopping = False
        self._waiting: asyncio.Future | None = None
        # Within a drain, each platform tenant that answered 429, and when it may be posted to again.
        self._rate_limited_until: dict[tuple[Platform, str], datetime] = {}

    def stop(self) -> None:
        """Finish the sends under way, hand back the rest of what was claimed, and claim no more."""
        self.stopping = True
        if self._waiting is not None:
            self._waiting.cancel()

    async def plan(self) -> None:
        """Plan the groups whose plan ran out or changed, each in a transaction of its own."""
        now = self.clock()
        window = timedelta(hours=self.settings.checkin_skip_after_hours)
        for group_id in await self.in_transaction(lambda session: planner.groups_to_plan(session, now)):
            await self.in_transaction(
                lambda session, group_id=group_id: planner.plan_if_due(session, group_id, now, window)
            )

    async def tidy(self) -> None:
        await housekeeping.tidy(
            self.engine,
            self.clock(),
            timedelta(days=self.settings.retention_days),
            timedelta(days=self.settings.uninstalled_retention_days),
        )

    async def drain(self) -> int:
        """Send everything due now; the number of deliveries handled."""
        queue: asyncio.Queue[Claimed | None] = asyncio.Queue(maxsize=BATCH)
        results = GroupCommit(self.engine)
        senders = [asyncio.create_task(self._sender(queue, results)) for _ in range(CONCURRENCY)]
        self._rate_limited_until = {}
        handled = 0
        try:
            # After a 429, claim no more this time round; the drain goes on once its Retry-After has passed.
            while not (self.stopping or results.failed or self._rate_limited_until) and (
                claimed := await self._claim()
            ):
                for item in claimed:
                    await queue.put(item)
                handled += len(claimed)
        finally:
            for _ in senders:
                await queue.put(None)
            await asyncio.gather(*senders)
            await results.settled()
        return handled

    async def drain_while_due_soon(self) -> int:
        """Drain, and again whenever the next delivery falls due within SOON (after a 429's
        Retry-After, say), until none does or we are stopped. Needs a clock that moves on."""
        handled = await self.drain()
        while not self.stopping and (wait := await self._until_next_due()) is not None and wait <= SOON:
            await self._wait(wait.total_seconds())
            handled += await self.drain()
        return handled

    async def _claim(self) -> list[Claimed]:
        await self._check_held_credentials()
        now = self.clock()
        platforms = self.messengers.platforms
        token, claimed = await self.in_transaction(lambda session: claim_due(session, now, LEASE, BATCH, platforms))
        return [(delivery, token) for delivery in claimed]

    async def _sender(self, queue: asyncio.Queue[Claimed | None], results: GroupCommit) -> None:
        while (item := await queue.get()) is not None:
            delivery, token = item
            if self.stopping or results.failed:
                self._hand_back(results, delivery, token, delivery.due_at)
            else:
                await self._deliver(results, delivery, token)

    async def _until_next_due(self) -> timedelta | None:
        platforms = self.messengers.platforms
        due = await self.in_transaction(lambda session: next_due(session, platforms))
        return None if due is None else max(due - self.clock(), timedelta(0))

    async def _wait(self, seconds: float) -> None:
        self._waiting = asyncio.ensure_future(self.sleep(seconds))
        try:
            await asyncio.wait([self._waiting])  # cut short by stop()
        finally:
            self._waiting.cancel()
            self._waiting = None

    async def in_transaction(self, work):
        return await in_transaction(self.engine, work)

    async def _deliver(self, results: GroupCommit, delivery: Delivery, token: str) -> None:
        now = self.clock()
        try:
            step = await self.in_transaction(lambda session: self.prepare(session, delivery, now, self.settings))
        except Exception:
            log.exception("could not prepare delivery %s", delivery.key)
            failure = after_failure(delivery.attempts, now, SendFailed("could not prepare"))
            self._record(results, delivery, token, failure)
            return
        if isinstance(step, Skip):
            self._record(results, delivery, token, {"status": step.status, "last_error": step.reason})
        elif isinstance(step, Defer):
            self._defer(results, delivery, token, step, now)
        else:
            await self._send(results, delivery, token, step, now)

    async def _send(self, results: GroupCommit, delivery: Delivery, token: str, step: Send, now: datetime) -> None:
        tenant = (step.to.platform, step.to.tenant_id)
        if (limited_until := self._rate_limited_until.get(tenant)) is not None:
            self._hand_back(results, delivery, token, max(delivery.due_at, limited_until))
            return
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
                self._hand_back(results, delivery, token, delivery.due_at)
            else:
                retry = after_failure(delivery.attempts, now, failure)
                if failure.retry_after is not None:
                    # What else is claimed for this tenant waits with it, rather than being refused one by one.
                    self._rate_limited_until[tenant] = max(retry["due_at"], self._rate_limited_until.get(tenant, now))
                self._record(results, delivery, token, retry)
            return
        except Exception:
            log.exception("delivery %s failed unexpectedly", delivery.key)
            failure = after_failure(delivery.attempts, now, SendFailed("unexpected error"))
            self._record(results, delivery, token, failure)
            return
        results.add(lambda session: self._sent(session, delivery, token, step, ref, now))

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

    def _defer(self, results: GroupCommit, delivery: Delivery, token: str, step: Defer, now: datetime) -> None:
        values = {"status": DeliveryStatus.PENDING, "due_at": step.until, "attempts": delivery.attempts - 1}
        if step.for_pause:
            values["held_by_pause"] = True
        elif delivery.expires_at is not None:
            # Outside working hours is no reason to go stale: the window starts again when they begin.
            values["expires_at"] = delivery.expires_at + (step.until - now)
        self._record(results, delivery, token, values)

    def _hand_back(self, results: GroupCommit, delivery: Delivery, token: str, due_at: datetime) -> None:
        # Not sent, through no fault of its own: it keeps its attempts.
        values = {"status": DeliveryStatus.PENDING, "due_at": due_at, "attempts": delivery.attempts - 1}
        self._record(results, delivery, token, values)

    def _record(self, results: GroupCommit, delivery: Delivery, token: str, values: dict) -> None:
        results.add(lambda session: finish(session, delivery.id, token, **values))

    async def _check_held_credentials(self) -> None:
        """Where sending is held because a platform refused our credentials for a tenant,
        check them again now and then, tenant by tenant."""
        now = self.clock()
        platforms = self.messengers.platforms
        due = await self.in_transaction(lambda session: due_for_a_check(session, now, platforms))
        for hold in due:
            valid = await self.messengers.of(hold.platform).credentials_work(hold.tenant_id)
            await self.in_transaction(lambda session: settle_hold(session, hold, valid, now))


class GroupCommit:
    """The results of a drain's deliveries, written as they come: those that come while one
    transaction is being written go together in the next, so that many share one commit.
    Each is written under a savepoint of its own, and one that fails undoes only itself;
    a storage fault fails them all, and the drain hears of it when it settles."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.failed: Exception | None = None
        self._pending: list[Callable[[Session], object]] = []
        self._writing: asyncio.Task[None] | None = None

    def add(self, write: Callable[[Session], object]) -> None:
        self._pending.append(write)
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write())

    async def settled(self) -> None:
        """Once everything added is written; raises the storage fault that stopped it, if one did."""
        while self._writing is not None and not self._writing.done():
            await self._writing
        if self.failed is not None:
            raise self.failed

    async def _write(self) -> None:
        while self._pending and self.failed is None:
            writes, self._pending = self._pending, []
            try:
                await in_transaction(self.engine, lambda session: _each_on_its_own(session, writes))
            except Exception as failure:  # the claims stay leased, and are taken back when the lease runs out
                self.failed = failure


def _each_on_its_own(session: Session, writes: list[Callable[[Session], object]]) -> None:
    for write in writes:
        try:
            with session.begin_nested():
                write(session)
        except StorageFault:
            raise
        except Exception:
            log.exception("could not record a delivery's result")
