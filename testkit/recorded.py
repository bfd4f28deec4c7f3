"""What every fake platform API keeps: the calls the bot made, to look up and to wait for."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any

Condition = Callable[[dict], bool]  # on a call's args


class LoopbackServer(ThreadingHTTPServer):
    """A fake platform's listener. http.server's backlog of 5 drops connections under a burst
    (the bot posting 50 replies at once), and each dropped one waits a second to be retried:
    Slack and Microsoft do not do that to the bot."""

    request_queue_size = 128


class RecordedCalls:
    """A fake's record of calls, each with a `method` and its `args`, appended under `_lock`."""

    def __init__(self) -> None:
        self.calls: list[Any] = []
        self._lock = threading.Condition()  # held to read or change the record, notified on each call

    def calls_to(self, method: str, where: Condition | None = None, **matching) -> list[Any]:
        """The calls to `method` whose args hold `matching` and, if given, satisfy `where`."""
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method == method
                and all(c.args.get(k) == v for k, v in matching.items())
                and (where is None or where(c.args))
            ]

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 10.0, where: Condition | None = None, **matching
    ) -> list[Any]:
        """The calls to `method` once there are `count` of them: for what the bot sends after answering."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.calls_to(method, where, **matching)) >= count, timeout):
                found = len(self.calls_to(method, where, **matching))
                raise AssertionError(f"expected {count} call(s) to {method} {matching}, got {found}")
            return self.calls_to(method, where, **matching)

    def _keep(self, call: Any) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()
