"""What the core reports as it works, for an operator's numbers: what became of each delivery,
how long sends, digests and the scheduler's passes took. A front-end may count these (handlers/
metrics.py does, for Prometheus); by default nothing is kept. Every value passed is one of a
few known ones, never an id or a text, so that whoever counts them can use them as labels."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from bot.model import DeliveryKind, Platform


class Outcome(StrEnum):
    """What one attempt at a delivery came to."""

    SENT = "sent"  # the platform accepted it
    SKIPPED = "skipped"
    SUPERSEDED = "superseded"
    DEFERRED = "deferred"  # to working hours, after a holiday or a pause
    RETRY = "retry"  # failed; tried again after a back-off
    RATE_LIMITED = "rate_limited"  # a 429: tried again after its Retry-After
    HELD = "held"  # the platform refused our credentials for the tenant: it waits for them
    HANDED_BACK = "handed_back"  # not tried: the process is stopping, or its tenant is rate limited
    DEAD = "dead"  # given up


class Job(StrEnum):
    """The scheduler's passes."""

    PLAN = "plan"
    DRAIN = "drain"
    TIDY = "tidy"


class Measurements(Protocol):
    def delivery_done(self, kind: DeliveryKind, platform: Platform | None, outcome: Outcome) -> None:
        """An attempt at a delivery ended; `platform` is None when its group could not be read."""
        ...

    def send_took(self, kind: DeliveryKind, platform: Platform, seconds: float) -> None:
        """One call to the platform to send a delivery, accepted or not."""
        ...

    def prepare_took(self, kind: DeliveryKind, seconds: float) -> None:
        """Deciding what a delivery becomes and building its message (a digest: gathering and rendering it)."""
        ...

    def job_took(self, job: Job, seconds: float) -> None: ...


class NoMeasurements:
    """Keeps nothing: for processes nobody scrapes (`tick`, the shell) and most tests."""

    def delivery_done(self, kind: DeliveryKind, platform: Platform | None, outcome: Outcome) -> None:
        return None

    def send_took(self, kind: DeliveryKind, platform: Platform, seconds: float) -> None:
        return None

    def prepare_took(self, kind: DeliveryKind, seconds: float) -> None:
        return None

    def job_took(self, job: Job, seconds: float) -> None:
        return None
