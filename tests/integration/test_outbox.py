"""The delivery outbox against real databases: scheduling, leases, completion, concurrency."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlmodel import Session

from bot.model import Delivery, DeliveryKind, DeliveryStatus, Group, Platform
from bot.scheduling.keys import REMINDER_SUFFIX
from bot.scheduling.outbox import claim_due, finish, occurrence_messages, schedule, take_back_expired
from bot.storage import transaction

NOW = datetime(2024, 3, 4, 9, 0, tzinfo=timezone.utc)
LEASE = timedelta(minutes=5)


@pytest.fixture
def group_id(engine) -> int:
    with transaction(engine) as session:
        group = Group(
            platform=Platform.SLACK,
            tenant_id="T1",
            channel_id="C1",
            coach_id="U0",
            timezone="Europe/Berlin",
            created_at=NOW,
            rhythm_from=NOW,
        )
        session.add(group)
        session.flush()
        return group.id


@pytest.fixture
def add(engine, group_id):
    """Schedule deliveries in one transaction: add(key, due_at, **fields)."""

    def add(key: str, due_at: datetime = NOW, **fields) -> None:
        with transaction(engine) as session:
            schedule(
                session,
                Delivery(
                    key=key, kind=DeliveryKind.CHECK_IN, group_id=group_id, recipient_id="U1", due_at=due_at, **fields
                ),
            )

    return add


def claim(engine, now: datetime = NOW, limit: int = 10, lease: timedelta = LEASE) -> tuple[str, list[Delivery]]:
    with transaction(engine) as session:
        return claim_due(session, now, lease, limit, [Platform.SLACK])


def finish_as(engine, delivery_id: int, token: str, **values) -> bool:
    with transaction(engine) as session:
        return finish(session, delivery_id, token, **values)


def row(engine, key: str) -> Delivery:
    with Session(engine) as session:
        return session.scalars(select(Delivery).where(Delivery.key == key)).one()


def sent(channel: str = "D1", ts: str = "1.0") -> dict:
    return {"status": DeliveryStatus.SENT, "sent_at": NOW, "message_channel": channel, "message_id": ts}


def test_scheduling_the_same_key_twice_keeps_the_first_row(engine, add):
    add("checkin:1:2024-W10:U1", due_at=NOW)
    add("checkin:1:2024-W10:U1", due_at=NOW + timedelta(hours=1))

    with Session(engine) as session:
        rows = session.scalars(select(Delivery)).all()
    assert len(rows) == 1
    assert rows[0].due_at == NOW


def test_claim_takes_only_pending_rows_due_by_now_in_due_order_up_to_the_limit(engine, add):
    add("c", due_at=NOW - timedelta(hours=1))
    add("future", due_at=NOW + timedelta(seconds=1))
    add("a", due_at=NOW - timedelta(hours=3))
    add("already-sent", due_at=NOW - timedelta(hours=5), status=DeliveryStatus.SENT)
    add("exactly-now", due_at=NOW)
    add("b", due_at=NOW - timedelta(hours=2))

    token, claimed = claim(engine, limit=3)

    assert [d.key for d in claimed] == ["a", "b", "c"]
    for delivery in claimed:
        stored = row(engine, delivery.key)
        assert stored.status is DeliveryStatus.CLAIMED
        assert stored.lease_token == token
        assert stored.lease_expires_at == NOW + LEASE
        assert stored.attempts == 1
    assert [(d.status, d.lease_token, d.attempts) for d in claimed] == [(DeliveryStatus.CLAIMED, token, 1)] * 3
    assert row(engine, "exactly-now").status is DeliveryStatus.PENDING
    assert row(engine, "future").status is DeliveryStatus.PENDING
    assert row(engine, "already-sent").status is DeliveryStatus.SENT


def test_claim_includes_a_row_due_exactly_now_and_no_later_one(engine, add):
    add("exactly-now", due_at=NOW)
    add("one-second-later", due_at=NOW + timedelta(seconds=1))

    _, claimed = claim(engine)

    assert [d.key for d in claimed] == ["exactly-now"]


def test_claim_works_with_now_given_in_another_zone(engine, add):
    add("due", due_at=NOW - timedelta(minutes=1))
    add("not-yet", due_at=NOW + timedelta(minutes=1))

    _, claimed = claim(engine, now=NOW.astimezone(timezone(timedelta(hours=-7))))

    assert [d.key for d in claimed] == ["due"]
    assert claimed[0].lease_expires_at == NOW + LEASE


def test_a_second_claim_gets_nothing_the_first_holds(engine, add):
    for key in ("a", "b", "c"):
        add(key, due_at=NOW - timedelta(minutes=1))

    first_token, first = claim(engine, limit=2)
    second_token, second = claim(engine, limit=10)
    third_token, third = claim(engine, limit=10)

    assert [d.key for d in first] == ["a", "b"]
    assert [d.key for d in second] == ["c"]
    assert third == []
    assert len({first_token, second_token, third_token}) == 3
    assert row(engine, "a").lease_token == first_token


def test_finish_with_the_lease_token_succeeds_once(engine, add):
    add("k")
    token, [delivery] = claim(engine)

    assert finish_as(engine, delivery.id, token, **sent(ts="1.0")) is True
    assert finish_as(engine, delivery.id, token, **sent(ts="2.0")) is False

    stored = row(engine, "k")
    assert stored.status is DeliveryStatus.SENT
    assert stored.message_id == "1.0"
    assert (stored.lease_token, stored.lease_expires_at) == (None, None)


def test_finish_with_a_wrong_token_changes_nothing(engine, add):
    add("k")
    token, [delivery] = claim(engine)

    assert finish_as(engine, delivery.id, "not-the-token", **sent()) is False

    stored = row(engine, "k")
    assert stored.status is DeliveryStatus.CLAIMED
    assert stored.lease_token == token
    assert stored.message_id is None


def test_take_back_leaves_a_lease_that_has_not_run_out(engine, add):
    add("k")
    token, _ = claim(engine)

    with transaction(engine) as session:
        assert take_back_expired(session, NOW + LEASE - timedelta(seconds=1)) == 0

    assert row(engine, "k").status is DeliveryStatus.CLAIMED
    assert row(engine, "k").lease_token == token


def test_taken_back_row_is_pending_again_and_the_old_token_cannot_finish_it(engine, add):
    add("k")
    add("unclaimed", due_at=NOW + timedelta(days=1))
    old_token, [delivery] = claim(engine)

    with transaction(engine) as session:
        assert take_back_expired(session, NOW + LEASE + timedelta(seconds=1)) == 1

    stored = row(engine, "k")
    assert stored.status is DeliveryStatus.PENDING
    assert (stored.lease_token, stored.lease_expires_at) == (None, None)
    assert finish_as(engine, delivery.id, old_token, **sent()) is False
    assert row(engine, "k").status is DeliveryStatus.PENDING


def test_a_stalled_worker_cannot_overwrite_the_result_of_the_worker_that_took_over(engine, add):
    add("k")
    old_token, [delivery] = claim(engine)
    later = NOW + LEASE + timedelta(minutes=1)
    with transaction(engine) as session:
        take_back_expired(session, later)
    new_token, [again] = claim(engine, now=later)

    assert new_token != old_token
    assert again.attempts == 2
    assert finish_as(engine, delivery.id, old_token, **sent(ts="stale")) is False
    assert finish_as(engine, delivery.id, new_token, **sent(ts="fresh")) is True
    assert finish_as(engine, delivery.id, old_token, status=DeliveryStatus.DEAD, last_error="late") is False

    stored = row(engine, "k")
    assert (stored.status, stored.message_id, stored.last_error) == (DeliveryStatus.SENT, "fresh", None)


def test_occurrence_messages_are_the_sent_original_and_its_reminder(engine, add):
    root = "checkin:1:2024-W10:U1"
    add(root, status=DeliveryStatus.SENT, message_id="1.0")
    add(root + REMINDER_SUFFIX, is_reminder=True, status=DeliveryStatus.SENT, message_id="2.0")
    add("checkin:1:2024-W11:U1", status=DeliveryStatus.SENT, message_id="3.0")
    add("checkin:1:2024-W10:U2", status=DeliveryStatus.SENT, message_id="4.0")

    with Session(engine) as session:
        from_original = sorted(d.message_id for d in occurrence_messages(session, root))
        from_reminder = sorted(d.message_id for d in occurrence_messages(session, root + REMINDER_SUFFIX))

    assert from_original == ["1.0", "2.0"]
    assert from_reminder == ["1.0", "2.0"]


def test_occurrence_messages_leave_out_what_was_not_sent(engine, add):
    root = "checkin:1:2024-W10:U1"
    add(root, status=DeliveryStatus.SENT, message_id="1.0")
    add(root + REMINDER_SUFFIX, is_reminder=True)

    with Session(engine) as session:
        messages = occurrence_messages(session, root)

    assert [d.message_id for d in messages] == ["1.0"]


def test_concurrent_workers_claim_every_due_row_exactly_once(engine, group_id):
    with transaction(engine) as session:
        for number in range(300):
            schedule(
                session,
                Delivery(
                    key=f"k{number}",
                    kind=DeliveryKind.CHECK_IN,
                    group_id=group_id,
                    due_at=NOW - timedelta(seconds=number % 17),
                ),
            )
    workers = 4
    start = threading.Barrier(workers)
    claimed: list[list[tuple[int, str, str]]] = [[] for _ in range(workers)]
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            start.wait()
            while True:
                token, batch = claim(engine, limit=10)
                if not batch:
                    return
                assert len(batch) <= 10
                claimed[number].extend((d.id, d.lease_token, token) for d in batch)
        except BaseException as error:  # reported below: a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    ids = [delivery_id for batch in claimed for delivery_id, _, _ in batch]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    with Session(engine) as session:
        all_ids = set(session.scalars(select(Delivery.id)).all())
        attempts = Counter(session.scalars(select(Delivery.attempts)).all())
        statuses = Counter(session.scalars(select(Delivery.status)).all())
    assert set(ids) == all_ids and len(all_ids) == 300
    assert all(row_token == token for batch in claimed for _, row_token, token in batch)
    assert attempts == {1: 300}
    assert statuses == {DeliveryStatus.CLAIMED: 300}
