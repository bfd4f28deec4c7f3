"""Sends what is due: claim a batch under a lease, prepare each message, send it, and
record the result only while the lease is still ours."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot import digest, prompts
from bot.availability import after_holidays, next_send_time
from bot.config import Settings
from bot.messages import Message
from bot.model import (
    OPEN_ADVICE,
    Advice,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Group,
    Member,
    Objective,
    ObjectiveStatus,
    SendingHold,
)
from bot.ports import MessageRef, Messengers, Recipient, SendFailed
from bot.privacy import forget_expired_pending
from bot.scheduling import keys, planner
from bot.scheduling.outbox import claim_due, finish, schedule, take_back_expired
from bot.services.people import channel_of, recipient
from bot.services.requests import forget_old_requests
from bot.services.rights import purge_older_than
from bot.storage import in_transaction

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 50
CONCURRENCY = 8
MAX_ATTEMPTS = 6
CHECK_HELD_CREDENTIALS_EVERY = timedelta(minutes=1)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Send:
    message: Message
    to: Recipient
    direct: bool  # to a person privately, or else to a channel
    reports_failures: tuple[int, ...] = ()  # a digest: the given-up deliveries it tells the coach about


@dataclass(frozen=True)
class Skip:
    reason: str
    status: DeliveryStatus = DeliveryStatus.SKIPPED


@dataclass(frozen=True)
class Defer:
    """Later: at the recipient's next working time (an expiry moves with it), or after their pause."""

    until: datetime
    for_pause: bool = False


