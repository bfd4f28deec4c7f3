"""Many follow-ups due at once, and how often each was posted: for the tests of crashes and
replicas, and for the dispatch benchmark."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from datetime import time as clock_time

from bot.model import Advice, Delivery, DeliveryKind, Group, Member, Person, Platform
from bot.scheduling import keys
from bot.storage import transaction, upgrade
from testkit.database import engine_for
from testkit.slack_driver import buttons


def follow_ups_posted(fake) -> Counter:
    """How often each follow-up (by the delivery id its buttons carry) was posted."""
    posted = Counter()
    for call in fake.calls_to("chat.postMessage"):
        blocks = call.args.get("blocks", [])
        if "follow_up:applied" in buttons(blocks):
            value = next(e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"])
            posted[value] += 1
    return posted


def due_follow_ups(database_url: str, count: int, tenant_id: str = "T0FAKE", channel_id: str = "CBIG") -> list[int]:
    """`count` follow-ups due a minute ago, each to its own therapist, in a Slack group (of
    `tenant_id`, in `channel_id`) that may be messaged at any hour; their delivery ids."""
    engine = engine_for(database_url)
    upgrade(engine)
    now = datetime.now(timezone.utc)
    with transaction(engine) as session:
        group = Group(
            platform=Platform.SLACK,
            tenant_id=tenant_id,
            channel_id=channel_id,
            coach_id="UCOACH",
            timezone="UTC",
            created_at=now,
            rhythm_from=now + timedelta(days=7),
            workday_start=clock_time(0),
            workday_end=clock_time(23, 59),
            workdays="0123456",
        )
        session.add(group)
        session.flush()
        users = [f"UR{number:05d}" for number in range(count)]
        session.add_all(
            Person(platform=Platform.SLACK, tenant_id=tenant_id, user_id=user, timezone="UTC", refreshed_at=now)
            for user in users
        )
        session.add_all(Member(group_id=group.id, user_id=user, joined_at=now) for user in users)
        advice = [
            Advice(group_id=group.id, therapist_id=user, given_by="UCOACH", text=f"Advice {user}", created_at=now)
            for user in users
        ]
        session.add_all(advice)
        session.flush()
        deliveries = [
            Delivery(
                key=keys.follow_up(item.id, now - timedelta(minutes=1)),
                kind=DeliveryKind.FOLLOW_UP,
                group_id=group.id,
                recipient_id=item.therapist_id,
                subject_id=item.id,
                due_at=now - timedelta(minutes=1),
            )
            for item in advice
        ]
        session.add_all(deliveries)
        session.flush()
        ids = [delivery.id for delivery in deliveries]
    engine.dispose()
    return ids
