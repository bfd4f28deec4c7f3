"""What a failed send becomes: tried again later, or given up on."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.model import DeliveryStatus
from bot.ports import SendFailed

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=30)
# Our clock and the platform's differ a little: try again just after its Retry-After, not on its edge.
PAST_RETRY_AFTER = timedelta(milliseconds=50)


def after_failure(attempts: int, now: datetime, failure: SendFailed) -> dict:
    """The new values of a delivery whose attempt number `attempts` just failed."""
    if failure.retry_after is not None:
        # Being rate limited is not the delivery's fault: it does not use up an attempt.
        return {
            "status": DeliveryStatus.PENDING,
            "due_at": now + timedelta(seconds=failure.retry_after) + PAST_RETRY_AFTER,
            "attempts": attempts - 1,
            "last_error": failure.reason,
        }
    if failure.permanent or attempts >= MAX_ATTEMPTS:
        return {"status": DeliveryStatus.DEAD, "last_error": failure.reason}
    backoff = BACKOFF_BASE * 2**attempts
    return {"status": DeliveryStatus.PENDING, "due_at": now + backoff, "last_error": failure.reason}
