"""Sends what is due: claim batches under a lease, prepare each message, send it, and
record the result only while the lease is still ours. Senders take claimed deliveries one
by one while the next batch is claimed, so that no slow send holds up a whole batch."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.measurements import Job, Measurements, NoMeasurements, Outcome
from bot.model import Delivery, DeliveryStatus, Group, Platform
from bot.ports import MessageRef, Messengers, SendFailed
from bot.scheduling import planner
from bot.scheduling.holds import due_for_a_check, hold_sending, settle_hold
from bot.scheduling.housekeeping import Housekeeping
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
WARNED = (Outcome.RETRY, Outcome.RATE_LIMITED, Outcome.HELD, Outcome.DEAD)


@dataclass(frozen=True)
class Tenant:
    """Where a delivery goes: a Slack workspace, a Microsoft Entra tenant."""

    platform: Platform
    id: str


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
        measurements: Measurements | None = None,
    ):
        self.engine = engine
        self.messengers = messengers
        self.settings = settings
        self.clock = clock
        self.prepare = prepare
        self.after_sent = after_sent
        self.sleep = sleep
        self.measurements = measurements or NoMeasurements()
        self.housekeeping = Housekeeping(
            engine, timedelta(days=settings.retention_days), timedelta(days=settings.uninstalled_retention_days)
        )
        self.stopping = False
        self._waiting: asyncio.Future | None = None
        # Within a drain, each platform tenant that answered 429, and when it may be posted to again.
        self._rate_limited_until: dict[Tenant, datetime] = {}

    def stop(self) -> None:
        """Finish the sends under way, hand back the rest of what was claimed, and claim no more."""
        self.stopping = True
        if self._waiting is not None:
            self._waiting.cancel()

    async def plan(self) -> None:
        """Plan the groups whose plan ran out or changed, each in a transaction of its own."""
        with self._timed(Job.PLAN):
            await self._plan()

    async def _plan(self) -> None:
        now = self.clock()
        window = timedelta(hours=self.settings.checkin_skip_after_hours)
        for group_id in await self.in_transaction(lambda session: planner.groups_to_plan(session, now)):
            await self.in_transaction(
                lambda session, group_id=group_id: planner.plan_if_due(session, group_id, now, window)
            )

    async def tidy(self) -> None:
        with self._timed(Job.TIDY):
            await self.housekeeping.tidy(self.clock())

    async def drain(self) -> int:
        """Send everything due now; the number of deliveries handled."""
        with self._timed(Job.DRAIN):
            return await self._drain()

    @contextmanager
    def _timed(self, job: Job) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.measurements.job_took(job, time.perf_counter() - began)

    async def _drain(self) -> int:
        queue: asyncio.Queue[Claimed | None] = asyncio.Queue(maxsize=BATCH)
        results = GroupCommit(self.engine)
        senders = [asyncio.create_task(self._sender(queue, results)) for _ in range(CONCURRENCY)]
        self._rate_limited_until = {}
        handled = 0
        try:
            # After a 429, claim no more of that tenant's this time round (its Retry-After is
            # waited out by the next drain), and go on with the others'.
            while not (self.stopping or results.failed) and (claimed := await self._claim()):
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
        waiting = [(tenant.platform, tenant.id) for tenant in self._rate_limited_until]
        token, claimed = await self.in_transaction(
            lambda session: claim_due(session, now, LEASE, BATCH, platforms, waiting)
        )
        return [(delivery, token) for delivery in claimed]

    async def _sender(self, queue: asyncio.Queue[Claimed | None], results: GroupCommit) -> None:
        while (item := await queue.get()) is not None:
            delivery, token = item
            if self.stopping or results.failed:
                self._hand_back(results, delivery, token, delivery.due_at)
                self._done(delivery, None, Outcome.HANDED_BACK)
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
        began = time.perf_counter()
        try:
            step, tenant = await self.in_transaction(lambda session: self._prepared(session, delivery, now))
        except Exception:
            log.exception("could not prepare delivery %s (%s)", delivery.id, delivery.kind)
            self._failed(results, delivery, token, None, SendFailed("could not prepare"), now)
            return
        self.measurements.prepare_took(delivery.kind, time.perf_counter() - began)
        if isinstance(step, Skip):
            self._record(results, delivery, token, {"status": step.status, "last_error": step.reason})
            skipped = Outcome.SUPERSEDED if step.status is DeliveryStatus.SUPERSEDED else Outcome.SKIPPED
            self._done(delivery, tenant, skipped, reason=step.reason)
        elif isinstance(step, Defer):
            self._defer(results, delivery, token, step, now)
            self._done(delivery, tenant, Outcome.DEFERRED)
        else:
            await self._send(results, delivery, token, step, now)

    def _prepared(self, session: Session, delivery: Delivery, now: datetime) -> tuple[Send | Skip | Defer, Tenant]:
        step = self.prepare(session, delivery, now, self.settings)
        group = session.get(Group, delivery.group_id)  # read by `prepare`: no second query
        return step, Tenant(group.platform, group.tenant_id)

    async def _send(self, results: GroupCommit, delivery: Delivery, token: str, step: Send, now: datetime) -> None:
        tenant = Tenant(step.to.platform, step.to.tenant_id)
        if (limited_until := self._rate_limited_until.get(tenant)) is not None:
            self._hand_back(results, delivery, token, max(delivery.due_at, limited_until))
            self._done(delivery, tenant, Outcome.HANDED_BACK)
            return
        messenger = self.messengers.of(step.to.platform)
        began = time.perf_counter()
        try:
            if step.direct:
                ref = await messenger.send_direct(step.to, step.message)
            else:
                ref = await messenger.post_to_channel(step.to, step.message)
        except SendFailed as failure:
            self.measurements.send_took(delivery.kind, tenant.platform, time.perf_counter() - began)
            if failure.credentials_refused:
                reason = failure.reason
                await self.in_transaction(lambda session: hold_sending(session, step.to, reason, now))
                self._hand_back(results, delivery, token, delivery.due_at)
                self._done(delivery, tenant, Outcome.HELD, reason=reason)
            else:
                # From when the platform answered: a Retry-After counts from then, as the messenger's pacer does.
                retry = self._failed(results, delivery, token, tenant, failure, self.clock())
                if failure.retry_after is not None:
                    # What else is claimed for this tenant waits with it, rather than being refused one by one.
                    self._rate_limited_until[tenant] = max(retry["due_at"], self._rate_limited_until.get(tenant, now))
            return
        except Exception:
            log.exception("delivery %s (%s) failed unexpectedly", delivery.id, delivery.kind)
            self._failed(results, delivery, token, tenant, SendFailed("unexpected error"), now)
            return
        self.measurements.send_took(delivery.kind, tenant.platform, time.perf_counter() - began)
        self._done(delivery, tenant, Outcome.SENT)
        results.add(lambda session: self._sent(session, delivery, token, step, ref, now))

    def _failed(
        self,
        results: GroupCommit,
        delivery: Delivery,
        token: str,
        tenant: Tenant | None,
        failure: SendFailed,
        now: datetime,
    ) -> dict:
        """Record a failed attempt as tried again later or given up; the values recorded."""
        values = after_failure(delivery.attempts, now, failure)
        if values["status"] is DeliveryStatus.DEAD:
            outcome = Outcome.DEAD
        else:
            outcome = Outcome.RETRY if failure.retry_after is None else Outcome.RATE_LIMITED
        self._record(results, delivery, token, values)
        self._done(delivery, tenant, outcome, reason=failure.reason)
        return values

    def _done(self, delivery: Delivery, tenant: Tenant | None, outcome: Outcome, reason: str | None = None) -> None:
        """One line in the log and one count for each attempt at a delivery: never its key, which
        may hold a user id, nor anything of its message."""
        platform = None if tenant is None else tenant.platform
        self.measurements.delivery_done(delivery.kind, platform, outcome)
        fields = {
            "platform": platform and platform.value,
            "tenant": None if tenant is None else tenant.id,
            "kind": delivery.kind.value,
            "outcome": outcome.value,
            "delivery": delivery.id,
            "attempt": delivery.attempts,
        }
        if reason is not None:
            fields["reason"] = reason
        level = logging.WARNING if outcome in WARNED else logging.INFO
        log.log(level, "delivery %s", outcome, extra={"fields": fields})  # handlers/logs.py writes the fields

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
            log.warning(
                "delivery %s (%s) was sent after its lease ran out; another worker may send it again",
                delivery.id,
                delivery.kind,
            )
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
