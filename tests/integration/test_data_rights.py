"""The export holds everything stored about the caller, and nothing about anyone else."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import datetime, timedelta, timezone

from slack_sdk.oauth.installation_store import Installation
from sqlmodel import SQLModel

from bot.model import Platform
from bot.ports import Recipient
from bot.services import Caller
from bot.services.rights import FORGET_CONFIRM, HOLDS_NOTHING_ABOUT_A_PERSON, KEPT_BY_FRONT_ENDS, exported_tables
from handlers.slack.installs import Installations
from tests.core_harness import TEAM, CoreHarness, plain_reply

START = datetime(2026, 6, 1, 10, tzinfo=timezone.utc)  # a Monday
COACH, ALICE, BOB = "UCOACH", "UALICE", "UBOB"
ZONES = {COACH: "Europe/Paris", ALICE: "Europe/Paris", BOB: "Europe/Paris"}


def test_every_table_is_exported_or_holds_nothing_about_a_person():
    exported = {table.__tablename__ for table in exported_tables(Recipient(Platform.SLACK, TEAM, ALICE))}
    exported |= {kept.table.name for kept in KEPT_BY_FRONT_ENDS}
    nothing = set(HOLDS_NOTHING_ABOUT_A_PERSON)
    tables = set(SQLModel.metadata.tables)  # the core's and the front-ends' (Slack's installations)
    assert "slack_installations" in tables and not exported & nothing
    assert exported | nothing == tables


def test_the_export_holds_the_slack_installation_its_caller_made_without_its_tokens(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    try:
        harness.say(COACH, "setup")
        for installer, team in ((ALICE, TEAM), (BOB, TEAM), (ALICE, "TOTHER")):
            installed = Installation(
                app_id="AFAKE",
                team_id=team,
                user_id=installer,
                bot_token="xoxb-secret",
                bot_id="B1",
                bot_user_id="UBOT",
            )
            asyncio.run(Installations(harness.engine, "1111.2222").async_save(installed))

        records, rows = _export(harness, ALICE)

        [mine] = [r for r in records if r["record"] == "installation of the app"]
        assert (mine["team_id"], mine["user_id"], mine["bot_user_id"]) == (TEAM, ALICE, "UBOT")
        assert "xoxb-secret" not in json.dumps(records) and "bot_token" not in mine
        assert "installation of the app" in {row["record"] for row in rows}
    finally:
        harness.close()


def test_forget_keeps_the_workspaces_installation_without_its_installer(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    try:
        harness.say(COACH, "setup")
        harness.say(ALICE, "join")
        installations = Installations(harness.engine, "1111.2222")
        for installer, team in ((ALICE, TEAM), (BOB, "TOTHER")):
            installed = Installation(
                app_id="AFAKE",
                team_id=team,
                user_id=installer,
                user_token=f"xoxp-{installer}",
                bot_token=f"xoxb-{team}",
                bot_id="B1",
                bot_user_id="UBOT",
            )
            asyncio.run(installations.async_save(installed))
        assert [r["user_id"] for r in _export(harness, ALICE)[0] if r["record"] == "installation of the app"] == [ALICE]

        assert "cannot be undone" in harness.say(ALICE, "forget")
        done = asyncio.run(harness.core.press(Caller(Platform.SLACK, TEAM, ALICE), FORGET_CONFIRM, "confirm"))
        assert plain_reply(done).startswith("Done: all your data here is deleted.")

        assert [r for r in _export(harness, ALICE)[0] if r["record"] == "installation of the app"] == []
        ours = asyncio.run(installations.async_find_installation(enterprise_id=None, team_id=TEAM))
        assert (ours.user_id, ours.user_token, ours.bot_token) == ("", None, f"xoxb-{TEAM}")
        assert asyncio.run(installations.async_find_bot(enterprise_id=None, team_id=TEAM)).bot_token == f"xoxb-{TEAM}"
        theirs = asyncio.run(installations.async_find_installation(enterprise_id=None, team_id="TOTHER"))
        assert (theirs.user_id, theirs.user_token) == (BOB, "xoxp-UBOB")
    finally:
        harness.close()


def _answer_check_in(harness: CoreHarness, user: str) -> None:
    [check_in] = harness.messenger.to(user, "Your weekly practice check-in")
    [button] = check_in.message.buttons
    answers = {"progress": "4", "minutes": "30", "learned": "Silence invites the client in"}
    result = asyncio.run(
        harness.core.submit(Caller(Platform.SLACK, TEAM, user), "check_in", {"delivery_id": button.value}, answers)
    )
    assert not result.errors, result.errors


def _answer_the_meeting_messages(harness: CoreHarness, user: str) -> None:
    for summary, form, answers in (
        ("What do you want from the next meeting", "meeting_prep", {"kind": "skill", "text": "Holding silence"}),
        ("How useful was the supervision", "meeting_feedback", {"usefulness": "7", "suggestion": "More role-play"}),
    ):
        [asked] = harness.messenger.to(user, summary)
        context = {"delivery_id": asked.message.buttons[0].value}
        result = asyncio.run(harness.core.submit(Caller(Platform.SLACK, TEAM, user), form, context, answers))
        assert not result.errors, result.errors


def _refine_the_returned_note(harness: CoreHarness, user: str) -> None:
    [returned] = harness.messenger.to(user, "A learning note comes back")
    refine = {"delivery_id": returned.message.buttons[0].value, "note_id": ""}
    refine["note_id"] = asyncio.run(
        harness.core.press(Caller(Platform.SLACK, TEAM, user), "resurface:refine", refine["delivery_id"])
    ).form.context["note_id"]
    result = asyncio.run(
        harness.core.submit(
            Caller(Platform.SLACK, TEAM, user), "note_refine", refine, {"note": "Silence invites the client to go on"}
        )
    )
    assert not result.errors, result.errors


def _export(harness: CoreHarness, user: str) -> tuple[list[dict], list[dict]]:
    assert "I'm sending you your data" in harness.say(user, "export")
    to, files = harness.messenger.files[-1]
    assert to == user
    uploaded = dict(files)
    as_json = json.loads(uploaded["supervision-bot-export.json"])["records"]
    as_csv = list(csv.DictReader(io.StringIO(uploaded["supervision-bot-export.csv"].decode())))
    return as_json, as_csv


def test_the_export_holds_a_record_from_every_table_about_the_caller_and_nothing_about_others(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    try:
        harness.say(COACH, "setup")
        harness.say(COACH, "setup meeting wed 10:00")
        for therapist in (ALICE, BOB):
            harness.say(therapist, "join")
            harness.say(therapist, f"log 20 practice of {therapist.lower()}")
        harness.say(ALICE, "objective Hold silences longer")
        harness.say(COACH, "advice <@UALICE> Name the rupture out loud client C12 in 14d")
        harness.say(ALICE, "advice <@UALICE> Try a pause after hard questions")
        harness.say(ALICE, "outcome C12 ors 19")
        harness.advance_to(START + timedelta(days=7, hours=2))
        _answer_check_in(harness, ALICE)
        _answer_the_meeting_messages(harness, ALICE)
        harness.advance_to(START + timedelta(days=10, hours=2))
        _refine_the_returned_note(harness, ALICE)
        harness.say(ALICE, "setup", channel="CSECOND")  # coaches a group, and sets it up (audited)
        harness.say(BOB, "join", channel="CSECOND")
        harness.say(ALICE, "advice <@UBOB> Slow down", channel="CSECOND")
        harness.say(COACH, "recording <@UALICE> client C12 steady pacing")
        harness.say(COACH, "recording <@UBOB>")  # about someone else, by someone else
        harness.say(ALICE, "recording <@UBOB>", channel="CSECOND")  # by her, as its coach
        harness.say(COACH, "coach <@UBOB>")  # an audit entry about someone else
        harness.say(ALICE, "log 15 called John Smith's mother")  # flagged: waits for "save anyway"

        records, rows = _export(harness, ALICE)

        expected = {record for record, _query in exported_tables(Recipient(Platform.SLACK, TEAM, ALICE)).values()}
        assert {record["record"] for record in records} == expected
        assert {row["record"] for row in rows} == expected
        assert "of ualice" in json.dumps(records) and "of ubob" not in json.dumps(records)
        assert [(r["therapist_id"], r["given_by"]) for r in records if r["record"] == "advice"] == [
            (ALICE, COACH),
            (ALICE, ALICE),
            (BOB, ALICE),
        ]
        reviewed = [(r["therapist_id"], r["coach_id"]) for r in records if r["record"] == "session recording reviewed"]
        assert reviewed == [(ALICE, COACH), (BOB, ALICE)]
        assert {r["action"] for r in records if r["record"] == "audit"} == {"group set up"}
        assert {r["group_channel"] for r in records if r["record"] == "group you coach"} == {"CSECOND"}
    finally:
        harness.close()


def test_an_audit_entry_naming_the_caller_as_its_subject_is_exported(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    try:
        harness.say(COACH, "setup")
        harness.say(ALICE, "join")
        harness.say(COACH, "coach <@UALICE>")

        records, _rows = _export(harness, ALICE)

        [handed_over] = [r for r in records if r["record"] == "audit"]
        assert (handed_over["actor_id"], handed_over["detail"]) == (COACH, "from UCOACH to UALICE")
    finally:
        harness.close()


def test_the_export_holds_every_client_record_and_score_with_decimals_sessions_and_intake(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    try:
        harness.say(COACH, "setup")
        harness.say(COACH, "setup meeting wed 10:00")
        for therapist in (ALICE, BOB):
            harness.say(therapist, "join")
        harness.say(ALICE, "outcome C12 ors 18.5 session 1 intake")
        harness.say(ALICE, "outcome C12 srs 35.9 session 1")
        harness.say(ALICE, "client C7 band child")
        harness.say(ALICE, "client C7 close")
        harness.say(BOB, "outcome C99 ors 30")

        records, rows = _export(harness, ALICE)

        clients = sorted((r["code"], r["band"], r["closed_at"] is not None) for r in records if r["record"] == "client")
        assert clients == [("C12", "adult", False), ("C7", "child", True)]
        scores = [
            (r["client_code"], r["kind"], r["value"], r["session"], r["intake"])
            for r in records
            if r["record"] == "score"
        ]
        assert scores == [("C12", "ors", "18.5", 1, True), ("C12", "srs", "35.9", 1, False)]
        assert sorted(row["value"] for row in rows if row["record"] == "score") == ["18.5", "35.9"]
    finally:
        harness.close()
