"""Outcome classification: each client judged from intake to the latest score, with flags
that say why in plain words.

Only totals are handled (0-40, one decimal place); the licensed ORS/SRS forms are never
reproduced, and the proprietary expected-treatment-response curves are not computed: only
the generic rules below, each threshold set per group (README, *Outcomes*).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

ONE_PLACE = Decimal("0.1")
MIN_CLIENTS_FOR_A_MEAN = 5  # below this, a caseload's mean change is not shown at all


def points(value: int | str | Decimal) -> Decimal:
    """A score or a difference of scores, exact to one decimal place."""
    return Decimal(value).quantize(ONE_PLACE)


def shown(value: Decimal | int) -> str:
    """“18” for 18.0, “18.5” for 18.5."""
    exact = points(value)
    return str(exact.to_integral_value()) if exact == exact.to_integral_value() else str(exact)


def signed(value: Decimal | int) -> str:
    """“+8”, “-11.5”, “+0”."""
    exact = points(value)
    return ("-" if exact < 0 else "+") + shown(abs(exact))


class Band(StrEnum):
    """A client's age band, which sets the clinical cutoff; never an age or a birth date."""

    CHILD = "child"
    ADOLESCENT = "adolescent"
    ADULT = "adult"


@dataclass(frozen=True)
class Thresholds:
    ors_clinical_cutoff: int = 25  # adults (Miller et al. 2003)
    ors_reliable_change: int = 5
    srs_alliance_concern: int = 36
    child_cutoff: int = 32  # 6-12 years (Duncan et al. 2006)
    adolescent_cutoff: int = 28  # 13-17 years (Duncan et al. 2006)
    on_track_session: int = 6  # no reliable improvement by this session: not on track
    on_track_weeks: int = 6  # the same, by weeks after intake, where sessions aren't recorded
    watch_session: int = 3  # no improvement at all by this session: early watch
    srs_drop: int = 1  # a fall of this much from the previous SRS is an alliance flag

    def cutoff(self, band: Band) -> int:
        return {Band.ADULT: self.ors_clinical_cutoff, Band.CHILD: self.child_cutoff}.get(band, self.adolescent_cutoff)


DEFAULT_THRESHOLDS = Thresholds()  # a new group's, until its coach changes them


class Movement(StrEnum):
    RELIABLE_IMPROVEMENT = "reliable improvement"
    NO_RELIABLE_CHANGE = "no reliable change"
    RELIABLE_DETERIORATION = "reliable deterioration"


@dataclass(frozen=True)
class OrsChange:
    baseline: Decimal
    latest: Decimal
    movement: Movement
    clinically_significant: bool

    @property
    def delta(self) -> Decimal:
        return self.latest - self.baseline


