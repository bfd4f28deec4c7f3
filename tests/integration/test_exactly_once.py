"""Each weekly promise is kept once: a digest or check-in held back by days off is sent
once, as the newest of its kind, and a check-in that falls due in a pause is skipped.

The real core on a real database (SQLite and PostgreSQL), with a simulated clock.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from bot.model import Delivery, DeliveryStatus, Group
from tests.core_harness import CoreHarness, plain

COACH, ALICE = "UCOACH", "UALICE"
CHANNEL = "CGROUP"
LONDON = {COACH: "Europe/London", ALICE: "Europe/London"}
CHECK_IN = "Your weekly practice check-in"
DIGEST = "Practice digest"
TUESDAY_1_DECEMBER = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def h(database_url):
    harness = CoreHarness(database_url, TUESDAY_1_DECEMBER, LONDON)
    assert harness.say(COACH, "setup tz Europe/London").startswith("This channel is now a supervision group")
    assert harness.say(ALICE, "join").startswith("Welcome")
    yield harness
    harness.close()


def london_times(h: CoreHarness, to: str, summary: str) -> list[str]:
    return [sent.at.astimezone(ZoneInfo("Europe/London")).isoformat()[:16] for sent in h.messenger.to(to, summary)]


def the_group_id(h: CoreHarness) -> int:
    with Session(h.engine) as session:
        return session.exec(select(Group.id)).one()


def statuses(h: CoreHarness, *keys: str) -> list[DeliveryStatus]:
    with Session(h.engine) as session:
        return [session.exec(select(Delivery.status).where(Delivery.key == key)).one() for key in keys]


def test_after_a_holiday_one_digest_and_one_check_in_are_sent_and_the_held_back_ones_superseded(h):
    assert h.say(COACH, "holiday 2026-12-25..2027-01-01").startswith("Days off for the group")
    h.advance_to(utc(2026, 12, 22, 12))
    assert h.say(ALICE, "log 30 role-play of a rupture repair").startswith("Logged 30 min")

    h.advance_to(utc(2027, 1, 5, 12))

    assert [at for at in london_times(h, ALICE, CHECK_IN) if at >= "2026-12-22"] == ["2027-01-04T10:00"]
    digests = h.messenger.to(CHANNEL, DIGEST)
    assert [at for at in london_times(h, CHANNEL, DIGEST) if at >= "2026-12-19"] == ["2027-01-04T15:00"]
    # The one digest covers the whole time since the last one, the held-back weeks included.
    assert digests[-1].message.summary == "Practice digest, Fri 18 Dec – Mon 4 Jan"
    assert "30 min in all" in plain(digests[-1].message)
    group_id = the_group_id(h)
    assert statuses(h, f"digest:{group_id}:2026-W52", f"check_in:{group_id}:{ALICE}:2026-W53") == [
        DeliveryStatus.SUPERSEDED,
        DeliveryStatus.SUPERSEDED,
    ]


def test_a_check_in_that_falls_due_in_a_pause_is_skipped_and_the_next_one_sent(h):
    assert h.say(ALICE, "pause 2w").startswith("Paused until Tue 15 Dec 10:00")

    h.advance_to(utc(2026, 12, 16, 12))
    assert h.messenger.to(ALICE) == []
    group_id = the_group_id(h)
    assert statuses(h, f"check_in:{group_id}:{ALICE}:2026-W50", f"check_in:{group_id}:{ALICE}:2026-W51") == [
        DeliveryStatus.SKIPPED,
        DeliveryStatus.SKIPPED,
    ]

    h.advance_to(utc(2026, 12, 22, 12))  # the first check-in after the pause is sent as usual
    assert london_times(h, ALICE, CHECK_IN) == ["2026-12-21T10:00"]
