"""What a failed send becomes (bot.scheduling.retry): backoff, rate limits, giving up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.model import DeliveryStatus
from bot.ports import SendFailed
from bot.scheduling.retry import MAX_ATTEMPTS, PAST_RETRY_AFTER, after_failure

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TRANSIENT = SendFailed("internal_error")


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (4, 480), (5, 960)])
def test_a_transient_failure_is_tried_again_after_a_backoff_that_doubles(attempts, seconds):
    values = after_failure(attempts, NOW, TRANSIENT)

    assert values == {
        "status": DeliveryStatus.PENDING,
        "due_at": NOW + timedelta(seconds=seconds),
        "last_error": "internal_error",
    }


def test_the_last_attempt_failing_gives_up():
    given_up = {"status": DeliveryStatus.DEAD, "last_error": "internal_error"}

    assert after_failure(MAX_ATTEMPTS, NOW, TRANSIENT) == given_up


def test_a_permanent_failure_gives_up_at_once():
    gone = SendFailed("user_not_found", permanent=True)

    assert after_failure(1, NOW, gone) == {"status": DeliveryStatus.DEAD, "last_error": "user_not_found"}


@pytest.mark.parametrize("attempts", [1, MAX_ATTEMPTS])
def test_a_rate_limit_waits_as_asked_and_gives_the_attempt_back(attempts):
    limited = SendFailed("ratelimited", retry_after=7)

    assert after_failure(attempts, NOW, limited) == {
        "status": DeliveryStatus.PENDING,
        "due_at": NOW + timedelta(seconds=7) + PAST_RETRY_AFTER,
        "attempts": attempts - 1,
        "last_error": "ratelimited",
    }
