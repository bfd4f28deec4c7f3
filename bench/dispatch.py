"""Throughput of the dispatcher against Slack's workspace-wide rate limit.

Sends 10,000 due direct messages with `supervision-bot tick` to a fake Slack on loopback
that answers 429 (Retry-After: 1) to anything beyond N posts in any one second, and
prints the ratio of the elapsed time to the ideal 10,000 / N, the duplicates and losses,
the tick's peak RSS and its CPU time per 1,000 messages sent. Goal: ratio <= 1.15,
0 duplicates, 0 losses, peak RSS <= 200 MB.

    .venv/bin/python bench/dispatch.py [--messages 10000] [--rate 100] [--database-url URL]

On PostgreSQL the run has a schema of its own, dropped after it.
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from testkit.database import bench_database  # noqa: E402
from testkit.follow_ups import due_follow_ups, follow_ups_posted  # noqa: E402
from testkit.slack_api import FakeSlack  # noqa: E402


class RateLimitedSlack(FakeSlack):
    """A fake Slack that enforces a workspace-wide limit of `rate` posts per second."""

    def __init__(self, rate: int):
        super().__init__()
        self.rate = rate
        self.recent: collections.deque[float] = collections.deque()
        self.limited = 0
        self._window = threading.Lock()

    def _answer(self, method: str, args: dict):
        if method == "chat.postMessage" and not self._admit():
            self.limited += 1
            with self._lock:
                self.calls.pop()  # refused: Slack did not post it
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
        return super()._answer(method, args)

    def _admit(self) -> bool:
        now = time.monotonic()
        with self._window:
            while self.recent and now - self.recent[0] >= 1.0:
                self.recent.popleft()
            if len(self.recent) >= self.rate:
                return False
            self.recent.append(now)
            return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=100, help="the fake workspace's limit, posts per second")
    parser.add_argument("--database-url", help="default: a new SQLite file")
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-dispatch-"))
    with bench_database(arguments.database_url, "dispatch") as database_url:
        run(arguments, workdir, database_url)


def run(arguments: argparse.Namespace, workdir: Path, database_url: str) -> None:
    ids = due_follow_ups(database_url, arguments.messages)
    fake = RateLimitedSlack(arguments.rate).start()
    environment = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "SLACK_MESSAGES_PER_SECOND": str(arguments.rate),
        "LOG_LEVEL": "WARNING",
    }
    tick = [str(Path(sys.executable).with_name("supervision-bot")), "tick"]

    started = time.monotonic()
    passes = 0
    while len(follow_ups_posted(fake)) < len(ids) and passes < 20:
        now = datetime.now(timezone.utc).isoformat()
        subprocess.run([*tick, "--now", now], env=environment, cwd=workdir, check=True, capture_output=True)
        passes += 1
    elapsed = time.monotonic() - started
    fake.stop()

    posted = follow_ups_posted(fake)
    ideal = len(ids) / arguments.rate
    print(f"messages:        {len(ids)}")
    print(f"workspace limit: {arguments.rate}/s  (ideal {ideal:.1f} s)")
    print(f"elapsed:         {elapsed:.1f} s in {passes} tick(s)")
    print(f"ratio:           {elapsed / ideal:.3f}  (goal <= 1.15)")
    print(f"duplicates:      {sum(count - 1 for count in posted.values() if count > 1)}")
    print(f"lost:            {len(set(map(str, ids)) - set(posted))}")
    print(f"429s received:   {fake.limited}")
    ticks = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ticks.ru_utime + ticks.ru_stime
    print(f"peak RSS (tick): {ticks.ru_maxrss / 1024:.0f} MB  (goal <= 200)")
    print(f"CPU (ticks):     {cpu:.1f} s, {cpu / max(len(posted), 1) * 1000:.2f} s per 1,000 messages sent")


if __name__ == "__main__":
    main()
