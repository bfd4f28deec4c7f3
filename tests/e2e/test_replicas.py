"""Two `serve` replicas and a `tick` on one PostgreSQL database share 600 due
deliveries: none is sent twice and none is lost. A negative control shows the same
count catches a naive read-then-update claim."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlmodel import Session

from bot.model import Delivery, DeliveryKind, DeliveryStatus, Platform
from bot.scheduling.dispatcher import BATCH
from bot.scheduling.outbox import claim_due
from bot.storage import transaction
from testkit.database import engine_for
from testkit.follow_ups import due_follow_ups, follow_ups_posted
from tests.conftest import RunningBot

DELIVERIES = 600  # twelve batches: after each of the three has claimed one, nine left to race for
FAST = {"SLACK_MESSAGES_PER_SECOND": "1000"}
OUTSTANDING = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)


def follow_ups_in(database_url: str, statuses) -> int:
    engine = engine_for(database_url)
    with Session(engine) as session:
        found = len(
            session.exec(
                select(Delivery.id).where(
                    Delivery.kind == DeliveryKind.FOLLOW_UP,
                    Delivery.is_reminder.is_(False),  # each sent follow-up plans its reminder, due days later
                    Delivery.status.in_(statuses),
                )
            ).all()
        )
    engine.dispose()
    return found


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_two_replicas_and_a_tick_send_each_of_600_once(postgres_url, fake_slack, tmp_path):
    ids = due_follow_ups(postgres_url, DELIVERIES)
    replicas = [RunningBot(postgres_url, fake_slack, tmp_path) for _ in range(2)]
    for replica in replicas:
        replica.environment.update(FAST)
    # Posts are held until each of the three has claimed a batch, so all three take part.
    fake_slack.hold_posts()
    ticking = replicas[0].start_tick(datetime.now(timezone.utc).isoformat())
    try:
        wait_until(lambda: fake_slack.posts_waiting > 0)  # the tick claimed first and waits on Slack
        for replica in replicas:
            replica.start()
        wait_until(lambda: follow_ups_in(postgres_url, [DeliveryStatus.PENDING]) <= DELIVERIES - 3 * BATCH)
        fake_slack.release_posts()
        ticked, errors = ticking.communicate(timeout=120)
        assert ticking.returncode == 0, errors
        wait_until(lambda: not follow_ups_in(postgres_url, OUTSTANDING), timeout=120)
    finally:
        ticking.kill()
        for replica in replicas:
            replica.stop()
    posted = follow_ups_posted(fake_slack)
    duplicates = sum(count - 1 for count in posted.values() if count > 1)
    lost = len(set(map(str, ids)) - set(posted))
    assert (duplicates, lost) == (0, 0)


def naive_claim(session: Session, now: datetime, limit: int) -> list[int]:
    """Read, then update: two workers can read the same rows before either writes."""
    ids = list(
        session.scalars(
            select(Delivery.id).where(Delivery.status == DeliveryStatus.PENDING, Delivery.due_at <= now).limit(limit)
        )
    )
    time.sleep(0.005)
    session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(status=DeliveryStatus.CLAIMED))
    return ids


def claims_by_workers(database_url: str, claim, workers: int = 4) -> Counter:
    engine = engine_for(database_url)
    now = datetime.now(timezone.utc)
    claimed: Counter = Counter()
    lock = threading.Lock()

    def work():
        while True:
            with transaction(engine) as session:
                ids = claim(session, now)
            if not ids:
                return
            with lock:
                claimed.update(ids)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    return claimed


def test_negative_control_the_count_catches_a_naive_claim(postgres_url):
    due_follow_ups(postgres_url, 300)
    claimed = claims_by_workers(postgres_url, lambda session, now: naive_claim(session, now, 10))
    assert sum(count - 1 for count in claimed.values() if count > 1) > 0


def test_the_real_claim_under_the_same_race_claims_each_once(postgres_url):
    due_follow_ups(postgres_url, 300)
    lease = timedelta(minutes=5)
    claimed = claims_by_workers(
        postgres_url, lambda session, now: [d.id for d in claim_due(session, now, lease, 10, [Platform.SLACK])[1]]
    )
    assert len(claimed) == 300 and set(claimed.values()) == {1}
