"""The Pacer keeps posting under a platform's limits: one message a second per channel, a
configurable rate across the tenant, and a pause for a Retry-After. Time is a fake
clock, and sleeping only records how long it would have slept."""

from __future__ import annotations

import asyncio

import pytest

from handlers.pacing import PER_CHANNEL_INTERVAL, Pacer


class FakeTime:
    def __init__(self, now: float = 1000.0):
        self.now = now
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def pacer(fake: FakeTime, per_second: float = 100.0) -> Pacer:
    return Pacer(per_second, clock=fake.clock, sleep=fake.sleep)


def turns(pace: Pacer, *channels: str) -> None:
    """Each channel takes its turn in order, as concurrent senders would, without time passing."""

    async def all_turns():
        for channel in channels:
            await pace.wait_turn(channel)

    asyncio.run(all_turns())


def test_the_first_message_goes_without_waiting(fake):
    turns(pacer(fake), "C1")
    assert fake.slept == []


def test_a_second_message_to_the_same_channel_waits_a_second(fake):
    turns(pacer(fake), "C1", "C1", "C1")
    assert PER_CHANNEL_INTERVAL == 1.0
    assert fake.slept == pytest.approx([1.0, 2.0])


def test_the_interval_per_channel_may_be_set(fake):
    turns(Pacer(100.0, clock=fake.clock, sleep=fake.sleep, per_channel=0.25), "C1", "C1", "C2", "C1")
    assert fake.slept == pytest.approx([0.25, 0.26, 0.5])


def test_a_channel_is_free_again_once_its_second_has_passed(fake):
    pace = pacer(fake)
    turns(pace, "C1")
    fake.now += 0.4
    turns(pace, "C1")
    fake.now += 2.0  # well past the second after the slot the second message had
    turns(pace, "C1")
    assert fake.slept == pytest.approx([0.6])


def test_other_channels_are_limited_only_by_the_workspace_rate(fake):
    turns(pacer(fake, per_second=100.0), "C1", "C2", "C3")
    assert fake.slept == pytest.approx([0.01, 0.02])


def test_the_workspace_rate_spaces_messages_across_channels(fake):
    turns(pacer(fake, per_second=2.0), "C1", "C2", "C3", "C4")
    assert fake.slept == pytest.approx([0.5, 1.0, 1.5])


def test_a_channel_waits_for_the_later_of_its_own_second_and_the_workspace_slot(fake):
    # Four a second across the workspace: C1, C2, C3 at 0, 0.25, 0.5; C1 again may not go
    # before 1.0 (its own second, later than the free workspace slot at 0.75); a new
    # channel C4 then takes the workspace slot after that, 1.25.
    turns(pacer(fake, per_second=4.0), "C1", "C2", "C3", "C1", "C4")
    assert fake.slept == pytest.approx([0.25, 0.5, 1.0, 1.25])


def test_the_workspace_rate_does_not_save_up_unused_slots(fake):
    pace = pacer(fake, per_second=2.0)
    turns(pace, "C1")
    fake.now += 60  # a quiet minute earns no burst
    turns(pace, "C2", "C3")
    assert fake.slept == pytest.approx([0.5])


def test_not_blocked_until_the_platform_answers_429(fake):
    assert pacer(fake).blocked_for() == 0.0


def test_blocked_for_counts_down_the_retry_after(fake):
    pace = pacer(fake)
    pace.block(30)
    assert pace.blocked_for() == pytest.approx(30)
    fake.now += 12
    assert pace.blocked_for() == pytest.approx(18)
    fake.now += 18
    assert pace.blocked_for() == 0.0
    fake.now += 5
    assert pace.blocked_for() == 0.0  # never negative


def test_a_shorter_retry_after_does_not_cut_a_longer_block_short(fake):
    pace = pacer(fake)
    pace.block(30)
    fake.now += 5
    pace.block(10)
    assert pace.blocked_for() == pytest.approx(25)


def test_a_longer_retry_after_extends_the_block(fake):
    pace = pacer(fake)
    pace.block(10)
    fake.now += 5
    pace.block(60)
    assert pace.blocked_for() == pytest.approx(60)
