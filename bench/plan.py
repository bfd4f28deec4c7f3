"""The scheduler's plan pass at institute scale: 50 groups of 20 therapists.

Seeds the groups straight into the tables, then, round after round, times the baseline (one
trivial write transaction: the health probe's heartbeat), a first pass (every group needs
planning: the weekly occurrences are deleted and every group marked) and a repeated pass
right after it (nothing changed). Prints, for each, the SQL statements, the elapsed time and
the longest write transaction, as the median and the spread (min–max) over the rounds, and
the ratio of each pass's time to the baseline's. Goal: no write transaction over 50 ms.

    .venv/bin/python bench/plan.py [--groups 50] [--therapists 20] [--rounds 7] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, event, update  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.core import Core  # noqa: E402
from bot.model import Delivery, DeliveryKind, Group, Member, Person, Platform  # noqa: E402
from bot.ports import Messengers  # noqa: E402
from bot.storage import database_problem, transaction, upgrade  # noqa: E402
from testkit.database import bench_database, engine_for  # noqa: E402

TENANT = "T0BENCH"
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")


class Meter:
    """Counts the statements run on an engine and times its transactions, from BEGIN to the end."""

    def __init__(self, engine):
        self.statements = 0
        self.longest_transaction = 0.0
        self._began: float | None = None
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def measure(self, work: Callable[[], object]) -> tuple[int, float, float]:
        """Statements, elapsed ms and the longest transaction's ms, of `work()`."""
        self.statements, self.longest_transaction = 0, 0.0
        started = time.perf_counter()
        work()
        elapsed = time.perf_counter() - started
        return self.statements, elapsed * 1000, self.longest_transaction * 1000

    def _statement(self, *_args) -> None:
        self.statements += 1

    def _begin(self, _connection) -> None:
        self._began = time.perf_counter()

    def _end(self, _connection) -> None:
        if self._began is not None:
            self.longest_transaction = max(self.longest_transaction, time.perf_counter() - self._began)
            self._began = None


def seed(engine, groups: int, therapists: int, now: datetime) -> None:
    with transaction(engine) as session:
        for number in range(groups):
            group = Group(
                platform=Platform.SLACK,
                tenant_id=TENANT,
                channel_id=f"CG{number:03d}",
                coach_id=f"UCOACH{number:03d}",
                timezone=ZONES[number % len(ZONES)],
                created_at=now,
                rhythm_from=now,
            )
            session.add(group)
            session.flush()
            users = [f"UG{number:03d}T{therapist:03d}" for therapist in range(therapists)]
            session.add_all(
                Person(
                    platform=Platform.SLACK,
                    tenant_id=TENANT,
                    user_id=user,
                    timezone=ZONES[index % len(ZONES)],
                    refreshed_at=now,
                )
                for index, user in enumerate(users)
            )
            session.add_all(Member(group_id=group.id, user_id=user, joined_at=now) for user in users)


def forget_the_plan(engine) -> None:
    """Every group needs planning again, as after the upgrade that brought the plan pass in."""
    with transaction(engine) as session:
        session.execute(delete(Delivery).where(Delivery.kind.in_([DeliveryKind.DIGEST, DeliveryKind.CHECK_IN])))
        session.execute(update(Group).values(planned_until=None))


def summary(name: str, samples: list[tuple[int, float, float]], baseline_ms: float | None = None) -> str:
    statements = statistics.median(sample[0] for sample in samples)
    elapsed = [sample[1] for sample in samples]
    longest = [sample[2] for sample in samples]
    ratio = f"  ×{statistics.median(elapsed) / baseline_ms:,.0f} the baseline" if baseline_ms else ""
    return (
        f"{name:<16} {statements:>6.0f} statements  {statistics.median(elapsed):8.1f} ms"
        f" ({min(elapsed):.1f}–{max(elapsed):.1f})  longest write transaction {statistics.median(longest):6.1f} ms"
        f" ({min(longest):.1f}–{max(longest):.1f}){ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--therapists", type=int, default=20, help="in each group")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--database-url", help="default: a new SQLite file (PostgreSQL: a schema of its own, dropped after)"
    )
    arguments = parser.parse_args()
    with bench_database(arguments.database_url, "plan") as database_url:
        run(arguments, database_url)


def run(arguments: argparse.Namespace, database_url: str) -> None:
    engine = engine_for(database_url)
    upgrade(engine)
    now = datetime.now(timezone.utc)
    seed(engine, arguments.groups, arguments.therapists, now)
    dispatcher = Core(engine, load_settings({"DATABASE_URL": database_url}), Messengers([]), lambda: now).dispatcher
    meter = Meter(engine)

    def plan_pass() -> None:
        asyncio.run(dispatcher.plan())

    baseline, first, repeated = [], [], []
    for _ in range(arguments.rounds):
        baseline.append(meter.measure(lambda: database_problem(engine)))
        forget_the_plan(engine)
        first.append(meter.measure(plan_pass))
        repeated.append(meter.measure(plan_pass))
    engine.dispose()

    baseline_ms = statistics.median(sample[1] for sample in baseline)
    print(f"{arguments.groups} groups × {arguments.therapists} therapists on {engine.dialect.name},", end=" ")
    print(f"{arguments.rounds} rounds: median (min–max)")
    print(summary("baseline", baseline))
    print(summary("first pass", first, baseline_ms))
    print(summary("repeated pass", repeated, baseline_ms))
    print("goal: no write transaction over 50 ms; a repeated pass in a constant number of statements")


if __name__ == "__main__":
    main()
