"""Reaching into another organization's, group's or person's objects through Teams: an
organization the bot does not serve, presses of someone else's buttons, forged card data
and dialogs submitted for what is not the caller's. Each attempt is refused, without a
traceback (the `teams_bot` fixture fails the test on one), and nothing changes.

Card data is what a Teams client sends back from a card, so a client can forge all of it;
the activity around it (who, where, which service URL) comes from Teams under its token.

Group A: coach COACH with ALICE and BOB in CHANNEL_ID (the `teams_group` fixture).
Group B: coach COACH_B with CAROL in CHANNEL_B."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select as select_rows
from sqlmodel import Session, SQLModel, select

from bot.model import Advice, Group, Person, SeenRequest
from handlers.teams.addresses import Conversation
from testkit.teams_driver import (
    CHANNEL_ID,
    Member,
    TeamsDriver,
    buttons,
    cards_to,
    dialog_card,
    dialog_message,
    field_ids,
    submission,
)
from tests.conftest import free_port, on_one_database
from tests.teams_steps import ALICE, BOB, COACH, TeamsGroup, a_follow_up, a_teams_group, roster_entry

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests

COACH_B = Member("29:coach-b", "Corin Coach", "Europe/London")
CAROL = Member("29:carol", "Carol Example", "Europe/Paris")
CHANNEL_B = "19:group-b@thread.tacv2"
ELSEWHERE = "19:elsewhere@thread.tacv2"  # a channel of the team that is no group yet
OTHER_TENANT = "0f0f0f0f-1111-4222-8333-444455556666"
NOT_YOURS = "isn't yours to answer"
OUT_OF_DATE = "That button is out of date"


@pytest.fixture
def group_b(teams_group, teams_bot, microsoft) -> TeamsGroup:
    return a_teams_group(TeamsDriver(teams_bot.transport, microsoft, channel_id=CHANNEL_B), COACH_B, [CAROL])


@pytest.fixture
def alices_follow_up(teams_group: TeamsGroup, group_b, teams_bot) -> dict:
    return a_follow_up(teams_group, teams_bot.tick)


def stored(teams_bot, without: tuple[type[SQLModel], ...] = ()) -> dict[str, list[str]]:
    """Every row of every table, but those of `without`: what an attack must leave as it was."""
    skipped = {model.__tablename__ for model in without}
    with Session(teams_bot.engine) as session:
        return {
            table.name: sorted(str(row) for row in session.execute(select_rows(table)))
            for table in SQLModel.metadata.sorted_tables
            if table.name not in skipped
        }


def what_people_did(teams_bot) -> dict[str, list[str]]:
    """The rows an attack must leave as they were: a request seen is recorded even when refused,
    and what Teams says of its sender (their zone, name and chat) is kept from each activity."""
    return stored(teams_bot, without=(SeenRequest, Person))


# ----- an organization the bot does not serve -----


def test_an_organization_not_allowed_is_refused_and_nothing_is_stored_or_sent(teams_group, teams_bot, microsoft):
    stranger = TeamsDriver(teams_bot.transport, microsoft, tenant_id=OTHER_TENANT)
    dave = Member("29:dave", "Dave Elsewhere")
    before, calls = stored(teams_bot), len(microsoft.calls)

    attempts = [
        stranger.in_channel(dave, "practice setup"),
        stranger.in_channel(ALICE, "practice join"),
        stranger.in_chat(dave, "status"),
        stranger.press(dave, {"action": "forget:confirm", "value": "confirm"}),
        stranger.submit(dave, {"form_kind": "objective", "form_context": {"group_id": "1"}}),
        stranger.consent(dave, {"upload": "anything"}, {"uploadUrl": microsoft.upload_url("x")}),
        stranger.installed_for(dave),
        stranger.installed_in_team(dave),
    ]

    assert [reply.status for reply in attempts] == [403] * len(attempts)
    assert stored(teams_bot) == before
    with Session(teams_bot.engine) as session:
        assert session.exec(select(Person).where(Person.user_id == dave.id)).all() == []
    assert microsoft.calls[calls:] == []


# ----- someone else's buttons and dialogs -----


def test_a_follow_up_pressed_by_anyone_but_its_owner_is_refused(teams_group, alices_follow_up, teams_bot, microsoft):
    before = what_people_did(teams_bot)
    for attacker in (BOB, COACH, CAROL, COACH_B):
        for label, data in buttons(alices_follow_up).items():
            assert NOT_YOURS in dialog_message(teams_group.teams.press(attacker, data)), (attacker, label)
    assert what_people_did(teams_bot) == before
    assert microsoft.calls_to("activities.update") == []

    assert "Done" in dialog_message(teams_group.teams.press(ALICE, buttons(alices_follow_up)["No longer relevant"]))
    assert what_people_did(teams_bot) != before
    assert len(microsoft.calls_to("activities.update", conversation_id=ALICE.chat_id)) == 1


def test_a_follow_up_form_submitted_by_anyone_but_its_owner_is_refused(
    teams_group, alices_follow_up, teams_bot, microsoft
):
    form = dialog_card(teams_group.teams.press(ALICE, buttons(alices_follow_up)["Applied"]))
    answer = submission(form, learning="It worked", ors=30, srs=38)
    before = what_people_did(teams_bot)
    for attacker in (BOB, COACH, CAROL, COACH_B):
        assert NOT_YOURS in dialog_message(teams_group.teams.submit(attacker, answer)), attacker
    forged = {**answer, "form_context": {**answer["form_context"], "answer": "x"}}
    assert "not one I sent" in dialog_message(teams_group.teams.submit(ALICE, forged))
    assert what_people_did(teams_bot) == before
    assert microsoft.calls_to("activities.update") == []

    assert dialog_message(teams_group.teams.submit(ALICE, answer))  # the real form still saves
    with Session(teams_bot.engine) as session:
        assert [advice.learning for advice in session.exec(select(Advice))] == ["It worked"]


def test_an_objective_form_forged_for_another_group_is_refused(teams_group, group_b, teams_bot):
    group_b.say(CAROL, "objective")
    form = dialog_card(group_b.teams.press(CAROL, buttons(cards_to(group_b.fake, CAROL)[-1])["Open form"]))
    own = form["actions"][0]["data"]["form_context"]["group_id"]
    with Session(teams_bot.engine) as session:
        group_a = str(session.exec(select(Group.id).where(Group.channel_id == CHANNEL_ID)).one())
    assert own != group_a
    answer = submission(form, objective="Listen more", review_on="2099-01-01")
    forged = {**answer, "form_context": {"group_id": group_a}}
    before = what_people_did(teams_bot)

    assert "haven't joined this group" in dialog_message(group_b.teams.submit(CAROL, forged))
    assert what_people_did(teams_bot) == before


# ----- forged card data -----


FORGED_PRESSES = [
    ({"action": "frobnicate", "value": "1"}, "That button is not one I know."),
    ({}, "That button is not one I know."),
    ({"action": None, "value": None}, "That button is not one I know."),
    ({"action": "follow_up:applied", "value": "not-a-number"}, NOT_YOURS),
    ({"action": "follow_up:not_yet", "value": ["1"]}, NOT_YOURS),
    ({"action": "follow_up:not_yet"}, NOT_YOURS),
    ({"action": "review:achieved", "value": "999999"}, NOT_YOURS),
    ({"action": "check_in", "value": "-1"}, NOT_YOURS),
]


def test_forged_button_data_is_refused(teams_group, alices_follow_up, teams_bot, microsoft):
    before = what_people_did(teams_bot)
    for data, refusal in FORGED_PRESSES:
        assert refusal in dialog_message(teams_group.teams.press(ALICE, data)), data
    assert what_people_did(teams_bot) == before
    assert microsoft.calls_to("activities.update") == []


def opener(button: dict, **typed: str) -> dict:
    """An "Open form" button's data with what it opens forged."""
    return {**button, "value": json.dumps(typed)}


