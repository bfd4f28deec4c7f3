"""Keeping under a platform's posting limits, one Pacer per tenant (a Slack workspace, a
Teams organization): about one message a second per channel or chat (the interval is
configurable), and a configurable rate across the tenant. When the platform still answers 429,
everything in that tenant waits out its Retry-After, and the deliveries are rescheduled rather
than slept on."""

from __future__ import annotations

import asyncio
import collections
import math
import time
from collections.abc import Awaitable, Callable

PER_CHANNEL_INTERVAL = 1.0
FORGET_CHANNELS_OVER = 10_000
WINDOW = 1.0  # seconds: the platform counts posts in any window this long
# A post reaches the platform a few milliseconds after it leaves, more or less: a window's
# posts are spread over a little more than the window, so that none arrives inside it.
ARRIVAL_SPREAD = 0.03


class Pacer:
    """Turns are taken one at a time, in order, and each is timed by when the posts before it
    actually went, not by when they were booked: a sender that wakes late pushes the next
    ones back instead of going in a cluster with them, so no window holds more than the rate.
    A sender that wakes late catches up on the rate's steady slots only as far as the window
    allows, so that lateness does not add up into a slower rate."""

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
        self._next_slot = 0.0
        self._sent: collections.deque[float] = collections.deque(maxlen=max(1, math.floor(per_second * WINDOW)))
        self._last_in: dict[str, float] = {}
        self._turns = asyncio.Lock()
        self._turns_loop: asyncio.AbstractEventLoop | None = None
        self._blocked_until = 0.0

    def blocked_for(self) -> float:
        """Seconds left of a Retry-After the platform gave us; 0 when posting may go on."""
        return max(0.0, self._blocked_until - self.clock())

    def block(self, seconds: float) -> None:
        self._blocked_until = max(self._blocked_until, self.clock() + seconds)

    async def wait_turn(self, channel: str) -> None:
        """Wait until `channel` may be posted to, in turn after those already waiting. A
        channel's own interval is waited out before joining the queue, so as not to hold up
        the other channels."""
        while True:
            if (channel_wait := self._channel_free_at(channel) - self.clock()) > 0:
                await self.sleep(channel_wait)
            async with self._queue():
                now = self.clock()
                if self._channel_free_at(channel) > now:
                    continue  # another post to it took the turn meanwhile
                at = max(now, self._next_slot)
                if len(self._sent) == self._sent.maxlen:
                    at = max(at, self._sent[0] + WINDOW + ARRIVAL_SPREAD)
                if at > now:
                    await self.sleep(at - now)
                self._went(channel, max(self.clock(), at), at)
                return

    def _queue(self) -> asyncio.Lock:
        # A messenger may outlive an event loop (the tests' in-process bot runs each request
        # in a loop of its own), and a lock waited on belongs to its loop.
        loop = asyncio.get_running_loop()
        if self._turns_loop is not loop:
            self._turns, self._turns_loop = asyncio.Lock(), loop
        return self._turns

    def _channel_free_at(self, channel: str) -> float:
        return self._last_in.get(channel, -math.inf) + self.per_channel

    def _went(self, channel: str, sent_at: float, slot: float) -> None:
        self._sent.append(sent_at)
        # Catching up on steady slots after a late wake-up, posts are still half a slot apart at least.
        self._next_slot = max(slot + self.interval, sent_at + self.interval / 2)
        self._last_in[channel] = sent_at
        if len(self._last_in) > FORGET_CHANNELS_OVER:
            self._last_in = {key: at for key, at in self._last_in.items() if at + self.per_channel > sent_at}
