"""How long each chart takes to draw, against saving a trivial matplotlib figure of the same size.

Draws each chart once per round with data never drawn before (so that the cache does not
answer), interleaved with the baseline, a figure with one line saved as PNG at the charts'
size; and then the cached path, the same data again. Prints the median and spread in ms, the
PNG's size and the ratio of each median to the baseline's. Goal: at most 300 ms for each chart.
The first round loads matplotlib and is not timed.

    .venv/bin/python bench/charts.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.charts import (  # noqa: E402
    Chart,
    change_chart,
    group_practice_chart,
    practice_chart,
    trajectory_chart,
)
from bot.charts.drawing import DPI, HEIGHT_INCHES, WIDTH_INCHES  # noqa: E402
from bot.model import PracticeKind  # noqa: E402
from bot.outcomes import DEFAULT_THRESHOLDS, Band, MonthOfChange, Rating  # noqa: E402

GOAL_MS = 300
INTAKE = date(2026, 9, 7)
SESSIONS = 12


def trivial_figure(_round: int) -> bytes:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    figure.subplots().plot([0, 1], [0, 1])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def trajectory(n: int) -> Chart:
    """Twelve weekly sessions falling, then an SRS drop: three flags to mark."""
    days = [INTAKE + timedelta(weeks=week) for week in range(SESSIONS)]
    ors = [Rating(Decimal(30 - week), on, week + 1, week == 0) for week, on in enumerate(days)]
    srs = [Rating(Decimal(39 if week < SESSIONS - 1 else 33), on, week + 1) for week, on in enumerate(days)]
    return trajectory_chart(f"C{n}", ors, srs, Band.ADULT, DEFAULT_THRESHOLDS)


def practice(n: int) -> Chart:
    kinds = list(PracticeKind)
    minutes = tuple((kind, tuple((n + week * (i + 1)) % 60 for week in range(12))) for i, kind in enumerate(kinds))
    progress = tuple((INTAKE + timedelta(weeks=week), 1 + (n + week) % 5) for week in range(8))
    return practice_chart(INTAKE + timedelta(weeks=n), 12, minutes, progress)


def group_weeks(n: int) -> Chart:
    members = tuple(100 for _ in range(8))
    checked_in = tuple(60 + (n + week) % 40 for week in range(8))
    return group_practice_chart(INTAKE + timedelta(weeks=n), checked_in, members, tuple(c * 30 for c in checked_in))


def group_change(n: int) -> Chart:
    months = [date(2026 - (month < 0), (month % 12) + 1, 1) for month in range(-6, 6)]
    return change_chart(tuple(MonthOfChange(m, 20 + n + i, 50 - i, 5 + i % 3) for i, m in enumerate(months)))


def as_png(made: Chart | bytes) -> bytes:
    """The PNG, drawn now: a chart is drawn when its PNG is first asked for."""
    return made.png if isinstance(made, Chart) else made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    subjects: dict[str, Callable[[int], object]] = {
        "trivial figure saved (baseline)": trivial_figure,
        "client's trajectory": trajectory,
        "therapist's practice": practice,
        "group: check-ins and minutes": group_weeks,
        "group: change by month": group_change,
    }
    cached = {f"{name}, cached": subject for name, subject in subjects.items() if "baseline" not in name}
    timings: dict[str, list[float]] = {name: [] for name in [*subjects, *cached]}
    sizes: dict[str, int] = {}
    for n in range(rounds + 1):
        for name, subject in subjects.items():
            started = time.perf_counter()
            png = as_png(subject(n))
            if n:
                timings[name].append((time.perf_counter() - started) * 1000)
            sizes[name] = len(png)
        for name, subject in cached.items():
            started = time.perf_counter()
            as_png(subject(n))
            if n:
                timings[name].append((time.perf_counter() - started) * 1000)
    baseline = statistics.median(timings["trivial figure saved (baseline)"])
    print(f"{'':38} {'median ms':>10} {'min-max ms':>16} {'PNG KB':>7} {'ratio':>8}")
    for name, times in timings.items():
        median = statistics.median(times)
        spread = f"{min(times):.1f}-{max(times):.1f}"
        size = f"{sizes[name] / 1000:.0f}" if name in sizes else ""
        print(f"{name:38} {median:10.1f} {spread:>16} {size:>7} {median / baseline:7.2f}x")
    slowest = max(statistics.median(timings[name]) for name in subjects if "baseline" not in name)
    print(f"\nslowest chart's median: {slowest:.0f} ms (goal: at most {GOAL_MS} ms)")


if __name__ == "__main__":
    main()
