"""Home on Teams: the same content as a card answered to `home` in the 1:1 chat, drawn anew
on each use, its buttons working as in the direct message, and the coach's group table."""

from __future__ import annotations

import base64
import json

from handlers.teams.render import MAX_PART_BYTES
from testkit.teams_driver import buttons, card_text, cards_to, dialog_card, dialog_message, field_ids
from tests.conftest import on_one_database
from tests.pictures import decoded_png
from tests.teams_steps import ALICE, COACH, TeamsGroup, a_follow_up

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests


def home_card(group: TeamsGroup, member) -> dict:
    group.chat(member, "home")
    return cards_to(group.fake, member)[-1]


def test_home_in_the_chat_is_a_card_whose_follow_up_buttons_work_as_in_the_dm(teams_group: TeamsGroup, teams_bot):
    teams = teams_group.teams
    a_follow_up(teams_group, teams_bot.tick)

    card = home_card(teams_group, ALICE)

    shown = card_text(card)
    assert "This week's check-in" in shown and "Name the rupture" in shown and "Practice minutes" in shown
    assert "Open C12" in buttons(card)
    form = dialog_card(teams.press(ALICE, buttons(card)["Applied"]))
    assert field_ids(form)[0] == "learning"
    assert dialog_message(teams.press(ALICE, buttons(card)["Not yet (remind me in 7 days)"]))
    [update] = teams_group.fake.calls_to("activities.update", conversation_id=ALICE.chat_id)
    assert "Not yet: I'll ask again on" in card_text(update.args["attachments"][0]["content"])  # the DM, redrawn
    assert "Not yet (remind me in 7 days)" not in buttons(home_card(teams_group, ALICE))  # drawn anew


def test_the_coachs_home_in_the_chat_has_the_group_table_and_the_digest_buttons(teams_group: TeamsGroup):
    teams_group.chat(ALICE, "objective Hold silences longer")

    card = home_card(teams_group, COACH)

    shown = card_text(card)
    assert "Therapists" in shown and "Hold silences longer · last check-in never" in shown
    assert "Agenda for the next meeting" in shown and "Participation" in shown
    assert {"Digest preview", "Post digest now"} <= set(buttons(card))
    assert "0 of 2 checked in" in dialog_message(teams_group.teams.press(COACH, buttons(card)["Digest preview"]))


def test_the_home_card_carries_the_charts_as_images_within_teams_size(teams_group: TeamsGroup):
    teams_group.chat(ALICE, "log 30 reviewed a session recording")

    card = home_card(teams_group, COACH)

    images = [element for element in card["body"] if element["type"] == "Image"]
    assert [image["altText"][:30] for image in images] == ["The group's last 8 weeks, from"]
    [participation] = images
    assert participation["url"].startswith("data:image/png;base64,")
    decoded_png(base64.b64decode(participation["url"].removeprefix("data:image/png;base64,")))
    assert "Practice minutes: 0, 0, 0, 0, 0, 0, 0, 30 (30 in all)." in participation["altText"]
    assert len(json.dumps(card)) <= MAX_PART_BYTES
    therapists = [element for element in home_card(teams_group, ALICE)["body"] if element["type"] == "Image"]
    assert "Practice minutes in each of the last 12 weeks" in therapists[0]["altText"]
