"""Keeping under a platform's posting limits, one Pacer per tenant (a Slack workspace, a
Teams organization): about one message a second per channel or chat (the interval is
configurable), and a configurable rate across the tenant. When the platform still answers 429,
everything in that tenant waits out its Retry-After, and the deliveries are rescheduled rather
than slept on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

PER_CHANNEL_INTERVAL = 1.0
FORGET_CHANNELS_OVER = 10_000


class Pacer:
    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        per_channel: float = PER_CHANNEL_INTERVAL,
    ):
        self.interval = 1.0 / per_second
        self.per_channel = per_channel
        self.clock = clock
        self.sleep = sleep
        self._next_any = 0.0
        self._next_in: dict[str, float] = {}
        self._blocked_until = 0.0

    def blocked_for(self) -> float:
        """Seconds left of a Retry-After the platform gave us; 0 when posting may go on."""
        return max(0.0, self._blocked_until - self.clock())

    def block(self, seconds: float) -> None:
        self._blocked_until = max(self._blocked_until, self.clock() + seconds)

    async def wait_turn(self, channel: str) -> None:
        """Reserve the next slot for `channel`, then wait for it."""
        now = self.clock()
        slot = max(now, self._next_any, self._next_in.get(channel, 0.0))
        self._next_any = slot + self.interval
        self._next_in[channel] = slot + self.per_channel
        if len(self._next_in) > FORGET_CHANNELS_OVER:
            self._next_in = {key: at for key, at in self._next_in.items() if at > now}
        if slot > now:
            await self.sleep(slot - now)
