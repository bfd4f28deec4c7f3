"""Two `serve` replicas and a `tick` on one PostgreSQL database share 2,000 due
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
from bot.scheduling.outbox import claim_due
from bot.storage import transaction
from testkit.database import engine_for
from testkit.follow_ups import due_follow_ups, follow_ups_posted
from tests.conftest import RunningBot

DELIVERIES = 2_000
FAST = {"SLACK_MESSAGES_PER_SECOND": "1000"}
# The replicas send slowly enough that 2,000 last them about ten seconds, so the tick,
# which starts a second or so after them, always finds some left to claim.
UNHURRIED = {"SLACK_MESSAGES_PER_SECOND": "100"}


def outstanding(database_url: str) -> int:
    engine = engine_for(database_url)
    with Session(engine) as session:
        left = len(
            session.exec(
                select(Delivery.id).where(
                    Delivery.kind == DeliveryKind.FOLLOW_UP,
                    Delivery.is_reminder.is_(False),  # each sent follow-up plans its reminder, due days later
                    Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.CLAIMED]),
                )
            ).all()
        )
    engine.dispose()
    return left


def test_two_replicas_and_a_tick_send_each_of_2000_once(postgres_url, fake_slack, tmp_path):
    ids = due_follow_ups(postgres_url, DELIVERIES)
    replicas = [RunningBot(postgres_url, fake_slack, tmp_path) for _ in range(2)]
    for replica in replicas:
        replica.environment.update(UNHURRIED)
    try:
        for replica in replicas:
            replica.start()
        ticked = replicas[0].tick(datetime.now(timezone.utc).isoformat(), **FAST)
        assert ticked.returncode == 0, ticked.stderr
        deadline = time.monotonic() + 120
        while outstanding(postgres_url) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        for replica in replicas:
            replica.stop()
    posted = follow_ups_posted(fake_slack)
    duplicates = sum(count - 1 for count in posted.values() if count > 1)
    lost = len(set(map(str, ids)) - set(posted))
    assert (duplicates, lost) == (0, 0)
    assert "handled 0" not in ticked.stdout  # the tick really took part


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
