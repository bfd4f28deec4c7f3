"""How long Home takes to build for a large group, against `status` for one therapist.

Seeds a year of history for a group of 100 therapists (direct inserts, as bench/digest.py
does), then times the coach's Home and a therapist's, interleaved with the baseline, that
therapist's `/practice status` on the same database; prints the median and spread in ms, the
SQL statements each runs, and the ratio of each median to the baseline's. Goal: the same few
statements whatever the size, and under 300 ms at 100 therapists.

    .venv/bin/python bench/home.py [--therapists 100] [--rounds 15] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from bench.digest import NOW, _measure, _seed  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.grammar import Status  # noqa: E402
from bot.model import Platform  # noqa: E402
from bot.services.caller import Caller, Context  # noqa: E402
from bot.services.home import home_message  # noqa: E402
from bot.services.practice import status  # noqa: E402
from bot.storage import make_engine, upgrade  # noqa: E402
from handlers.slack import render  # noqa: E402
from testkit.database import bench_database  # noqa: E402

GOAL_MS = 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--therapists", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--database-url", help="default: a new SQLite file (PostgreSQL: a schema of its own, dropped after)"
    )
    arguments = parser.parse_args()
    with bench_database(arguments.database_url, "home") as database_url:
        run(arguments, database_url)


def run(arguments: argparse.Namespace, database_url: str) -> None:
    settings = load_settings({"DATABASE_URL": database_url})
    engine = make_engine(settings.database_url)
    upgrade(engine)
    [group] = _seed(engine, [arguments.therapists])
    therapist = Caller(Platform.SLACK, group.tenant_id, f"{group.channel_id}-U0001", channel_id=group.channel_id)
    coach = Caller(Platform.SLACK, group.tenant_id, group.coach_id)

    def home_of(caller: Caller) -> Callable[[Session], object]:
        return lambda session: render.home_view(home_message(Context(session, caller, NOW, settings)))

    subjects: dict[str, Callable[[Session], object]] = {
        "status, one therapist (baseline)": lambda session: status(
            Context(session, therapist, NOW, settings), Status()
        ),
        "home, one therapist": home_of(therapist),
        f"home, coach of {arguments.therapists}": home_of(coach),
    }
    timings, statements = _measure(engine, subjects, arguments.rounds)

    baseline = statistics.median(next(iter(timings.values())))
    print(f"{'':36} {'median ms':>10} {'min-max ms':>16} {'statements':>11} {'ratio':>8}")
    for name, times in timings.items():
        median = statistics.median(times)
        spread = f"{min(times):.1f}-{max(times):.1f}"
        print(f"{name:36} {median:10.1f} {spread:>16} {statements[name]:11d} {median / baseline:7.1f}x")
    print(f"goal: each Home under {GOAL_MS} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
