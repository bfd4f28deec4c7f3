"""Learning notes on Teams, through the SDK's App and the core on a real database: `note`
and `notes` in the 1:1 chat, and a note's return as a card whose buttons open dialogs."""

from __future__ import annotations

from datetime import timedelta

from testkit.teams_driver import buttons, card_text, cards_to, dialog_card, dialog_message, field_ids, submission
from tests.conftest import on_one_database
from tests.steps import next_weekday
from tests.teams_steps import ALICE, TeamsGroup

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests


def test_a_note_comes_back_as_a_card_asking_first_then_showing_it(teams_group: TeamsGroup, teams_bot):
    teams = teams_group.teams
    assert "Learning note kept about client C12" in teams_group.chat(ALICE, "note Waiting helps client C12")
    assert "Waiting helps" in teams_group.chat(ALICE, "notes")
    assert "won't come back to you until you say" in teams_group.chat(ALICE, "notes pause")
    assert "come back to you again" in teams_group.chat(ALICE, "notes resume")

    teams_bot.tick(next_weekday(2, 16) + timedelta(weeks=1))
    [card] = [card for card in cards_to(teams_group.fake, ALICE) if "A learning note" in card_text(card)]
    assert "about client C12" in card_text(card) and "Waiting helps" not in card_text(card)
    assert list(buttons(card)) == ["Answer", "Show me"]

    form = dialog_card(teams.press(ALICE, buttons(card)["Answer"]))
    assert field_ids(form) == ["recalled", "not_identifying"]
    assert dialog_message(teams.submit(ALICE, submission(form, recalled="to wait"))) is not None
    [update] = teams_group.fake.calls_to("activities.update", conversation_id=ALICE.chat_id)
    [redrawn] = [attachment["content"] for attachment in update.args["attachments"]]
    assert "Waiting helps" in card_text(redrawn)
    assert list(buttons(redrawn)) == ["Still useful", "Refine it", "Archive"]

    dialog_message(teams.press(ALICE, buttons(redrawn)["Archive"]))
    [_, archived] = teams_group.fake.calls_to("activities.update", conversation_id=ALICE.chat_id)
    assert "Archived" in card_text(archived.args["attachments"][0]["content"])
