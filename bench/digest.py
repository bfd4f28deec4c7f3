"""How long the weekly digest takes to build for a large group, against `status` for one therapist.

Seeds a year of history for groups of 100 and 300 therapists (direct inserts), then times
`gather` + `render` for each, interleaved with the baseline, a therapist's `/practice status`
on the same database; prints the median and spread in ms, the SQL statements each runs, and
the ratio of each digest's median to the baseline's. Goal: at most 10 statements whatever the
size, at most 200 ms at 100 therapists and 400 ms at 300.

Then posts each digest as `serve` does, through the real SlackMessenger and its Pacer (one
message a second per channel), to a fake Slack on loopback, against posting a one-message digest
(a group of 5) as its baseline; prints the messages each took and the seconds to post them.
Goal: within a few seconds at 300 therapists.

    .venv/bin/python bench/digest.py [--therapists 100 300] [--rounds 15] [--database-url URL] [--no-posting]
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

from sqlalchemy import event, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.digest.gather import gather  # noqa: E402
from bot.digest.render import render  # noqa: E402
from bot.grammar import Status  # noqa: E402
from bot.model import Group, Platform  # noqa: E402
from bot.ports import Recipient  # noqa: E402
from bot.services.caller import Caller, Context  # noqa: E402
from bot.services.practice import status  # noqa: E402
from bot.storage import make_engine, upgrade  # noqa: E402
from handlers.slack.messenger import slack_messenger  # noqa: E402
from testkit.database import bench_database  # noqa: E402
from testkit.history import seeded_group  # noqa: E402
from testkit.slack_api import FakeSlack  # noqa: E402

NOW = datetime(2026, 12, 4, 15, tzinfo=timezone.utc)
WEEKS = 52
ONE_MESSAGE_GROUP = 5  # the posting's baseline: a small group's digest is one message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--therapists", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--database-url", help="default: a new SQLite file (PostgreSQL: a schema of its own, dropped after)"
    )
    parser.add_argument("--no-posting", action="store_true", help="time gather + render only")
    arguments = parser.parse_args()
    with bench_database(arguments.database_url, "digest") as database_url:
        run(arguments, database_url)


def run(arguments: argparse.Namespace, database_url: str) -> None:
    settings = load_settings({"DATABASE_URL": database_url})
    engine = make_engine(settings.database_url)
    upgrade(engine)
    seeding = time.perf_counter()
    groups = _seed(engine, [ONE_MESSAGE_GROUP, *arguments.therapists])
    small, groups = groups[0], groups[1:]
    sizes = " + ".join(map(str, [ONE_MESSAGE_GROUP, *arguments.therapists]))
    print(f"seeded {WEEKS} weeks for {sizes} therapists in {time.perf_counter() - seeding:.1f} s")

    def digest_of(group: Group) -> Callable[[Session], object]:
        return lambda session: render(gather(session, group, NOW))

    first = groups[0]
    therapist = Caller(Platform.SLACK, first.tenant_id, f"{first.channel_id}-U0001", channel_id=first.channel_id)
    subjects: dict[str, Callable[[Session], object]] = {
        "status, one therapist (baseline)": lambda session: status(Context(session, therapist, NOW, settings), Status())
    }
    subjects |= {f"digest, {size} therapists": digest_of(group) for size, group in zip(arguments.therapists, groups)}
    timings, statements = _measure(engine, subjects, arguments.rounds)

    baseline = statistics.median(next(iter(timings.values())))
    print(f"{'':36} {'median ms':>10} {'min-max ms':>16} {'statements':>11} {'ratio':>8}")
    for name, times in timings.items():
        median = statistics.median(times)
        spread = f"{min(times):.1f}-{max(times):.1f}"
        print(f"{name:36} {median:10.1f} {spread:>16} {statements[name]:11d} {median / baseline:7.1f}x")
    if not arguments.no_posting:
        posted = {f"{ONE_MESSAGE_GROUP} therapists (baseline)": small}
        _post(engine, posted | {f"{size} therapists": group for size, group in zip(arguments.therapists, groups)})
    engine.dispose()


def _post(engine, groups: dict[str, Group]) -> None:
    """Each group's digest posted to its channel by the real messenger, paced as `serve` paces it."""
    fake = FakeSlack().start()
    try:
        settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_API_URL": fake.api_url})
        pace = settings.slack_channel_interval_seconds
        print(f"\nposting through SlackMessenger to a fake Slack, one message per {pace:g} s in a channel")
        print(f"{'':36} {'messages':>10} {'seconds':>10}")
        for name, group in groups.items():
            with Session(engine) as session:
                digest = render(gather(session, group, NOW))
            channel = Recipient(Platform.SLACK, group.tenant_id, group.channel_id)
            started = time.perf_counter()
            asyncio.run(slack_messenger(settings).post_to_channel(channel, digest))
            elapsed = time.perf_counter() - started
            posted = len(fake.calls_to("chat.postMessage", channel=group.channel_id))
            print(f"{name:36} {posted:10d} {elapsed:10.2f}")
    finally:
        fake.stop()


def _seed(engine, sizes: list[int]) -> list[Group]:
    stamp = int(time.time()) % 10**6  # ids about as long as Slack's (C0123ABCD), unique on a reused database
    with Session(engine, expire_on_commit=False) as session:
        groups = [seeded_group(session, f"C{stamp}{size}", size, WEEKS, NOW) for size in sizes]
        session.commit()
    if engine.dialect.name == "postgresql":
        # A year of history written at once, as a live database is not: its autovacuum would have
        # gathered the statistics by now, without which the planner judges the scores by guesswork.
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return groups


def _measure(engine, subjects: dict[str, Callable[[Session], object]], rounds: int):
    """Each subject once per round, in turn, each in a session of its own; the statements
    counted on the first round."""
    timings: dict[str, list[float]] = {name: [] for name in subjects}
    statements: dict[str, int] = {}
    counted = [0]

    def count(*_args) -> None:
        counted[0] += 1

    for _ in range(rounds + 1):  # the first round warms caches and is not timed
        for name, subject in subjects.items():
            with Session(engine) as session:
                counted[0] = 0
                event.listen(engine, "before_cursor_execute", count)
                started = time.perf_counter()
                subject(session)
                elapsed = time.perf_counter() - started
                event.remove(engine, "before_cursor_execute", count)
            if name in statements:
                timings[name].append(elapsed * 1000)
            else:
                statements[name] = counted[0]
    return timings, statements


if __name__ == "__main__":
    main()