def test_a_form_opener_forged_for_a_channel_the_caller_is_not_in_is_refused(teams_group, group_b, teams_bot):
    teams_group.say(ALICE, "objective")
    button = buttons(cards_to(teams_group.fake, ALICE)[-1])["Open form"]
    before = what_people_did(teams_bot)
    for forged in (
        opener(button, command="join", channel=CHANNEL_B),
        opener(button, command="objective", channel=CHANNEL_B),
        opener(button, command="setup", channel=ELSEWHERE),
        opener(button, command="digest post", channel=CHANNEL_B),
        opener(button, command="objective", channel=CAROL.chat_id),
    ):
        assert OUT_OF_DATE in dialog_message(teams_group.teams.press(ALICE, forged)), forged["value"]
    assert what_people_did(teams_bot) == before


def test_a_form_opened_from_another_groups_channel_shows_its_roster_to_no_outsider(teams_group, group_b):
    teams_group.say(COACH, "advice")
    coachs = buttons(cards_to(teams_group.fake, COACH)[-1])["Open form"]
    assert field_ids(dialog_card(teams_group.teams.press(COACH, coachs)))[0] == "therapist"

    refused = dialog_message(group_b.teams.press(CAROL, coachs))
    assert OUT_OF_DATE in refused and ALICE.name not in refused


