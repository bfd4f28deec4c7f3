"""The app removed from a tenant (Slack's uninstall), or from one install in it (a Teams team):
nothing more is sent there, what was due waits, and nothing new is planned; installed again
within UNINSTALLED_RETENTION_DAYS it all resumes; after them, housekeeping deletes the groups'
data, and the audit log says so without content."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from bot.model import AuditEntry, Delivery, DeliveryKind, DeliveryStatus, Group, Person, Platform, SendingHold
from tests.core_harness import CoreHarness

COACH, ALICE = "UCOACH", "UALICE"
START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)  # a Monday
ALL_DAY = "hours 00:00-23:59 days mon-sun"
FOLLOW_UP = "Follow-up on advice"
AUDIT = AuditEntry.__tablename__


@pytest.fixture
def harness(database_url):
    made = CoreHarness(database_url, START, {COACH: "UTC", ALICE: "UTC"})
    yield made
    made.close()


def start_group(h: CoreHarness, tenant: str, **where) -> None:
    where = {"tenant_id": tenant, **where}
    assert h.say(COACH, f"setup tz UTC {ALL_DAY}", **where).startswith("This channel is now a supervision group")
    assert h.say(ALICE, "join", **where).startswith("Welcome")
    assert h.say(COACH, f"advice <@{ALICE}> Try a moment of silence after a hard question in 1d", **where)
    assert h.say(ALICE, "outcome C12 ors 19", **where).startswith("Recorded")
    assert h.say(ALICE, "note Silence after a hard question helps", **where)


def follow_ups(h: CoreHarness, tenant: str) -> list:
    return [s for s in h.messenger.to(ALICE, FOLLOW_UP) if s.ref.tenant_id == tenant]


def removed(h: CoreHarness, tenant: str, installation: str | None = None) -> None:
    asyncio.run(h.core.tenant_removed(Platform.SLACK, tenant, installation))


def installed(h: CoreHarness, tenant: str, installation: str | None = None) -> None:
    asyncio.run(h.core.tenant_installed(Platform.SLACK, tenant, installation))


def rows_of_tenant(h: CoreHarness, tenant: str) -> dict[str, int]:
    """How many rows each table holds of the tenant: of its groups, or naming the tenant itself."""
    counts = {}
    with Session(h.engine) as session:
        groups = select(Group.id).where(Group.tenant_id == tenant).scalar_subquery()
        for table in SQLModel.metadata.sorted_tables:
            if "tenant_id" in table.c:
                where = table.c.tenant_id == tenant
            elif "group_id" in table.c:
                where = table.c.group_id.in_(groups)
            else:
                continue
            counts[table.name] = session.scalar(select(func.count()).select_from(table).where(where))
    return counts


def test_after_an_uninstall_nothing_is_sent_to_the_tenant_and_nothing_new_is_planned(harness):
    start_group(harness, "T1")
    start_group(harness, "T2")

    removed(harness, "T1")
    due_when_removed = deliveries_of(harness, "T1")
    assert DeliveryKind.FOLLOW_UP in {kind for _, kind, _, _ in due_when_removed}
    harness.advance_to(START + timedelta(days=9))  # the follow-ups, a digest and a check-in come due

    assert follow_ups(harness, "T2") and not follow_ups(harness, "T1")
    assert {s.ref.tenant_id for s in harness.messenger.sent} == {"T2"}
    assert deliveries_of(harness, "T1") == due_when_removed  # all waiting, unclaimed, and none added
    assert {(status, attempts) for _, _, status, attempts in due_when_removed} == {(DeliveryStatus.PENDING, 0)}


def deliveries_of(h: CoreHarness, tenant: str) -> list[tuple]:
    with Session(h.engine) as session:
        ids = select(Group.id).where(Group.tenant_id == tenant).scalar_subquery()
        rows = session.exec(select(Delivery).where(Delivery.group_id.in_(ids)).order_by(Delivery.key)).scalars()
        return [(d.key, d.kind, d.status, d.attempts) for d in rows]


def test_installed_again_within_the_grace_period_what_waited_is_sent_and_the_rhythm_resumes(harness):
    start_group(harness, "T1")
    removed(harness, "T1")
    harness.advance_to(START + timedelta(days=2))
    assert follow_ups(harness, "T1") == []

    installed(harness, "T1")
    harness.advance_to(START + timedelta(days=9))

    assert len(follow_ups(harness, "T1")) == 1
    assert harness.messenger.to("CGROUP", "Practice digest")  # Friday's digest was planned again
    assert rows_of_tenant(harness, "T1")["member"] == 1


def test_the_tenants_data_is_deleted_after_the_grace_period_and_the_audit_log_says_so(harness):
    start_group(harness, "T1")
    start_group(harness, "T2")
    before = rows_of_tenant(harness, "T1")
    assert all(before[table] > 0 for table in ("member", "advice", "score", "learning_note", "delivery", "person"))
    removed(harness, "T1")

    harness.tick(START + timedelta(days=29))
    assert rows_of_tenant(harness, "T1") == {**before, AUDIT: before[AUDIT] + 1}  # the removal, audited

    harness.tick(START + timedelta(days=31))

    remaining = rows_of_tenant(harness, "T1")
    assert {table: count for table, count in remaining.items() if count} == {AUDIT: 1}
    kept = rows_of_tenant(harness, "T2")  # the other tenant's, still there (and grown by a month's deliveries)
    assert all(kept[table] >= count for table, count in before.items()), kept
    with Session(harness.engine) as session:
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.tenant_id == "T1")).scalars().all()
    assert (entry.actor_id, entry.action, entry.detail, entry.group_id) == (
        "platform",
        "data deleted after the app was removed",
        "1 group(s)",
        None,
    )


def test_removal_is_audited_without_content_and_ends_a_credential_hold(harness):
    start_group(harness, "T1")
    harness.messenger.refused_tenants.add("T1")
    harness.advance_to(START + timedelta(days=1, hours=1))
    with Session(harness.engine) as session:
        assert session.get(SendingHold, (Platform.SLACK, "T1")) is not None

    removed(harness, "T1")

    with Session(harness.engine) as session:
        assert session.get(SendingHold, (Platform.SLACK, "T1")) is None
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "app removed")).scalar_one()
    assert (entry.actor_id, entry.detail) == ("platform", "")


def test_removal_from_one_install_holds_only_the_groups_it_held(harness):
    start_group(harness, "T1", channel="CTEAM_A", installation_id="team-a")
    start_group(harness, "T1", channel="CTEAM_B", installation_id="team-b")

    removed(harness, "T1", "team-a")
    harness.advance_to(START + timedelta(days=2))

    assert [s.ref.tenant_id for s in follow_ups(harness, "T1")] == ["T1"]
    with Session(harness.engine) as session:
        groups = session.exec(select(Group).order_by(Group.channel_id)).scalars().all()
        assert [(g.channel_id, g.removed_at is not None) for g in groups] == [("CTEAM_A", True), ("CTEAM_B", False)]
        assert session.get(Person, (Platform.SLACK, "T1", ALICE)) is not None


def test_a_person_in_a_group_the_purge_spares_keeps_their_record(harness):
    start_group(harness, "T1", channel="CTEAM_A", installation_id="team-a")
    start_group(harness, "T1", channel="CTEAM_B", installation_id="team-b")
    removed(harness, "T1", "team-a")

    harness.tick(START + timedelta(days=31))

    with Session(harness.engine) as session:
        assert [g.channel_id for g in session.exec(select(Group)).scalars()] == ["CTEAM_B"]
        assert session.get(Person, (Platform.SLACK, "T1", ALICE)) is not None


# ----- as Slack tells of it -----


def slack_group_removed(bot) -> bool:
    with Session(bot.harness.engine) as session:
        return session.exec(select(Group.removed_at)).scalar_one() is not None


def test_slacks_uninstall_event_holds_the_workspace(slack, group, bot):
    assert not slack_group_removed(bot)

    assert slack.uninstalled().status == 200

    assert slack_group_removed(bot)


def test_the_bots_token_revoked_holds_the_workspace_and_a_users_alone_does_not(slack, group, bot):
    assert slack.tokens_revoked(bot=False).status == 200
    assert not slack_group_removed(bot)

    assert slack.tokens_revoked(bot=True).status == 200

    assert slack_group_removed(bot)
