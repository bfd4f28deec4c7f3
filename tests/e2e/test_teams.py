"""Teams over HTTP against the real server: Microsoft's side is the fake on loopback (tokens,
keys, Entra ID and the Bot Connector), the requests are signed as the Bot Framework signs them."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from bot.model import DeliveryStatus, Group, Person
from testkit.database import engine_for, follow_up
from testkit.slack_driver import SlackDriver, blocks_text
from testkit.teams_driver import (
    CHANNEL_ID,
    TEAM_ID,
    TENANT_ID,
    Member,
    TeamsDriver,
    buttons,
    card_of,
    card_text,
    cards_to,
    dialog_card,
    over_http,
    posted_for,
    posts_to,
    submission,
)
from tests.conftest import BEST_SHARED, RunningBot, on_one_database
from tests.steps import dms_with, retries_undisturbed, weekday_at

# Teams' whole loop on PostgreSQL where the tests have it; Slack's on SQLite (test_practice_loop.py).
pytestmark = on_one_database(BEST_SHARED)

COACH = Member("29:coach", "Cora Coach", "Europe/Berlin")
ALICE = Member("29:alice", "Alice Adams", "America/New_York")
BOB = Member("29:bob", "Bob Brown", "America/Chicago")
OUTSIDER_TENANT = "0badbad0-0000-4000-8000-000000000000"


@pytest.fixture
def teams_bot(database_url, fake_slack, fake_microsoft, tmp_path):
    running = RunningBot(database_url, fake_slack, tmp_path, fake_microsoft).start()
    yield running
    running.stop()
    assert "Traceback" not in running.output(), running.output()


@pytest.fixture
def teams(teams_bot, fake_microsoft) -> TeamsDriver:
    fake_microsoft.members[CHANNEL_ID] = [{"id": member.id, "name": member.name} for member in (COACH, ALICE, BOB)]
    return TeamsDriver(over_http(teams_bot.url), fake_microsoft)


def said(teams: TeamsDriver, member: Member, text: str, mentions: list[Member] | None = None) -> str:
    """`text` typed in the channel; what the member was told in their chat, once the channel was
    shown that they were answered privately: the last the bot does for a command typed there."""
    fake = teams.microsoft
    cards_before, notices_before = len(cards_to(fake, member)), len(fake.calls_to("activities.create", is_notice))
    assert teams.in_channel(member, text, mentions or []).status == 200
    fake.wait_for("activities.create", notices_before + 1, where=is_notice)
    return "\n\n".join(card_text(card) for card in cards_to(fake, member)[cards_before:])


def is_notice(args: dict) -> bool:
    return args["conversation_id"].startswith(CHANNEL_ID) and args.get("text") == "I've replied to you privately."


def told_in_chat(teams: TeamsDriver, member: Member, text: str) -> dict:
    """The card the bot answers `text` typed in the member's 1:1 chat with."""
    [reply] = posted_for(teams.microsoft, member.chat_id, lambda: teams.in_chat(member, text))
    return card_of(reply.args)


def rows(database_url: str, table) -> list:
    engine = engine_for(database_url)
    with Session(engine) as session:
        found = list(session.exec(select(table)).all())
    engine.dispose()
    return found


def bot_calls(fake) -> list:
    """What the bot asked of the Bot Connector (key and token fetches are not messages)."""
    return [call for call in fake.calls if call.method.startswith(("activities", "conversations", "members"))]


BAD_TOKENS = (
    "mint_with_wrong_key",
    "mint_expired",
    "mint_for_wrong_audience",
    "mint_from_wrong_issuer",
    "mint_for_wrong_service_url",
)


def test_an_activity_without_a_valid_token_is_refused_with_nothing_stored_or_sent(
    teams, teams_bot, fake_microsoft, database_url
):
    assert "now a supervision group" in said(teams, COACH, "practice setup")  # the checks below can see it
    assert len(rows(database_url, Group)) == 1 and bot_calls(fake_microsoft)
    fake_microsoft.reset()
    activity = teams.chat_message(ALICE, "log 30 role-play")
    tokens = {"missing": "", **{name: getattr(fake_microsoft, name)() for name in BAD_TOKENS}}
    assert {name: teams.send(activity, token=token).status for name, token in tokens.items()} == dict.fromkeys(
        tokens, 401
    )
    assert bot_calls(fake_microsoft) == []
    assert [person.user_id for person in rows(database_url, Person)] == [COACH.id]
    # Logged as requests of their kind, the tenant their body claims not trusted.
    assert teams_bot.logged(f"platform=teams tenant={TENANT_ID} kind=message outcome=ok status=200")  # the setup
    assert teams_bot.logged("platform=teams kind=message outcome=refused status=401", len(tokens)) == len(tokens)


