"""Outcome classification: reliable change, clinical significance and alliance concerns.

Only totals are handled (0-40); the licensed ORS/SRS forms are never reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Thresholds:
    ors_clinical_cutoff: int = 25
    ors_reliable_change: int = 5
    srs_alliance_concern: int = 36


DEFAULT_THRESHOLDS = Thresholds()  # a new group's, until its coach changes them


class Movement(StrEnum):
    RELIABLE_IMPROVEMENT = "reliable improvement"
    NO_RELIABLE_CHANGE = "no reliable change"
    RELIABLE_DETERIORATION = "reliable deterioration"


@dataclass(frozen=True)
class OrsChange:
    baseline: int
    latest: int
    movement: Movement
    clinically_significant: bool

    @property
    def delta(self) -> int:
        return self.latest - self.baseline


def classify_ors(baseline: int, latest: int, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> OrsChange:
    """Reliable change by the configured point threshold; clinically significant when a
    reliable improvement also crosses from at or below the clinical cutoff to above it
    (Jacobson & Truax)."""
    delta = latest - baseline
    if delta >= thresholds.ors_reliable_change:
        movement = Movement.RELIABLE_IMPROVEMENT
    elif delta <= -thresholds.ors_reliable_change:
        movement = Movement.RELIABLE_DETERIORATION
    else:
        movement = Movement.NO_RELIABLE_CHANGE
    crossed = baseline <= thresholds.ors_clinical_cutoff < latest
    return OrsChange(baseline, latest, movement, movement is Movement.RELIABLE_IMPROVEMENT and crossed)


def alliance_concern(srs: int, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    return srs < thresholds.srs_alliance_concern


def describe(change: OrsChange) -> str:
    """“ORS 18 → 26 (+8): reliable improvement, clinically significant”."""
    text = f"ORS {change.baseline} → {change.latest} ({change.delta:+d}): {change.movement}"
    return text + ", clinically significant" if change.clinically_significant else text
