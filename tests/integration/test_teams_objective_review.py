"""The objective review on Teams, through the SDK's App and the core on a real database: the card
shows the objective's results and its learning notes before its buttons, and Achieved opens a
dialog asking why, kept and shown in `objective history`."""

from __future__ import annotations

from testkit.teams_driver import buttons, card_text, cards_to, dialog_card, dialog_message, field_ids, submission
from tests.conftest import on_one_database
from tests.steps import next_weekday
from tests.teams_steps import ALICE, TeamsGroup

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests


def test_the_review_card_shows_results_and_notes_and_achieved_asks_why(teams_group: TeamsGroup, teams_bot):
    teams = teams_group.teams
    teams_group.chat(ALICE, "objective Hold silences longer")
    teams_group.chat(ALICE, "log 25 rehearsed pausing")
    teams_group.chat(ALICE, "note A pause lets the client go deeper client C12")

    teams_bot.tick(next_weekday(0, 16, weeks_ahead=5))
    [card] = [card for card in cards_to(teams_group.fake, ALICE) if "Objective review" in card_text(card)]
    text = card_text(card)
    assert text.index("Since you set it") < text.index("How did it go")
    assert "**Practice during it:** 25 min" in text and "not shown below 5 clients" in text
    assert "A pause lets the client go deeper" in text
    assert list(buttons(card)) == ["Achieved", "Keep working", "Refine"]

    form = dialog_card(teams.press(ALICE, buttons(card)["Achieved"]))
    assert field_ids(form) == ["why", "not_identifying"]
    assert dialog_message(teams.submit(ALICE, submission(form, why="Clients say more after a pause"))) is not None
    [update] = teams_group.fake.calls_to("activities.update", conversation_id=ALICE.chat_id)
    redrawn = update.args["attachments"][0]["content"]
    assert "Marked achieved" in card_text(redrawn) and "Clients say more after a pause" in card_text(redrawn)
    assert list(buttons(redrawn)) == []
    history = teams_group.chat(ALICE, "objective history")
    assert "**How it ended:** achieved" in history and "**Why:** Clients say more after a pause" in history