def test_another_tenants_activity_with_a_valid_token_is_refused_with_nothing_stored_or_sent(
    teams, teams_bot, fake_microsoft, database_url
):
    outsider = TeamsDriver(teams.transport, fake_microsoft, tenant_id=OUTSIDER_TENANT)
    for reply in (outsider.in_channel(COACH, "practice setup"), outsider.in_chat(ALICE, "log 30 role-play")):
        assert reply.status == 403
    assert bot_calls(fake_microsoft) == [] and rows(database_url, Group) == [] and rows(database_url, Person) == []
    assert "refused an activity from a tenant not in TEAMS_ALLOWED_TENANTS" in teams_bot.output()
    assert teams_bot.logged(f"platform=teams tenant={OUTSIDER_TENANT} kind=message outcome=refused", 2) == 2


def test_a_body_that_is_not_a_json_object_is_refused_without_a_traceback(teams_bot):
    transport = over_http(teams_bot.url)
    assert transport([], {}).status == 400  # a JSON array, not an activity
    for body in (b"not json", b"\xff\xfe{}", b"[" * 100_000, b'{"type": ' + b"9" * 5000 + b"}", b""):
        request = urllib.request.Request(f"{teams_bot.url}/api/messages", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        try:
            urllib.request.urlopen(request, timeout=10)
        except urllib.error.HTTPError as error:
            assert error.code == 400, body[:20]
        else:
            raise AssertionError(f"{body[:20]!r} was accepted")
    # After the test, its fixture checks that the log has no traceback.


def test_the_whole_loop_on_teams(teams, teams_bot, fake_microsoft):
    [hello] = posted_for(fake_microsoft, TEAM_ID, lambda: teams.installed_in_team(COACH))
    assert "practice setup" in hello.args["text"]  # said once however often Teams tells: test_teams_commands.py
    [greeting] = posted_for(fake_microsoft, ALICE.chat_id, lambda: teams.installed_for(ALICE))
    assert "I'll send you follow-ups and check-ins in this chat" in greeting.args["text"]

    assert "now a supervision group" in said(teams, COACH, "practice setup")
    assert "Welcome to the group" in said(teams, ALICE, "practice join")
    said(teams, BOB, "practice join")

    # The objective through its dialog: typed in the 1:1 chat, opened from the card's button.
    form = dialog_card(teams.press(ALICE, buttons(told_in_chat(teams, ALICE, "objective"))["Open form"]))
    review_on = (date.today() + timedelta(days=28)).isoformat()
    submitted = teams.submit(
        ALICE,
        submission(
            form,
            objective="Ask every client for alliance feedback at the end of each session",
            leverage="Early alliance ruptures predict dropout",
            evidence="SRS collected in 9 of 10 sessions",
            review_on=review_on,
        ),
    )
    assert submitted.status == 200 and submitted.body["task"]["type"] == "message", submitted.body

    advice = "practice advice @Alice Adams Name the rupture out loud client C12 ors 18 in 14d"
    assert "Advice recorded for" in said(teams, COACH, advice, [ALICE])
    said(teams, COACH, "practice advice @Bob Brown Slow down client K7 ors 20 in 14d", [BOB])

    # Not due yet: nothing goes out.
    assert teams_bot.tick(weekday_at(10, 15)).returncode == 0
    assert follow_ups_to(fake_microsoft, ALICE) == []

    due = weekday_at(17, 15)
    ticked = teams_bot.tick(due)
    assert ticked.returncode == 0, ticked.stderr
    [follow_up] = follow_ups_to(fake_microsoft, ALICE)
    card = card_of(follow_up.args)
    assert "Name the rupture out loud" in card_text(card) and "C12" in card_text(card)
    assert "from <at>Cora Coach</at>" in card_text(card)  # named as Teams named the coach to the bot
    # Bob never wrote to the bot: his 1:1 chat was opened for the follow-up.
    assert [c.args["members"] for c in fake_microsoft.calls_to("conversations.create")].count([{"id": BOB.id}]) >= 1
    assert follow_ups_to(fake_microsoft, BOB)

    answer_form = dialog_card(teams.press(ALICE, buttons(card)["Applied"]))
    done = teams.submit(ALICE, submission(answer_form, learning="Naming it lowered the tension", ors=26))
    assert done.status == 200 and done.body["task"]["type"] == "message", done.body

    [updated] = fake_microsoft.wait_for("activities.update")
    assert updated.args["activity_id"] == follow_up.answer["id"]
    assert buttons(card_of(updated.args)) == {}  # no dead buttons left
    assert "reliable improvement" in card_text(card_of(updated.args))

    posted_before = len(fake_microsoft.calls_to("activities.create", conversation_id=CHANNEL_ID))
    said(teams, COACH, "practice digest post")
    digest = fake_microsoft.wait_for("activities.create", posted_before + 1, conversation_id=CHANNEL_ID)[-1].args
    assert "C12: from intake, ORS 18 → 26 (+8): reliable improvement" in card_text(card_of(digest))
    assert "Naming it lowered the tension" not in card_text(card_of(digest))
    mentioned = {e["mentioned"]["id"] for c in digest["attachments"] for e in c["content"]["msteams"]["entities"]}
    assert ALICE.id in mentioned

    # What Alice learned comes back to her, asked for before it is shown.
    later = weekday_at(24, 15)
    assert teams_bot.tick(later).returncode == 0
    asking = "What do you remember of it?"
    [comes_back] = [card for card in cards_to(fake_microsoft, ALICE) if asking in card_text(card)]
    assert set(buttons(comes_back)) == {"Answer", "Show me"}
    assert "Naming it lowered the tension" not in card_text(comes_back)

    sent_before = len(fake_microsoft.calls_to("activities.create"))
    again = teams_bot.tick(later)
    assert again.returncode == 0 and "handled 0" in again.stdout
    assert len(fake_microsoft.calls_to("activities.create")) == sent_before


def test_a_slack_group_and_a_teams_group_in_one_process_and_one_tick(teams, teams_bot, fake_slack, fake_microsoft):
    slack = SlackDriver(teams_bot.url, fake_slack)
    fake_slack.add_user("UCOACH", "Europe/Berlin")
    fake_slack.add_user("UALICE", "America/New_York")
    assert "now a supervision group" in slack.say("UCOACH", "CGROUP", "setup")
    slack.say("UALICE", "CGROUP", "join")
    assert "Advice recorded" in slack.say("UCOACH", "CGROUP", "advice <@UALICE|alice> Breathe client S1 ors 15 in 7d")
    said(teams, COACH, "practice setup")
    said(teams, ALICE, "practice join")
    assert "Advice recorded" in said(teams, COACH, "practice advice @Alice Adams Pause client T1 ors 16 in 7d", [ALICE])

    ticked = teams_bot.tick(weekday_at(10, 17))
    assert ticked.returncode == 0, ticked.stderr
    [on_slack] = dms_with(fake_slack, "UALICE", "follow_up:applied")
    assert "Breathe" in blocks_text(on_slack["blocks"])
    [on_teams] = follow_ups_to(fake_microsoft, ALICE)
    assert "Pause" in card_text(card_of(on_teams.args)) and "Breathe" not in card_text(card_of(on_teams.args))


def test_a_tick_process_waits_out_a_429_by_rescheduling_without_sleeping(teams, teams_bot, fake_microsoft):
    said(teams, COACH, f"practice setup {retries_undisturbed()}")
    said(teams, ALICE, "practice join")
    assert "Advice recorded" in said(
        teams, COACH, "practice advice @Alice Adams Summarise before challenging in 1d", [ALICE]
    )
    due = follow_up(teams_bot).due_at
    fake_microsoft.fail_next("activities.create", 429, headers={"Retry-After": "120"})
    ticked = teams_bot.tick(due.isoformat())
    assert ticked.returncode == 0 and "handled 1 due deliveries" in ticked.stdout, ticked.stdout
    assert follow_up(teams_bot).due_at >= due + timedelta(seconds=120)
    assert teams_bot.tick((due + timedelta(seconds=121)).isoformat()).returncode == 0
    assert len(follow_ups_to(fake_microsoft, ALICE)) == 2  # refused once, then sent
    assert follow_up(teams_bot).status is DeliveryStatus.SENT


def follow_ups_to(fake, member: Member) -> list:
    """The follow-ups the bot posted to a member's 1:1 chat (the fake's calls, with their ids)."""
    return [call for call in posts_to(fake, member.chat_id) if "Did you apply it" in card_text(card_of(call.args))]


def test_a_deployment_may_serve_teams_alone(database_url, fake_slack, fake_microsoft, tmp_path):
    alone = RunningBot(database_url, fake_slack, tmp_path, fake_microsoft)
    for name in [name for name in alone.environment if name.startswith("SLACK_")]:
        del alone.environment[name]
    alone.start()
    try:
        teams = TeamsDriver(over_http(alone.url), fake_microsoft)
        assert "now a supervision group" in said(teams, COACH, "practice setup")
        assert SlackDriver(alone.url, fake_slack).post("command=%2Fpractice").status == 404  # no Slack here
        ticked = alone.tick(weekday_at(1, 12))
        assert ticked.returncode == 0, ticked.stderr
    finally:
        alone.stop()
    assert "Traceback" not in alone.output(), alone.output()
