"""The group's meeting on Teams, through the SDK's App and the core on a real database: `setup
meeting` in the channel, the prep card in the 1:1 chat and its dialog, the request in the coach's
preview, the feedback card and its dialog, whose "what will you try" becomes advice to oneself."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from bot.model import Advice, MeetingFeedback
from testkit.teams_driver import (
    buttons,
    card_text,
    cards_to,
    dialog_card,
    dialog_message,
    field_ids,
    shown_after,
    submission,
)
from tests.conftest import on_one_database
from tests.steps import at, weekday_in
from tests.teams_steps import ALICE, BOB, COACH, TeamsGroup

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests


def card_headed(group: TeamsGroup, member, heading: str) -> dict:
    [card] = [card for card in cards_to(group.fake, member) if heading in card_text(card)]
    return card


def test_the_prep_and_feedback_cards_open_dialogs_whose_answers_reach_the_coachs_preview(
    teams_group: TeamsGroup, teams_bot
):
    teams = teams_group.teams
    told = teams_group.say(
        COACH,
        f"setup tz UTC days mon-sun hours 00:00-23:59 digest {weekday_in(2)} 12:00 meeting {weekday_in(3)} 10:00",
    )
    assert "The group meets on" in told and "for 90 minutes (UTC)" in told
    assert "only its coach" in teams_group.say(ALICE, "setup meeting thu 10:00")

    teams_bot.tick(datetime.fromisoformat(at(1, 12, 5)))
    prep = card_headed(teams_group, ALICE, "Before the meeting")
    assert "What do you want from the next meeting" in card_text(prep) and list(buttons(prep)) == ["Answer"]
    form = dialog_card(teams.press(ALICE, buttons(prep)["Answer"]))
    assert field_ids(form) == ["kind", "client", "text", "not_identifying"]
    refused = dialog_card(teams.submit(ALICE, submission(form, kind="case", text="Ending well")))
    assert "A case needs its client code" in shown_after(refused, "client")
    dialog_message(teams.submit(ALICE, submission(form, kind="case", client="C12", text="Ending well")))
    assert "Bring a case: <at>Alice Example</at> · C12: Ending well" in teams_group.chat(COACH, "digest preview")

    teams_bot.tick(datetime.fromisoformat(at(3, 11, 35)))
    feedback = card_headed(teams_group, BOB, "After the meeting")
    assert "without your name" in card_text(feedback)
    form = dialog_card(teams.press(BOB, buttons(feedback)["Answer"]))
    assert field_ids(form) == ["usefulness", "suggestion", "will_try", "not_identifying"]
    answer = submission(form, usefulness="7", suggestion="More role-play", will_try="Slow the first minutes")
    dialog_message(teams.submit(BOB, answer))
    assert "More role-play" in teams_group.chat(COACH, "digest preview")
    with Session(teams_bot.engine) as session:
        [advice] = session.exec(select(Advice))
        [kept] = session.exec(select(MeetingFeedback))
    assert (advice.therapist_id, advice.given_by, advice.text) == (BOB.id, BOB.id, "Slow the first minutes")
    assert (kept.usefulness, kept.advice_id) == (7, advice.id)
