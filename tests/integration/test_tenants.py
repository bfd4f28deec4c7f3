"""Every group, person and message belongs to one platform and one tenant: the same ids in
another tenant are someone else, the dispatcher sends through the platform a group belongs
to, a tenant whose credentials are refused holds only its own sending, and what a front-end
needs to reach someone is handed back as it was given."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from bot.grammar import user_token
from bot.messages import Mention
from bot.model import Delivery, DeliveryStatus, Group, Platform, SendingHold
from bot.ports import Recipient
from bot.scheduling.dispatcher import BATCH
from bot.scheduling.retry import PAST_RETRY_AFTER
from bot.services import Caller
from testkit.follow_ups import due_follow_ups
from tests.core_harness import CoreHarness

COACH, ALICE = "UCOACH", "UALICE"
START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)  # a Monday
ALL_DAY = "hours 00:00-23:59 days mon-sun"
FOLLOW_UP = "Follow-up on advice"


@pytest.fixture
def harness(database_url):
    made = CoreHarness(database_url, START, {COACH: "UTC", ALICE: "UTC"}, platforms=(Platform.SLACK, Platform.SHELL))
    yield made
    made.close()


def start_group(h: CoreHarness, **where) -> None:
    assert h.say(COACH, f"setup tz UTC {ALL_DAY}", **where).startswith("This channel is now a supervision group")
    assert h.say(ALICE, "join", **where).startswith("Welcome")
    reply = h.say(COACH, f"advice <@{ALICE}> Try a moment of silence after a hard question in 1d", **where)
    assert reply.startswith("Advice recorded"), reply


def follow_ups(h: CoreHarness, platform: Platform, tenant: str) -> list:
    sent = h.messengers[platform].to(ALICE, FOLLOW_UP)
    return [s for s in sent if s.ref.tenant_id == tenant]


def test_the_same_channel_and_user_ids_in_two_tenants_are_two_groups_and_two_people(harness):
    start_group(harness, tenant_id="T1")
    start_group(harness, tenant_id="T2")
    harness.say(ALICE, "log 30 reviewed a recording", tenant_id="T1")

    assert "30" in harness.say(ALICE, "status", tenant_id="T1")
    assert "30" not in harness.say(ALICE, "status", tenant_id="T2")
    with Session(harness.engine) as session:
        groups = {(g.platform, g.tenant_id, g.channel_id) for g in session.exec(select(Group))}
    assert groups == {(Platform.SLACK, "T1", "CGROUP"), (Platform.SLACK, "T2", "CGROUP")}


def test_each_delivery_goes_through_the_messenger_of_its_groups_platform(harness):
    start_group(harness, platform=Platform.SLACK, tenant_id="T1")
    start_group(harness, platform=Platform.SHELL, tenant_id="shell")

    harness.advance_to(START + timedelta(days=1, hours=1))

    assert len(follow_ups(harness, Platform.SLACK, "T1")) == 1
    assert len(follow_ups(harness, Platform.SHELL, "shell")) == 1
    assert all(s.ref.platform is Platform.SLACK for s in harness.messengers[Platform.SLACK].sent)
    assert all(s.ref.platform is Platform.SHELL for s in harness.messengers[Platform.SHELL].sent)


def test_refused_credentials_hold_only_that_tenant_and_its_deliveries_go_once_they_work(harness):
    start_group(harness, tenant_id="T1")
    start_group(harness, tenant_id="T2")
    slack = harness.messengers[Platform.SLACK]
    slack.refused_tenants.add("T2")

    harness.advance_to(START + timedelta(days=1, hours=1))

    assert len(follow_ups(harness, Platform.SLACK, "T1")) == 1
    assert follow_ups(harness, Platform.SLACK, "T2") == []
    with Session(harness.engine) as session:
        assert [(h.platform, h.tenant_id) for h in session.exec(select(SendingHold))] == [(Platform.SLACK, "T2")]
        waiting = session.exec(select(Delivery).where(Delivery.status == DeliveryStatus.PENDING)).all()
        assert any(d.key.startswith("follow_up") and not d.is_reminder for d in waiting)

    slack.refused_tenants.clear()
    harness.advance_to(START + timedelta(days=1, hours=2))

    assert len(follow_ups(harness, Platform.SLACK, "T2")) == 1
    assert len(follow_ups(harness, Platform.SLACK, "T1")) == 1  # nothing sent twice
    with Session(harness.engine) as session:
        assert session.exec(select(SendingHold)).all() == []


def test_a_429_in_one_tenant_holds_back_only_that_tenants_deliveries_in_the_same_pass(database_url):
    h = CoreHarness(database_url, START, {}, platforms=(Platform.SLACK,))
    try:
        [limited] = due_follow_ups(database_url, 1, tenant_id="T1", channel_id="CONE")  # due first: claimed first
        others = due_follow_ups(database_url, 4 * BATCH, tenant_id="T2", channel_id="CMANY")
        slack = h.messengers[Platform.SLACK]
        slack.rate_limited_tenants["T1"] = 3.0
        now = datetime.now(timezone.utc)

        assert h.tick(now) == 1 + len(others)

        assert sorted(int(s.ref.message_id) for s in slack.sent) == list(range(1, len(others) + 1))
        assert {s.ref.tenant_id for s in slack.sent} == {"T2"}
        with Session(h.engine) as session:
            waiting = session.get(Delivery, limited)
            assert waiting.status is DeliveryStatus.PENDING and waiting.last_error == "ratelimited"
            assert waiting.due_at >= now + timedelta(seconds=3)
    finally:
        h.close()


def test_a_retry_after_counts_from_when_the_platform_answered_not_from_when_the_send_began(database_url):
    began = datetime.now(timezone.utc)
    h = CoreHarness(database_url, began, {}, platforms=(Platform.SLACK,))
    try:
        [limited] = due_follow_ups(database_url, 1, tenant_id="T1", channel_id="CONE")
        slack = h.messengers[Platform.SLACK]
        slack.rate_limited_tenants["T1"] = 3.0
        slack.rate_limit_answered_after = 2.0

        assert asyncio.run(h.core.dispatcher.drain()) == 1

        with Session(h.engine) as session:
            assert session.get(Delivery, limited).due_at == began + timedelta(seconds=2 + 3) + PAST_RETRY_AFTER
    finally:
        h.close()


def test_a_group_of_a_platform_this_process_does_not_serve_keeps_its_deliveries_waiting(database_url):
    both = CoreHarness(database_url, START, {COACH: "UTC", ALICE: "UTC"}, platforms=(Platform.SLACK, Platform.TEAMS))
    start_group(both, platform=Platform.TEAMS, tenant_id="contoso")
    both.close()
    slack_only = CoreHarness(database_url, START, {COACH: "UTC", ALICE: "UTC"})

    slack_only.advance_to(START + timedelta(days=1, hours=1))

    assert slack_only.messenger.sent == []
    with Session(slack_only.engine) as session:
        follow_up = session.exec(select(Delivery).where(Delivery.key.startswith("follow_up"))).one()
    assert (follow_up.status, follow_up.attempts) == (DeliveryStatus.PENDING, 0)
    slack_only.close()


def test_the_address_a_front_end_gave_is_handed_back_untouched(harness):
    opaque = '{"conversation": "a:1Xy", "service_url": "https://smba.example/emea/"}'
    where = {"platform": Platform.SHELL, "tenant_id": "shell"}
    assert harness.say(COACH, f"setup tz UTC {ALL_DAY}", channel_address="channel-address-7", **where)
    assert harness.say(ALICE, "join", address=opaque, **where).startswith("Welcome")
    harness.say(COACH, f"advice <@{ALICE}> Try a moment of silence after a hard question in 1d", **where)

    harness.advance_to(START + timedelta(days=5))  # the follow-up, and Friday's digest

    handed = harness.messengers[Platform.SHELL].recipients
    assert {r.address for r in handed if r.id == ALICE} == {opaque}
    assert {r.address for r in handed if r.id == "CGROUP"} == {"channel-address-7"}


def test_the_display_name_a_platform_told_names_each_mention_in_replies_and_deliveries(database_url):
    h = CoreHarness(database_url, START, {COACH: "UTC", ALICE: "UTC"}, platforms=(Platform.TEAMS,))
    teams = {"platform": Platform.TEAMS}
    try:
        asyncio.run(h.core.user_changed(Recipient(Platform.TEAMS, "T1", COACH), None, "Cora Coach"))
        start_group(h, **teams)
        asyncio.run(h.core.user_changed(Recipient(Platform.TEAMS, "T1", ALICE), None, "Alice Adams"))
        h.advance_to(START + timedelta(days=2))
        [follow_up] = h.messenger.to(ALICE, FOLLOW_UP)
        assert Mention(COACH, "Cora Coach") in follow_up.message.sections[0].lines[0]
        reply = asyncio.run(h.core.command(Caller(Platform.TEAMS, "T1", COACH, "CGROUP"), f"coach {user_token(ALICE)}"))
        assert reply.reply is not None and Mention(ALICE, "Alice Adams") in reply.reply.sections[0].lines[0]
    finally:
        h.close()
