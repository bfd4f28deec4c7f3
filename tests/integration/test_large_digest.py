"""A large group's digest as it is posted: a summary in the channel, and its detail in that
post's thread, on Slack (thread replies) and on Teams (replies in the channel post's thread).
The group's weeks of history are seeded straight into the tables (testkit/history.py); its
coach posts the digest through each front-end, whose real messenger posts it to the fake
platform on loopback. Each request returns once what it set going has finished."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import Session

from bot.model import Group, Platform
from testkit.history import seeded_group
from testkit.slack_api import TEAM_ID
from testkit.slack_driver import blocks_text
from testkit.teams_driver import TENANT_ID, Member, TeamsDriver, card_of, card_text, posts_to
from tests.conftest import on_one_database
from tests.teams_steps import roster_entry

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests

THERAPISTS = 300
WEEKS = 3
SUMMARY = "At a glance"
DETAIL = "Each therapist's week"


def a_large_group(engine, platform: Platform, tenant_id: str, channel_id: str) -> Group:
    with Session(engine, expire_on_commit=False) as session:
        group = seeded_group(
            session, channel_id, THERAPISTS, WEEKS, datetime.now(timezone.utc), platform=platform, tenant_id=tenant_id
        )
        session.commit()
    return group


def therapist_ids(group: Group) -> list[str]:
    return [f"{group.channel_id}-U{number:04d}" for number in range(THERAPISTS)]


def test_on_slack_the_summary_is_posted_in_the_channel_and_its_detail_in_its_thread(bot, slack, fake_slack):
    group = a_large_group(bot.harness.engine, Platform.SLACK, TEAM_ID, "CLARGE")
    fake_slack.add_user(group.coach_id, "Europe/London")

    assert slack.say(group.coach_id, group.channel_id, "digest post").startswith("Posting the digest")

    first, *replies = fake_slack.calls_to("chat.postMessage", channel=group.channel_id)
    summary = blocks_text(first.args["blocks"])
    assert "thread_ts" not in first.args and SUMMARY in summary and DETAIL not in summary
    assert len(replies) >= 2  # how densely they are packed: tests/unit/test_digest_render.py
    assert {call.args["thread_ts"] for call in replies} == {first.answer["ts"]}
    detail = "\n".join(blocks_text(call.args["blocks"]) for call in replies)
    assert DETAIL in detail and SUMMARY not in detail
    assert all(f"<@{therapist}>:" in detail for therapist in therapist_ids(group))


def test_on_teams_the_summary_is_posted_in_the_channel_and_its_detail_in_its_thread(teams_bot, microsoft):
    channel = "19:large-group@thread.tacv2"
    teams = TeamsDriver(teams_bot.transport, microsoft, channel_id=channel)
    group = a_large_group(teams_bot.engine, Platform.TEAMS, TENANT_ID, channel)
    coach = Member(group.coach_id, "Cora Coach", "Europe/Berlin")
    therapists = [
        Member(user, f"Therapist {number}", "Europe/Berlin") for number, user in enumerate(therapist_ids(group))
    ]
    microsoft.members[channel] = [roster_entry(member) for member in (coach, *therapists)]

    assert teams.in_channel(coach, "practice digest post").status == 200

    first, *replies = [call for call in posts_to(microsoft, channel) if call.args.get("attachments")]
    summary = card_text(card_of(first.args))
    assert first.args["conversation_id"] == channel and SUMMARY in summary and DETAIL not in summary
    assert len(replies) >= 2
    assert {call.args["conversation_id"] for call in replies} == {f"{channel};messageid={first.answer['id']}"}
    detail = "\n".join(card_text(card_of(call.args)) for call in replies)
    assert DETAIL in detail and SUMMARY not in detail
    assert all(f"**{therapist.name}**:" in detail for therapist in therapists)
