"""`prep <CODE>` on Teams, through the SDK's App and the core on a real database: asked in the
channel, answered privately as a card in the 1:1 chat, whose button opens the intention dialog."""

from __future__ import annotations

import base64

from testkit.teams_driver import buttons, cards_to, dialog_card, dialog_message, field_ids, submission
from tests.conftest import on_one_database
from tests.pictures import decoded_png
from tests.teams_steps import ALICE, TeamsGroup

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests


def test_prep_in_the_channel_is_a_private_card_whose_intention_is_kept_as_a_note(teams_group: TeamsGroup):
    teams = teams_group.teams
    teams_group.chat(ALICE, "objective Hold silences longer")
    teams_group.chat(ALICE, "outcome C12 ors 20")
    teams_group.chat(ALICE, "outcome C12 ors 26")

    told = teams_group.say(ALICE, "prep C12")  # the channel is only told the answer is private
    assert "Before your session with C12" in told and "ORS 20 → 26" in told
    assert "from intake +6: reliable improvement" in told and "Hold silences longer" in told
    card = cards_to(teams_group.fake, ALICE)[-1]
    assert list(buttons(card)) == ["Set an intention"]

    form = dialog_card(teams.press(ALICE, buttons(card)["Set an intention"]))
    assert field_ids(form) == ["intention", "not_identifying"]
    assert dialog_message(teams.submit(ALICE, submission(form, intention="Let the silence run"))) == "Done."
    assert "Let the silence run" in teams_group.chat(ALICE, "notes client C12")
    assert "Newest learning note" in teams_group.chat(ALICE, "prep C12")


def test_the_prep_card_draws_the_clients_chart_with_its_numbers_as_alt_text(teams_group: TeamsGroup):
    teams_group.chat(ALICE, "outcome C12 ors 20")
    teams_group.chat(ALICE, "outcome C12 ors 26")
    teams_group.chat(ALICE, "prep C12")

    [chart] = [element for element in cards_to(teams_group.fake, ALICE)[-1]["body"] if element["type"] == "Image"]

    assert chart["altText"].startswith("Client C12's scores: ORS 20 (intake, ")
    assert "the clinical cutoff 25 (adult band)" in chart["altText"] and "No flags." in chart["altText"]
    decoded_png(base64.b64decode(chart["url"].removeprefix("data:image/png;base64,")))