class Dispatcher:
    def __init__(self, engine: Engine, messengers: Messengers, settings: Settings, clock: Clock):
        self.engine = engine
        self.messengers = messengers
        self.settings = settings
        self.clock = clock
        self.stopping = False

    def stop(self) -> None:
        """Finish the sends under way, hand back the rest of the batch, and claim no more."""
        self.stopping = True

    async def plan(self) -> None:
        now = self.clock()
        window = timedelta(hours=self.settings.checkin_skip_after_hours)
        await self.in_transaction(lambda session: planner.plan(session, now, window))

    async def tidy(self) -> None:
        """Take back deliveries whose worker died, forget requests too old to be retried and
        flagged texts no longer pending, and delete records older than the retention period."""
        now = self.clock()
        taken = await self.in_transaction(lambda session: take_back_expired(session, now))
        if taken:
            log.warning("took back %d deliveries whose lease expired", taken)
        await self.in_transaction(lambda session: forget_old_requests(session, now))
        await self.in_transaction(lambda session: forget_expired_pending(session, now))
        cutoff = now - timedelta(days=self.settings.retention_days)
        await self.in_transaction(lambda session: purge_older_than(session, cutoff))

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
            step = await self.in_transaction(lambda session: prepare(session, delivery, now, self.settings))
        except Exception:
            log.exception("could not prepare delivery %s", delivery.key)
            await self._record(delivery, token, self._failure_values(delivery, now, SendFailed("could not prepare")))
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
                await self.in_transaction(lambda session: _hold_sending(session, step.to, reason, now))
                await self._hand_back(delivery, token, delivery.due_at)
            else:
                await self._record(delivery, token, self._failure_values(delivery, now, failure))
            return
        except Exception:
            log.exception("delivery %s failed unexpectedly", delivery.key)
            await self._record(delivery, token, self._failure_values(delivery, now, SendFailed("unexpected error")))
            return
        reported = step.reports_failures
        await self.in_transaction(lambda session: self._sent(session, delivery, token, ref, now, reported))

    def _sent(
        self,
        session: Session,
        delivery: Delivery,
        token: str,
        ref: MessageRef,
        now: datetime,
        reported: tuple[int, ...],
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
        if delivery.kind is DeliveryKind.DIGEST:
            group = session.get(Group, delivery.group_id)
            group.last_digest_at = now
            session.add(group)
            session.execute(update(Delivery).where(Delivery.id.in_(reported)).values(failure_reported=True))
        elif not delivery.is_reminder:
            schedule_reminder(session, delivery, now, self.settings)

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

    def _failure_values(self, delivery: Delivery, now: datetime, failure: SendFailed) -> dict:
        if failure.retry_after is not None:
            # Being rate limited is not the delivery's fault: it does not use up an attempt.
            return {
                "status": DeliveryStatus.PENDING,
                "due_at": now + timedelta(seconds=failure.retry_after),
                "attempts": delivery.attempts - 1,
                "last_error": failure.reason,
            }
        if failure.permanent or delivery.attempts >= MAX_ATTEMPTS:
            return {"status": DeliveryStatus.DEAD, "last_error": failure.reason}
        backoff = timedelta(seconds=30 * 2**delivery.attempts)
        return {"status": DeliveryStatus.PENDING, "due_at": now + backoff, "last_error": failure.reason}

    async def _check_held_credentials(self) -> None:
        """Where sending is held because a platform refused our credentials for a tenant,
        check them again now and then, tenant by tenant."""
        now = self.clock()
        platforms = list(self.messengers.platforms)
        due = await self.in_transaction(
            lambda session: session.exec(
                select(SendingHold).where(SendingHold.check_after <= now, SendingHold.platform.in_(platforms))
            ).all()
        )
        for hold in due:
            valid = await self.messengers.of(hold.platform).credentials_work(hold.tenant_id)
            await self.in_transaction(lambda session: _settle_hold(session, hold, valid, now))


def _hold_sending(session: Session, tenant: Recipient, reason: str, now: datetime) -> None:
    key = (tenant.platform, tenant.tenant_id)
    hold = session.get(SendingHold, key) or SendingHold(
        platform=tenant.platform, tenant_id=tenant.tenant_id, reason=reason, since=now
    )
    hold.check_after = now + CHECK_HELD_CREDENTIALS_EVERY
    session.add(hold)
    log.error(
        "%s refused our credentials for tenant %s (%s): sending there is held until they work again",
        tenant.platform,
        tenant.tenant_id,
        reason,
    )


def _settle_hold(session: Session, held: SendingHold, valid: bool, now: datetime) -> None:
    hold = session.get(SendingHold, (held.platform, held.tenant_id))
    if hold is None:
        return
    if valid:
        session.delete(hold)
        log.warning("%s accepts our credentials for tenant %s again: sending resumes", hold.platform, hold.tenant_id)
    else:
        hold.check_after = now + CHECK_HELD_CREDENTIALS_EVERY
        session.add(hold)


def schedule_reminder(session: Session, delivery: Delivery, now: datetime, settings: Settings) -> None:
    """At most one reminder for a direct message left unanswered."""
    group = session.get(Group, delivery.group_id)
    later = now + timedelta(hours=settings.reminder_after_hours)
    schedule(
        session,
        Delivery(
            key=keys.reminder(delivery.key),
            kind=delivery.kind,
            group_id=delivery.group_id,
            recipient_id=delivery.recipient_id,
            subject_id=delivery.subject_id,
            is_reminder=True,
            due_at=next_send_time(session, group, delivery.recipient_id, later),
            expires_at=delivery.expires_at and delivery.expires_at + (later - now),
        ),
    )


SUPERSEDED = Skip("a newer one of its kind is due the same day", DeliveryStatus.SUPERSEDED)


def prepare(session: Session, delivery: Delivery, now: datetime, settings: Settings) -> Send | Skip | Defer:
    """Decide what a claimed delivery becomes now: a message, a later time, or nothing."""
    group = session.get(Group, delivery.group_id)
    if delivery.kind is DeliveryKind.DIGEST:
        after_days_off = after_holidays(session, group, now)
        if after_days_off > now:
            return Defer(after_days_off)
        if planner.superseded(session, delivery, now):
            return SUPERSEDED
        data = digest.gather(session, group, now)
        reported = tuple(item.delivery_id for item in data.undelivered)
        return Send(digest.render(data), channel_of(group), direct=False, reports_failures=reported)
    if delivery.is_reminder and _original_answered(session, delivery):
        return Skip("answered before the reminder")
    member = session.exec(
        select(Member).where(
            Member.group_id == group.id, Member.user_id == delivery.recipient_id, Member.left_at.is_(None)
        )
    ).first()
    if member is None:
        return Skip("no longer in the group")
    if delivery.expires_at is not None and now > delivery.expires_at:
        return Skip("too old to send late")
    message = _direct_message(session, delivery)
    if message is None:
        return Skip("already settled")
    if member.paused_until is not None and member.paused_until > now:
        if delivery.kind is DeliveryKind.CHECK_IN:
            return Skip("due during a pause")
        return Defer(next_send_time(session, group, member.user_id, member.paused_until), for_pause=True)
    allowed = next_send_time(session, group, member.user_id, now)
    if allowed > now:
        return Defer(allowed)
    if planner.superseded(session, delivery, now):
        return SUPERSEDED
    return Send(message, recipient(session, group, member.user_id), direct=True)


def _original_answered(session: Session, reminder: Delivery) -> bool:
    original = session.exec(select(Delivery).where(Delivery.key == keys.occurrence(reminder.key))).first()
    return original is None or original.answer is not None


def _direct_message(session: Session, delivery: Delivery) -> Message | None:
    if delivery.kind is DeliveryKind.FOLLOW_UP:
        advice = session.get(Advice, delivery.subject_id)
        if advice is None or advice.status not in OPEN_ADVICE:
            return None
        return prompts.follow_up(advice, delivery.id, delivery.is_reminder)
    if delivery.kind is DeliveryKind.REVIEW:
        objective = session.get(Objective, delivery.subject_id)
        if (
            objective is None
            or objective.status is not ObjectiveStatus.ACTIVE
            # A review moved to a new date ("keep working") leaves the old occurrence behind.
            or keys.occurrence(delivery.key) != keys.review(objective.id, objective.review_on)
        ):
            return None
        return prompts.review(objective, delivery.id, delivery.is_reminder)
    member = session.get(Member, delivery.subject_id)
    if member is None:
        return None
    objective = session.exec(
        select(Objective).where(
            Objective.group_id == member.group_id,
            Objective.user_id == member.user_id,
            Objective.status == ObjectiveStatus.ACTIVE,
        )
    ).first()
    return prompts.check_in(objective, delivery.id, delivery.is_reminder)
