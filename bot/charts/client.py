"""A client's trajectory: ORS and SRS totals by date, the band's clinical cutoff and the SRS
concern threshold as lines, the band of no reliable change around intake shaded, and the
flags bot/outcomes.py raises marked where they are judged. Totals only: no item of either
form, and no expected-treatment-response curve."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from bot.charts.drawing import BLACK, BLUE, CACHED_CHARTS, ORANGE, SKY_BLUE, VERMILLION, Chart, drawn, legend_below
from bot.outcomes import (
    ALLIANCE_FLAGS,
    Band,
    Classification,
    Rating,
    Thresholds,
    classify_client,
    day,
    shown,
    trajectory_line,
)

SCALE_TOP = 40
DATE_TICKS = 7  # at most, so that the days under them do not overlap


def trajectory_chart(
    code: str, ors: Sequence[Rating], srs: Sequence[Rating], band: Band, thresholds: Thresholds
) -> Chart:
    """The chart of a client's scores, each in the order recorded."""
    return _trajectory(code, _as_shown(ors), _as_shown(srs), band, thresholds)


def _as_shown(ratings: Sequence[Rating]) -> tuple[Rating, ...]:
    """The ratings as the chart shows them: when each was recorded to the second is not shown,
    so it is no part of the cache's key."""
    return tuple(replace(rating, at=None) for rating in ratings)


@lru_cache(maxsize=CACHED_CHARTS)
def _trajectory(
    code: str, ors: tuple[Rating, ...], srs: tuple[Rating, ...], band: Band, thresholds: Thresholds
) -> Chart:
    classified = classify_client(ors, srs, band, thresholds)
    cutoff = thresholds.cutoff(band)

    def draw(figure: Any) -> None:
        axes = figure.subplots()
        axes.set_title(f"Client {code}: ORS and SRS totals")
        if classified.intake is not None:
            low, high = _no_change_band(classified, thresholds)
            about = f"no reliable change from intake ({shown(low)}–{shown(high)})"
            axes.axhspan(float(low), float(high), color=SKY_BLUE, alpha=0.3, label=about)
        axes.axhline(cutoff, color=BLACK, linestyle="--", linewidth=1.2, label=f"clinical cutoff {cutoff} ({band})")
        concern = thresholds.srs_alliance_concern
        axes.axhline(concern, color=VERMILLION, linestyle=":", linewidth=1.6, label=f"SRS concern below {concern}")
        if ors:
            axes.plot([r.on for r in ors], [float(r.value) for r in ors], "o-", color=BLUE, linewidth=2, label="ORS")
        if srs:
            days, totals = [r.on for r in srs], [float(r.value) for r in srs]
            axes.plot(days, totals, "s--", color=ORANGE, linewidth=2, label="SRS")
        _mark_flags(axes, classified, ors, srs)
        axes.set_ylim(0, SCALE_TOP)
        axes.set_ylabel("total (0–40)")
        _date_ticks(axes, sorted({r.on for r in (*ors, *srs)}))
        legend_below(figure)

    return drawn(f"client-{code}.png", _alt(code, ors, srs, band, thresholds, classified), draw)


def _no_change_band(classified: Classification, thresholds: Thresholds) -> tuple[Decimal, Decimal]:
    """The ORS totals within reliable change of intake, on the scale."""
    assert classified.intake is not None
    baseline, change = classified.intake.value, thresholds.ors_reliable_change
    return max(baseline - change, Decimal(0)), min(baseline + change, Decimal(SCALE_TOP))


def _mark_flags(axes: Any, classified: Classification, ors: Sequence[Rating], srs: Sequence[Rating]) -> None:
    """Each flag at the score that raised it: an ORS flag at the latest ORS, an alliance flag at
    the latest SRS."""
    marked = (
        (srs, [flag.kind.value for flag in classified.flags if flag.kind in ALLIANCE_FLAGS]),
        (ors, [flag.kind.value for flag in classified.flags if flag.kind not in ALLIANCE_FLAGS]),
    )
    for ratings, kinds in marked:
        if not kinds:
            continue
        at = ratings[-1]
        axes.plot([at.on], [float(at.value)], "X", color=VERMILLION, markersize=14, zorder=5)
        axes.annotate(
            "⚠ " + ", ".join(kinds),
            (at.on, float(at.value)),
            textcoords="offset points",
            xytext=(-14, 0),
            ha="right",
            va="center",
            color=VERMILLION,
            fontweight="bold",
        )


def _date_ticks(axes: Any, days: list[date]) -> None:
    """A tick at each day scored, or at every other one and so on, up to DATE_TICKS of them."""
    step = -(-len(days) // DATE_TICKS)
    axes.set_xticks(days[::step], [day(on) for on in days[::step]])


def _alt(
    code: str,
    ors: Sequence[Rating],
    srs: Sequence[Rating],
    band: Band,
    thresholds: Thresholds,
    classified: Classification,
) -> str:
    parts = [f"Client {code}'s scores: {trajectory_line(ors, srs)}."]
    parts.append(
        f"Lines: the clinical cutoff {thresholds.cutoff(band)} ({band} band)"
        f" and the SRS concern threshold {thresholds.srs_alliance_concern}."
    )
    if classified.intake is not None:
        low, high = _no_change_band(classified, thresholds)
        intake = shown(classified.intake.value)
        parts.append(f"Shaded: no reliable change from the intake ORS {intake}, {shown(low)} to {shown(high)}.")
    kinds = ", ".join(dict.fromkeys(flag.kind.value for flag in classified.flags))
    parts.append(f"Flags: {kinds}." if kinds else "No flags.")
    return " ".join(parts)
