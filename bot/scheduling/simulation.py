"""Simulated time: move a clock forward and send everything exactly as it would have
been sent on the way, in order. The terminal front-end and its demo use it."""

from __future__ import annotations

from datetime import datetime

from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.outbox import next_due


class SimulatedClock:
    def __init__(self, now: datetime):
        if now.tzinfo is None:
            raise ValueError("the simulated clock needs an aware datetime")
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def advance(dispatcher: Dispatcher, clock: SimulatedClock, until: datetime) -> None:
    """Stop at each due time up to `until`, running the same passes the live timers run."""
    while True:
        await _one_pass(dispatcher)
        platforms = dispatcher.messengers.platforms
        upcoming = await dispatcher.in_transaction(lambda session: next_due(session, platforms))
        if upcoming is None or upcoming > until:
            break
        clock.now = max(clock.now, upcoming)
    if until > clock.now:
        clock.now = until
        await _one_pass(dispatcher)


async def _one_pass(dispatcher: Dispatcher) -> None:
    await dispatcher.tidy()
    await dispatcher.plan()
    await dispatcher.drain()
