"""A therapist's practice: minutes per week by kind over the last weeks, and the weekly
progress ratings (1–5) over their current objective."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from bot.charts.drawing import BLUE, CACHED_CHARTS, SERIES, Chart, drawn, legend_below
from bot.model import PracticeKind
from bot.outcomes import day
from bot.practice_time import KIND_LABELS

PRACTICE_WEEKS = 12
RATING_TICKS = 4  # at most, so that the days under them do not overlap
Weekly = tuple[tuple[PracticeKind, tuple[int, ...]], ...]  # each kind's minutes per week, oldest first
Ratings = tuple[tuple[date, int], ...]  # each week's rating by the day it was given, oldest first


def weekly(by_kind: dict[PracticeKind, list[int]]) -> Weekly:
    """minutes_per_week_by_kind's answer as the chart takes it."""
    return tuple((kind, tuple(minutes)) for kind, minutes in by_kind.items())


@lru_cache(maxsize=CACHED_CHARTS)
def practice_chart(first_week: date, weeks: int, minutes: Weekly, progress: Ratings) -> Chart:
    """Minutes per week by kind in the `weeks` weeks from the Monday `first_week`, beside the
    progress ratings over the current objective (none: no objective, or no rating yet)."""
    mondays = [first_week + timedelta(weeks=n) for n in range(weeks)]

    def draw(figure: Any) -> None:
        practice, ratings = figure.subplots(1, 2, width_ratios=(3, 2))
        practice.set_title(f"Practice minutes per week, last {weeks} weeks")
        below = [0] * weeks
        for (kind, each_week), colour in zip(minutes, SERIES):
            practice.bar(range(weeks), each_week, bottom=below, color=colour, label=KIND_LABELS[kind])
            below = [b + m for b, m in zip(below, each_week)]
        practice.set_xticks(range(0, weeks, 2), [day(monday) for monday in mondays[::2]])
        practice.set_ylabel("minutes")
        practice.set_ylim(0, max(max(below) * 1.15, 60))
        if minutes:
            legend_below(figure, min(len(minutes), 3))
        else:
            practice.text(weeks / 2, 30, "no practice logged", ha="center")
        ratings.set_title("Progress on the objective")
        ratings.set_ylim(0.5, 5.5)
        ratings.set_yticks(range(1, 6))
        if progress:
            ratings.plot(range(len(progress)), [rating for _, rating in progress], "o-", color=BLUE, linewidth=2)
            step = -(-len(progress) // RATING_TICKS)
            ratings.set_xticks(range(0, len(progress), step), [day(on) for on, _ in progress[::step]])
        else:
            ratings.set_xticks([])
            ratings.text(0.5, 3, "no ratings yet", ha="center", transform=ratings.get_yaxis_transform())

    return drawn("practice.png", _alt(mondays, minutes, progress), draw)


def _alt(mondays: list[date], minutes: Weekly, progress: Ratings) -> str:
    totals = [sum(each_week[n] for _, each_week in minutes) for n in range(len(mondays))]
    parts = [
        f"Practice minutes in each of the last {len(mondays)} weeks, from the week of {day(mondays[0])}:"
        f" {', '.join(map(str, totals))} ({sum(totals)} in all)."
    ]
    if minutes:
        kinds = ", ".join(f"{KIND_LABELS[kind]} {sum(each_week)}" for kind, each_week in minutes)
        parts.append(f"By kind: {kinds}.")
    if progress:
        rated = ", ".join(f"{rating} ({day(on)})" for on, rating in progress)
        parts.append(f"Progress on the current objective (1–5), weekly: {rated}.")
    else:
        parts.append("No progress ratings on a current objective yet.")
    return " ".join(parts)
