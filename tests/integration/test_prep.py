"""`prep <CODE>` on Slack, through Bolt's app and the core on a real database: the private card
before a session, from the group's channel and the direct-message chat, which note it shows,
and its "Set an intention" button, whose form keeps the intention as a learning note."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.model import LearningNote, NoteSource
from testkit.slack_driver import blocks_text, buttons, find_button, state, text_input

ALICE, BOB, COACH = "UALICE", "UBOB", "UCOACH"


def prep_card(group, user: str, code: str, channel: str = "CGROUP") -> dict:
    """The reply to `prep <code>` as sent to the response_url: private, in the channel."""
    http, name = group.slack.command(user, channel, f"prep {code}")
    assert http.status == 200, http
    [reply] = group.slack.replies(name)
    return reply


def test_the_card_holds_the_scores_open_advice_objective_and_newest_note(group):
    group.say(ALICE, "objective Hold silences longer")
    for score in (20, 24, 15):
        group.say(ALICE, f"outcome C12 ors {score}")
    group.say(ALICE, "outcome C12 srs 33")
    group.say(COACH, "advice <@UALICE> Name the rupture client C12")
    group.say(COACH, "advice <@UALICE> Slow the opening client C7")  # another client's
    group.say(ALICE, "note Waiting lets the client go deeper client C12")

    card = prep_card(group, ALICE, "C12")
    text = blocks_text(card["blocks"])
    assert card["response_type"] == "ephemeral"
    assert "Before your session with C12" in text
    assert "ORS 20 → 24 → 15" in text and "SRS 33; from intake -5: reliable deterioration; ⚠️" in text
    assert "Name the rupture" in text and "Slow the opening" not in text
    assert "Your objective:* Hold silences longer" in text
    assert "Waiting lets the client go deeper" in text
    assert buttons(card["blocks"]) == ["prep:intention"]


def test_the_newest_note_about_the_client_or_the_objective_is_shown(group):
    group.say(ALICE, "note Silence before the objective client C12")
    group.say(ALICE, "note About another client, no objective yet client C7")
    assert "Silence before the objective" in blocks_text(prep_card(group, ALICE, "C12")["blocks"])

    group.say(ALICE, "objective Hold silences longer")
    group.say(ALICE, "note Under the objective, about C7 client C7")
    shown = blocks_text(prep_card(group, ALICE, "C12")["blocks"])
    assert "Under the objective, about C7" in shown and "Silence before" not in shown
    assert "Newest learning note:* none yet about C9\n" in blocks_text(prep_card(group, BOB, "C9")["blocks"]) + "\n"


def test_it_works_from_the_direct_message_chat_for_a_client_without_scores(group):
    text = blocks_text(prep_card(group, ALICE, "C3", channel="DALICE")["blocks"])
    assert "Scores:* no scores yet" in text and "Open advice:* none" in text
    assert "Your objective:* none set yet" in text


def test_set_an_intention_opens_a_form_and_keeps_it_as_a_learning_note(bot, group, fake_slack):
    group.say(ALICE, "objective Hold silences longer")
    card = prep_card(group, ALICE, "C12")
    value = find_button(card["blocks"], "prep:intention")["value"]
    views = len(fake_slack.calls_to("views.open"))
    group.slack.press(ALICE, "prep:intention", value, "CGROUP", card["blocks"])
    form = fake_slack.wait_for("views.open", views + 1)[-1].args["view"]
    assert "Your intention for this session?" in str(form["blocks"])

    http = group.slack.submit(ALICE, form, state(intention=text_input("Stay with the pause after a hard question")))
    assert http.status == 200 and http.body == ""
    [told] = fake_slack.wait_for("chat.postMessage", channel=ALICE)
    assert "Stay with the pause" in blocks_text(told.args["blocks"])
    with Session(bot.harness.engine) as session:
        [note] = session.exec(select(LearningNote))
    assert (note.text, note.source, note.client_code) == (
        "Stay with the pause after a hard question",
        NoteSource.INTENTION,
        "C12",
    )
    assert note.objective_id is not None
    assert "Stay with the pause" in blocks_text(prep_card(group, ALICE, "C12")["blocks"])


def test_an_identifying_intention_is_not_kept(bot, group, fake_slack):
    card = prep_card(group, ALICE, "C12")
    group.slack.press(ALICE, "prep:intention", find_button(card["blocks"], "prep:intention")["value"], "CGROUP")
    form = fake_slack.wait_for("views.open")[-1].args["view"]
    http = group.slack.submit(ALICE, form, state(intention=text_input("Ask Maria Lopez about her sister")))
    assert "looks identifying" in http.body
    with Session(bot.harness.engine) as session:
        assert session.exec(select(LearningNote)).all() == []


def test_a_forged_button_or_a_bad_code_is_refused(group, fake_slack):
    assert "takes one client code" in group.say(ALICE, "prep")
    assert "Usage:* `/practice prep &lt;CODE&gt;`" in group.say(ALICE, "prep JD-1980")
    group_id = find_button(prep_card(group, ALICE, "C12")["blocks"], "prep:intention")["value"].split(":")[0]
    for forged, why in ((f"{group_id}:JD-1980", "contains a year"), ("999:C12", "no longer matches a group")):
        _, name = group.slack.press(ALICE, "prep:intention", forged, "CGROUP")
        assert why in group.slack.reply_text(name)
    _, name = group.slack.press("UEVE", "prep:intention", f"{group_id}:C12", "CGROUP")
    assert "haven't joined this group" in group.slack.reply_text(name)
    assert "haven't joined this group" in group.say(COACH, "prep C12")