def movement(baseline: Decimal | int, latest: Decimal | int, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Movement:
    """Reliable change by the configured point threshold, in either direction."""
    delta = latest - baseline
    if delta >= thresholds.ors_reliable_change:
        return Movement.RELIABLE_IMPROVEMENT
    if delta <= -thresholds.ors_reliable_change:
        return Movement.RELIABLE_DETERIORATION
    return Movement.NO_RELIABLE_CHANGE


def classify_ors(
    baseline: Decimal | int,
    latest: Decimal | int,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    cutoff: int | None = None,
) -> OrsChange:
    """Reliable change; clinically significant when a reliable improvement also crosses from
    at or below the clinical cutoff (the adult one unless given) to above it (Jacobson & Truax)."""
    limit = thresholds.ors_clinical_cutoff if cutoff is None else cutoff
    moved = movement(baseline, latest, thresholds)
    crossed = baseline <= limit < latest
    return OrsChange(points(baseline), points(latest), moved, moved is Movement.RELIABLE_IMPROVEMENT and crossed)


def alliance_concern(srs: Decimal | int, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    return srs < thresholds.srs_alliance_concern


def describe(change: OrsChange) -> str:
    """“ORS 18 → 26 (+8): reliable improvement, clinically significant”."""
    text = f"ORS {shown(change.baseline)} → {shown(change.latest)} ({signed(change.delta)}): {change.movement}"
    return text + ", clinically significant" if change.clinically_significant else text


def describe_since_advice(baseline: Decimal, latest: Decimal, thresholds: Thresholds, given_on: date) -> str:
    """Change since an advice's baseline: reliable or not, never clinically significant, which
    is judged from intake only."""
    moved = movement(baseline, latest, thresholds)
    scores = f"ORS {shown(baseline)} → {shown(latest)} ({signed(latest - baseline)})"
    return f"{scores} since the advice of {day(given_on)}: {moved}"


def day(on: date) -> str:
    """“3 Nov”."""
    return f"{on.day} {on:%b}"


# --- a client's trajectory ------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    """One recorded total: its day (in the therapist's zone), optional session, intake mark."""

    value: Decimal
    on: date
    session: int | None = None
    intake: bool = False
    at: datetime | None = None  # when it was recorded, to compare with when advice was given


class FlagKind(StrEnum):
    DETERIORATION = "reliable deterioration"
    NOT_ON_TRACK = "not on track"
    EARLY_WATCH = "early watch"
    ALLIANCE_CONCERN = "alliance concern"
    ALLIANCE_DROP = "alliance drop"


ALLIANCE_FLAGS = (FlagKind.ALLIANCE_CONCERN, FlagKind.ALLIANCE_DROP)


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    why: str  # “ORS 30 → 14 since intake on 3 Nov: reliable deterioration”


@dataclass(frozen=True)
class Classification:
    intake: Rating | None
    latest: Rating | None  # the latest ORS after intake; None until there is one
    change: OrsChange | None  # intake to latest
    flags: list[Flag] = field(default_factory=list)

    def has(self, *kinds: FlagKind) -> bool:
        return any(flag.kind in kinds for flag in self.flags)


def intake_of(ors: Sequence[Rating]) -> Rating | None:
    """The ORS the therapist marked as intake (the latest marked), or else the first."""
    marked = [rating for rating in ors if rating.intake]
    return marked[-1] if marked else (ors[0] if ors else None)


def classify_client(
    ors: Sequence[Rating], srs: Sequence[Rating], band: Band = Band.ADULT, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Classification:
    """A client from intake to the latest ORS, and the alliance by the latest SRS; each in the
    order recorded."""
    intake = intake_of(ors)
    latest = ors[-1] if ors and ors[-1] is not intake else None
    change = (
        classify_ors(intake.value, latest.value, thresholds, thresholds.cutoff(band)) if intake and latest else None
    )
    flags = _ors_flags(intake, latest, change, thresholds) if intake and latest and change else []
    return Classification(intake, latest, change, flags + _alliance_flags(srs, thresholds))


def _ors_flags(intake: Rating, latest: Rating, change: OrsChange, limits: Thresholds) -> list[Flag]:
    """At most one ORS flag, the most urgent: deterioration, then not on track, then early watch."""
    scores = f"ORS {shown(intake.value)} → {shown(latest.value)}"
    since = f"since intake on {day(intake.on)}"
    if change.movement is Movement.RELIABLE_DETERIORATION:
        return [Flag(FlagKind.DETERIORATION, f"{scores} {since}: reliable deterioration")]
    if change.movement is Movement.RELIABLE_IMPROVEMENT:
        return []
    if latest.session is None:  # judged by weeks since intake
        weeks = (latest.on - intake.on).days // 7
        if weeks < limits.on_track_weeks:
            return []
        by = f"{scores} {weeks} weeks after intake on {day(intake.on)}"
        return [
            Flag(
                FlagKind.NOT_ON_TRACK,
                f"{by}: no reliable improvement within {limits.on_track_weeks} weeks, not on track",
            )
        ]
    by = f"{scores} by session {latest.session} ({since})"
    if latest.session >= limits.on_track_session:
        return [
            Flag(
                FlagKind.NOT_ON_TRACK,
                f"{by}: no reliable improvement by session {limits.on_track_session}, not on track",
            )
        ]
    if latest.session >= limits.watch_session and change.delta <= 0:
        return [
            Flag(FlagKind.EARLY_WATCH, f"{by}: no improvement at all by session {limits.watch_session}, early watch")
        ]
    return []


def _alliance_flags(srs: Sequence[Rating], limits: Thresholds) -> list[Flag]:
    """By the latest SRS: below the concern threshold, and a drop from the one before."""
    if not srs:
        return []
    latest = srs[-1]
    flags = []
    if alliance_concern(latest.value, limits):
        why = f"SRS {shown(latest.value)} on {day(latest.on)}: below {limits.srs_alliance_concern}, alliance concern"
        flags.append(Flag(FlagKind.ALLIANCE_CONCERN, why))
    if len(srs) > 1 and srs[-2].value - latest.value >= limits.srs_drop:
        previous = srs[-2]
        why = (
            f"SRS {shown(previous.value)} → {shown(latest.value)} on {day(latest.on)}:"
            f" a drop of {shown(previous.value - latest.value)} from the previous SRS"
        )
        flags.append(Flag(FlagKind.ALLIANCE_DROP, why))
    return flags


def trajectory_line(ors: Sequence[Rating], srs: Sequence[Rating]) -> str:
    """“ORS 30 (intake, 3 Nov, s1) · 22 (10 Nov, s2) · 14 (17 Nov, s3); SRS 38 · 35”."""
    intake = intake_of(ors)
    parts = []
    if ors:
        parts.append("ORS " + " · ".join(_rating_text(rating, rating is intake) for rating in ors))
    if srs:
        parts.append("SRS " + " · ".join(_rating_text(rating, False) for rating in srs))
    return "; ".join(parts) if parts else "no scores yet"


def _rating_text(rating: Rating, is_intake: bool) -> str:
    notes = ["intake"] if is_intake else []
    notes.append(day(rating.on))
    if rating.session is not None:
        notes.append(f"session {rating.session}")
    return f"{shown(rating.value)} ({', '.join(notes)})"


@dataclass(frozen=True)
class MonthOfChange:
    """A month's clients, by their change from intake to their latest ORS by its end."""

    month: date  # its first day
    improved: int
    unchanged: int
    deteriorated: int


def change_by_month(
    clients: Sequence[tuple[Sequence[Rating], Band]],
    months: Sequence[date],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[MonthOfChange, ...]:
    """For each month (by its first day), the clients with an ORS after intake by its end, by
    their movement; each client's ORS in the order recorded."""
    counted = []
    for first in months:
        end = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        moved = Counter(
            change.movement
            for ors, band in clients
            if (change := classify_client([r for r in ors if r.on < end], [], band, thresholds).change)
        )
        counted.append(
            MonthOfChange(
                first,
                moved[Movement.RELIABLE_IMPROVEMENT],
                moved[Movement.NO_RELIABLE_CHANGE],
                moved[Movement.RELIABLE_DETERIORATION],
            )
        )
    return tuple(counted)


RECENT_SCORES = 3  # the ORS totals a session's prep line shows, the latest last


def prep_line(ors: Sequence[Rating], srs: Sequence[Rating], classified: Classification) -> str:
    """The client in one line, read a minute before the session: the latest scores, the change
    from intake and any flags. “ORS … 24 → 18 (17 Nov, session 3), SRS 35; from intake -2: no
    reliable change; ⚠️ not on track”."""
    scores = []
    if ors:
        recent = " → ".join(shown(rating.value) for rating in ors[-RECENT_SCORES:])
        latest = ors[-1]
        when = day(latest.on) + (f", session {latest.session}" if latest.session is not None else "")
        scores.append(f"ORS {'… ' if len(ors) > RECENT_SCORES else ''}{recent} ({when})")
    if srs:
        scores.append(f"SRS {shown(srs[-1].value)}")
    if not scores:
        return "no scores yet"
    parts = [", ".join(scores)]
    if classified.change is not None:
        parts.append(f"from intake {signed(classified.change.delta)}: {classified.change.movement}")
    elif classified.intake is not None:
        parts.append("intake only so far")
    kinds = ", ".join(dict.fromkeys(flag.kind.value for flag in classified.flags))
    return "; ".join(parts + ([f"⚠️ {kinds}"] if kinds else []))
