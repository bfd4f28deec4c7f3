"""Delivery keys (bot.scheduling.keys): stored rows carry these exact strings, so each kind
must keep building the same one, and the parsers must read them back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.scheduling import keys

DAY = date(2026, 12, 31)  # ISO week 2026-W53
AT = datetime(2026, 12, 31, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "stored"),
    [
        (keys.weekly_digest(7, DAY), "digest:7:2026-W53"),
        (keys.digest_now(7, AT), "digest:7:now:2026-12-31T09:30:00+00:00"),
        (keys.weekly_check_in(7, "U1", DAY), "check_in:7:U1:2026-W53"),
        (keys.follow_up(3, AT), "follow_up:3:20261231T0930"),
        (keys.review(5, DAY), "review:5:2026-12-31"),
        (keys.reminder("review:5:2026-12-31"), "review:5:2026-12-31:reminder"),
    ],
)
def test_each_kind_builds_the_key_stored_rows_carry(key, stored):
    assert key == stored


def test_a_reminder_belongs_to_its_original_occurrence():
    original = keys.weekly_check_in(7, "U1", DAY)

    assert keys.occurrence(keys.reminder(original)) == original
    assert keys.occurrence(original) == original


@pytest.mark.parametrize(
    ("key", "week"),
    [
        (keys.weekly_digest(7, DAY), "2026-W53"),
        (keys.weekly_check_in(7, "U1", DAY), "2026-W53"),
        (keys.reminder(keys.weekly_check_in(7, "U1", DAY)), None),
        (keys.digest_now(7, AT), None),
        (keys.follow_up(3, AT), None),
        (keys.review(5, DAY), None),
    ],
)
def test_only_a_weekly_occurrence_has_a_week(key, week):
    assert keys.week_of(key) == week