def test_a_form_opener_never_says_where_the_bot_sends(teams_group, teams_bot, microsoft):
    """Its channel's service URL is the one Teams sent the press from, not one in the card."""
    unreachable = Conversation(ELSEWHERE, f"https://127.0.0.1:{free_port()}").to_text()
    microsoft.members[ELSEWHERE] = [roster_entry(ALICE)]
    teams_group.say(ALICE, "objective")
    button = buttons(cards_to(teams_group.fake, ALICE)[-1])["Open form"]

    opened = teams_group.teams.press(ALICE, opener(button, command="setup", channel=ELSEWHERE, address=unreachable))

    assert "now a supervision group" in dialog_message(opened)  # she may: she is in that channel
    with Session(teams_bot.engine) as session:
        [group] = session.exec(select(Group).where(Group.channel_id == ELSEWHERE)).all()
    assert group.address == Conversation(ELSEWHERE, microsoft.service_url).to_text()


# ----- commands in another group's channel -----


def test_a_coach_has_no_say_in_another_groups_channel(teams_group, group_b, teams_bot):
    teams_group.say(ALICE, "objective Hold silences longer")
    before = what_people_did(teams_bot)
    refusals = {
        "digest preview": "Only this group's coach",
        "digest post": "Only this group's coach",
        "holiday 2030-01-01": "Only this group's coach",
        "setup digest mon 09:00": "only its coach",
    }
    for coach, group in ((COACH_B, teams_group), (COACH, group_b)):
        for text, refusal in refusals.items():
            told = group.say(coach, text)
            assert refusal in told and "Hold silences longer" not in told, (coach, text, told)
    for therapist in ALICE, BOB:
        told = group_b.say(COACH_B, f"advice @{therapist.name} Slow down", [therapist])
        assert "isn't a therapist in this group" in told
    assert what_people_did(teams_bot) == before


def test_a_form_opener_for_another_channel_is_refused_while_its_roster_cannot_be_read(
    teams_group, teams_bot, microsoft
):
    microsoft.members[ELSEWHERE] = [roster_entry(ALICE)]
    teams_group.say(ALICE, "objective")
    button = buttons(cards_to(teams_group.fake, ALICE)[-1])["Open form"]
    microsoft.fail_next("members.get", 503)
    before = what_people_did(teams_bot)
    assert OUT_OF_DATE in dialog_message(
        teams_group.teams.press(ALICE, opener(button, command="setup", channel=ELSEWHERE))
    )
    assert what_people_did(teams_bot) == before
