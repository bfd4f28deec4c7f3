"""The Pacer keeps posting under a platform's limits: one message a second per channel, a
configurable rate across the tenant, and a pause for a Retry-After. Time is a fake clock
that sleeping moves on, by more than asked when a sender is made to wake late."""

from __future__ import annotations

import asyncio
import heapq

import pytest

from handlers.pacing import ARRIVAL_SPREAD, PER_CHANNEL_INTERVAL, Pacer


class FakeTime:
    """A clock that sleeping moves on. Concurrent sleepers wake in order of their wake-up
    times once nothing else can run; every `late_every`-th sleep wakes `lateness` late."""

    def __init__(self, now: float = 1000.0, late_every: int = 0, lateness: float = 0.0):
        self.start = self.now = now
        self.slept: list[float] = []
        self.late_every, self.lateness = late_every, lateness
        self._sleepers: list[tuple[float, int, asyncio.Future]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        late = self.late_every and len(self.slept) % self.late_every == 0
        wake = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds + (self.lateness if late else 0.0), len(self.slept), wake))
        await wake

    def run(self, work):
        """Run `work`, moving the clock on to the next wake-up whenever everything waits."""

        async def keeping_time():
            task = asyncio.ensure_future(work)
            while not task.done():
                for _ in range(20):  # everything that can run without time passing
                    await asyncio.sleep(0)
                if self._sleepers:
                    at, _, wake = heapq.heappop(self._sleepers)
                    self.now = max(self.now, at)
                    wake.set_result(None)
            return task.result()

        return asyncio.run(keeping_time())


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def pacer(fake: FakeTime, per_second: float = 100.0, per_channel: float = PER_CHANNEL_INTERVAL) -> Pacer:
    return Pacer(per_second, clock=fake.clock, sleep=fake.sleep, per_channel=per_channel)


def turns(pace: Pacer, fake: FakeTime, *channels: str) -> list[float]:
    """Each channel takes its turn, one after the other; when each went, from the start."""

    async def all_turns():
        went = []
        for channel in channels:
            await pace.wait_turn(channel)
            went.append(round(fake.now - fake.start, 6))
        return went

    return fake.run(all_turns())


def concurrent_turns(pace: Pacer, fake: FakeTime, channels: list[str]) -> list[float]:
    """All channels ask for their turn at once, as the dispatcher's senders do; when each went."""

    async def one(channel: str) -> float:
        await pace.wait_turn(channel)
        return fake.now - fake.start

    async def all_turns():
        return await asyncio.gather(*(one(channel) for channel in channels))

    return sorted(fake.run(all_turns()))


def most_in_any_second(times: list[float]) -> int:
    return max(sum(1 for other in times if start <= other < start + 1.0) for start in times)


def test_the_first_message_goes_without_waiting(fake):
    assert turns(pacer(fake), fake, "C1") == [0.0]
    assert fake.slept == []


def test_a_second_message_to_the_same_channel_waits_a_second(fake):
    assert PER_CHANNEL_INTERVAL == 1.0
    assert turns(pacer(fake), fake, "C1", "C1", "C1") == pytest.approx([0.0, 1.0, 2.0])


def test_the_interval_per_channel_may_be_set(fake):
    went = turns(pacer(fake, per_channel=0.25), fake, "C1", "C1", "C2", "C1")
    assert went == pytest.approx([0.0, 0.25, 0.26, 0.5])


def test_a_channel_is_free_again_once_its_second_has_passed(fake):
    pace = pacer(fake)
    turns(pace, fake, "C1")
    fake.now += 0.4
    turns(pace, fake, "C1")
    fake.now += 2.0  # well past the second after the second message
    turns(pace, fake, "C1")
    assert fake.slept == pytest.approx([0.6])


def test_other_channels_are_limited_only_by_the_workspace_rate(fake):
    assert turns(pacer(fake), fake, "C1", "C2", "C3") == pytest.approx([0.0, 0.01, 0.02])


def test_the_workspace_rate_spaces_messages_across_channels(fake):
    # A window's two posts go over a little more than its second, for the time posts take to arrive.
    went = turns(pacer(fake, per_second=2.0), fake, "C1", "C2", "C3", "C4")
    assert went == pytest.approx([0.0, 0.5, 1.0 + ARRIVAL_SPREAD, 1.5 + ARRIVAL_SPREAD])


def test_a_channel_waits_for_the_later_of_its_own_second_and_the_workspace_slot(fake):
    # Four a second across the workspace: C1, C2, C3 at 0, 0.25, 0.5; C1 again may not go
    # before 1.0 (its own second, later than the free workspace slot at 0.75); a new
    # channel C4 then takes the workspace slot after that, 1.25.
    went = turns(pacer(fake, per_second=4.0), fake, "C1", "C2", "C3", "C1", "C4")
    assert went == pytest.approx([0.0, 0.25, 0.5, 1.0, 1.25])


def test_a_channel_waiting_for_its_second_does_not_hold_up_the_others(fake):
    went = concurrent_turns(pacer(fake, per_second=10.0), fake, ["C1", "C1", "C2", "C3"])
    assert went == pytest.approx([0.0, 0.1, 0.2, 1.0])


def test_the_workspace_rate_does_not_save_up_unused_slots(fake):
    pace = pacer(fake, per_second=2.0)
    turns(pace, fake, "C1")
    fake.now += 60  # a quiet minute earns no burst
    turns(pace, fake, "C2", "C3")
    assert fake.slept == pytest.approx([0.5])


def test_senders_that_wake_late_never_put_more_than_the_rate_in_one_second():
    steady = FakeTime()
    assert most_in_any_second(concurrent_turns(pacer(steady, 10.0), steady, [f"C{n}" for n in range(50)])) == 10
    late = FakeTime(late_every=7, lateness=0.3)
    went = concurrent_turns(pacer(late, 10.0), late, [f"C{n}" for n in range(50)])
    assert most_in_any_second(went) <= 10
    assert min(later - earlier for earlier, later in zip(went, went[1:])) >= 0.05 - 1e-9  # catching up, half a slot
    late_wake_ups = len(late.slept) // 7
    assert late_wake_ups >= 2
    assert went[-1] <= 4.9 + late_wake_ups * 0.3 + 1e-9  # lateness delays the rest, and no more than that


def test_the_check_of_a_second_sees_a_cluster():
    assert most_in_any_second([0.0, 0.1, 0.9, 0.95, 1.0, 1.05]) == 5


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
