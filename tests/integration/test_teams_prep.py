"""`prep <CODE>` on Teams, through the SDK's App and the core on a real database: asked in the
channel, answered privately as a card in the 1:1 chat, whose button opens the intention dialog."""

from __future__ import annotations

from testkit.teams_driver import buttons, cards_to, dialog_card, dialog_message, field_ids, submission
from tests.teams_steps import ALICE, TeamsGroup


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


def test_the_prep_card_states_the_clients_chart_in_words_until_charts_are_in_cards(teams_group: TeamsGroup):
    teams_group.chat(ALICE, "outcome C12 ors 20")
    teams_group.chat(ALICE, "outcome C12 ors 26")
    card = teams_group.chat(ALICE, "prep C12")
    assert "📊 Client C12's scores: ORS 20 (intake, " in card
    assert "the clinical cutoff 25 (adult band)" in card and "No flags." in card
