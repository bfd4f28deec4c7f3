"""The group: check-ins and practice minutes per week, and how its clients have changed since
intake, at the end of each month."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from bot.charts.drawing import BLUE, BLUISH_GREEN, CACHED_CHARTS, GREY, ORANGE, VERMILLION, Chart, drawn, legend_below
from bot.outcomes import MonthOfChange, day


@lru_cache(maxsize=CACHED_CHARTS)
def group_practice_chart(
    first_week: date, checked_in: tuple[int, ...], members: tuple[int, ...], minutes: tuple[int, ...]
) -> Chart:
    """From the Monday `first_week`, each week's check-ins against the members then, beside
    the minutes the group practised."""
    weeks = len(members)
    mondays = [first_week + timedelta(weeks=n) for n in range(weeks)]
    ticks = (range(0, weeks, 2), [day(monday) for monday in mondays[::2]])

    def draw(figure: Any) -> None:
        participation, practice = figure.subplots(1, 2)
        participation.set_title("Check-ins per week")
        participation.bar(range(weeks), members, color=GREY, alpha=0.35, label="members")
        participation.bar(range(weeks), checked_in, width=0.55, color=BLUE, label="checked in")
        participation.set_xticks(*ticks)
        participation.set_ylim(0, max(max(members, default=0) * 1.2, 1))
        participation.yaxis.get_major_locator().set_params(integer=True)
        participation.legend(loc="upper left", ncols=2, frameon=False)
        practice.set_title("Practice minutes per week")
        practice.bar(range(weeks), minutes, color=ORANGE)
        practice.set_xticks(*ticks)
        practice.set_ylim(0, max(max(minutes, default=0) * 1.15, 60))

    return drawn("group-practice.png", _practice_alt(mondays, checked_in, members, minutes), draw)


def _practice_alt(
    mondays: list[date], checked_in: tuple[int, ...], members: tuple[int, ...], minutes: tuple[int, ...]
) -> str:
    each = ", ".join(f"{answered} of {there}" for answered, there in zip(checked_in, members))
    return (
        f"The group's last {len(mondays)} weeks, from the week of {day(mondays[0])}."
        f" Checked in: {each}. Practice minutes: {', '.join(map(str, minutes))} ({sum(minutes)} in all)."
    )


@lru_cache(maxsize=CACHED_CHARTS)
def change_chart(months: tuple[MonthOfChange, ...]) -> Chart:
    """Each month's clients by their change from intake to their latest ORS by its end."""
    labels = [f"{month.month:%b %Y}" for month in months]

    def draw(figure: Any) -> None:
        axes = figure.subplots()
        axes.set_title("Clients' change since intake, at each month's end")
        stacks = (
            ("reliably improved", [m.improved for m in months], BLUISH_GREEN, ""),
            ("no reliable change", [m.unchanged for m in months], GREY, ""),
            ("reliably deteriorated", [m.deteriorated for m in months], VERMILLION, "//"),
        )
        below = [0] * len(months)
        for label, counts, colour, hatch in stacks:
            axes.bar(
                range(len(months)), counts, bottom=below, color=colour, hatch=hatch, edgecolor="white", label=label
            )
            below = [b + c for b, c in zip(below, counts)]
        axes.set_xticks(range(len(months)), [f"{month.month:%b}\n{month.month:%Y}" for month in months])
        axes.set_ylabel("clients")
        axes.set_ylim(0, max(max(below, default=0) * 1.15, 1))
        axes.yaxis.get_major_locator().set_params(integer=True)
        legend_below(figure)

    return drawn("group-change.png", _change_alt(labels, months), draw)


def _change_alt(labels: list[str], months: tuple[MonthOfChange, ...]) -> str:
    if not months:
        return "Clients' change since intake: no months to show yet."
    each = "; ".join(
        f"{label}: {m.improved} reliably improved, {m.unchanged} with no reliable change, {m.deteriorated} reliably"
        " deteriorated"
        for label, m in zip(labels, months)
    )
    return f"Clients' change since intake, at each month's end. {each}."
