"""Roles and data rights: handing the coach role over, who reads learning notes, deleting
one's data, and the audit log that records it all without content."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from sqlmodel import Session, select

from bot.model import AuditEntry, Delivery, Member, Objective, RecordingReview
from testkit.database import engine_for
from testkit.slack_driver import blocks_text, buttons, number_input, state, text_input
from testkit.slack_driver import select as select_input
from tests.steps import dms_with, next_weekday, weekday_at

ALICE, BOB, COACH = "UALICE", "UBOB", "UCOACH"


def rows(bot, model, **matching) -> list:
    engine = engine_for(bot.environment["DATABASE_URL"])
    with Session(engine) as session:
        query = select(model)
        for name, value in matching.items():
            query = query.where(getattr(model, name) == value)
        found = list(session.exec(query))
    engine.dispose()
    return found


def test_the_coach_hands_the_role_over_and_it_is_audited(bot, group):
    assert "<@UBOB> is now this group's coach." in group.say(COACH, "coach <@UBOB|bob>")
    assert "Practice digest" in group.say(BOB, "digest preview")
    assert "Only this group's coach (<@UBOB>)" in group.say(COACH, "digest preview")
    [entry] = rows(bot, AuditEntry, action="coach role handed over")
    assert (entry.actor_id, entry.detail) == (COACH, "from UCOACH to UBOB")


def test_a_workspace_admin_may_hand_the_role_over_and_nobody_else(bot, group, fake_slack):
    assert "Only the coach or a workspace admin can hand" in group.say(ALICE, "coach <@UALICE>")
    fake_slack.admins.add("UADMIN")
    fake_slack.add_user("UADMIN", "Europe/London")
    assert "<@UALICE> is now this group's coach." in group.say("UADMIN", "coach <@UALICE>")


def test_group_actions_are_audited(bot, group):
    group.say(COACH, "setup digest thu 16:00")
    group.say(COACH, "holiday 2026-12-24..2026-12-26")
    group.say(COACH, "digest post")
    actions = [entry.action for entry in rows(bot, AuditEntry)]
    assert actions[:4] == ["group set up", "group settings changed", "holiday added", "digest posted now"]


def answer_check_in(group, fake_slack, therapist: str, learned: str) -> None:
    [check_in] = dms_with(fake_slack, therapist, "check_in")
    dm = "D" + therapist[1:]
    before = len(fake_slack.calls_to("views.open"))
    group.slack.click(therapist, {**check_in, "channel": dm}, "check_in")
    form = fake_slack.wait_for("views.open", before + 1)[-1].args["view"]
    group.slack.submit(
        therapist, form, state(progress=select_input("4"), minutes=number_input(30), learned=text_input(learned))
    )
    fake_slack.wait_for("chat.update", channel=dm)


def test_learning_notes_reach_the_channel_only_from_therapists_who_share_them(bot, group, fake_slack):
    monday = next_weekday(0, 16)  # Alice's check-in in New York; Bob's waits for Sydney's morning
    bot.tick(monday.isoformat())
    bot.tick((monday + timedelta(hours=7)).isoformat())
    answer_check_in(group, fake_slack, ALICE, "Silence invites the client in")
    answer_check_in(group, fake_slack, BOB, "Pacing matters more than content")
    assert "in the group's channel digest" in group.say(ALICE, "notes channel")

    preview = group.say(COACH, "digest preview")
    assert "Silence invites" in preview and "Pacing matters" in preview  # the coach reads every note
    posts_before = len(fake_slack.calls_to("chat.postMessage", channel="CGROUP"))
    group.say(COACH, "digest post")
    posted = fake_slack.wait_for("chat.postMessage", posts_before + 1, channel="CGROUP")[-1]
    assert "Silence invites" in blocks_text(posted.args["blocks"])
    assert "Pacing matters" not in blocks_text(posted.args["blocks"])


def test_forget_asks_first_then_deletes_everything_including_what_was_still_to_come(bot, group, fake_slack):
    group.say(ALICE, "objective Hold silences longer")
    group.say(COACH, "advice <@UALICE> Name the rupture in 3d")
    group.say(ALICE, "log 20 watched a recording")
    group.say(COACH, "recording <@UALICE> client C12")
    group.say(COACH, "recording <@UBOB>")
    http, name = group.slack.command(ALICE, group.channel, "forget")
    [confirm] = group.slack.replies(name)
    assert "cannot be undone" in blocks_text(confirm["blocks"]) and buttons(confirm["blocks"]) == ["forget:confirm"]
    assert rows(bot, Objective, user_id=ALICE)  # nothing deleted before confirming

    _, done = group.slack.click(ALICE, {**confirm, "channel": group.channel}, "forget:confirm")
    assert "all your data here is deleted" in blocks_text(group.slack.replies(done)[0]["blocks"])
    assert rows(bot, Objective, user_id=ALICE) == [] and rows(bot, Member, user_id=ALICE) == []
    assert rows(bot, Delivery, recipient_id=ALICE) == []
    assert [review.therapist_id for review in rows(bot, RecordingReview)] == ["UBOB"]
    bot.tick(weekday_at(10, 16))
    assert dms_with(fake_slack, ALICE, "follow_up:applied") == []
    [entry] = rows(bot, AuditEntry, action="own data deleted")
    assert (entry.actor_id, entry.detail) == (ALICE, "")


def test_a_coach_must_hand_over_before_forgetting(group):
    assert "hand the role to someone else first" in group.say(COACH, "forget")


def test_export_sends_my_data_as_json_and_csv_and_nobody_elses(bot, group, fake_slack):
    group.say(ALICE, "objective Hold silences longer")
    group.say(ALICE, "outcome C12 ors 19")
    group.say(BOB, "objective Bob's own objective")
    reply = group.say(ALICE, "export")
    assert "I'm sending you your data in a direct message" in reply

    [completed] = fake_slack.wait_for("files.completeUploadExternal", channel_id="DALICE")
    assert completed.args["channel_id"] == "DALICE"
    uploaded = {item["title"]: fake_slack.uploads[item["id"]] for item in completed.args["files"]}
    exported = json.loads(uploaded["supervision-bot-export.json"])["records"]
    assert {"person", "membership", "objective", "score"} <= {record["record"] for record in exported}
    assert any(record.get("text") == "Hold silences longer" for record in exported)
    assert "Bob" not in uploaded["supervision-bot-export.json"].decode()
    rows = list(csv.DictReader(io.StringIO(uploaded["supervision-bot-export.csv"].decode())))
    [score] = [row for row in rows if row["record"] == "score"]
    assert {"client_code": "C12", "kind": "ors", "value": "19", "group_channel": "CGROUP"}.items() <= score.items()
    assert rows_of_action(bot, "own data exported") == [(ALICE, f"{len(exported)} records")]


def rows_of_action(bot, action: str) -> list[tuple[str, str]]:
    return [(entry.actor_id, entry.detail) for entry in rows(bot, AuditEntry, action=action)]
