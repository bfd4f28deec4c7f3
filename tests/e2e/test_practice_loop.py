"""The whole deliberate-practice loop, as a coach and a therapist meet it in Slack:
setup → objective → advice → follow-up DM when due → Applied → modal with an ORS →
a digest that shows the reliable improvement → a second tick that sends nothing twice."""

from __future__ import annotations

from datetime import date, timedelta

from testkit.slack_driver import blocks_text, buttons, date_input, number_input, state, text_input
from tests.conftest import on_one_database
from tests.steps import dms_with, weekday_at

# Slack's whole loop on SQLite, the embedded default; Teams' on PostgreSQL (tests/e2e/test_teams.py).
pytestmark = on_one_database("sqlite")

COACH, ALICE, CHANNEL = "UCOACH", "UALICE", "CGROUP1"


def test_the_whole_loop(bot, slack, fake_slack):
    fake_slack.add_user(COACH, "Europe/Berlin")
    fake_slack.add_user(ALICE, "America/New_York")

    assert "now a supervision group" in slack.say(COACH, CHANNEL, "setup")
    assert "Welcome to the group" in slack.say(ALICE, CHANNEL, "join")

    # The objective form, opened by the command and submitted as Slack would.
    http, _ = slack.command(ALICE, CHANNEL, "objective")
    assert http.status == 200
    view = fake_slack.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == "objective"
    review_on = (date.today() + timedelta(days=28)).isoformat()
    submitted = slack.submit(
        ALICE,
        view,
        state(
            objective=text_input("Ask every client for alliance feedback at the end of each session"),
            leverage=text_input("Early alliance ruptures predict dropout"),
            evidence=text_input("SRS collected in 9 of 10 sessions"),
            review_on=date_input(review_on),
        ),
    )
    assert submitted.status == 200 and submitted.body == ""
    notice = fake_slack.wait_for("chat.postMessage", channel=ALICE)[0].args
    assert "alliance feedback" in blocks_text(notice["blocks"])

    reply = slack.say(COACH, CHANNEL, "advice <@UALICE|alice> Name the rupture out loud client C12 ors 18 in 14d")
    assert "Advice recorded for <@UALICE>" in reply and "baseline ORS 18" in reply

    # Not due yet: nothing goes out.
    assert bot.tick(weekday_at(10, 15)).returncode == 0
    assert dms_with(fake_slack, ALICE, "follow_up:applied") == []

    due = weekday_at(17, 15)  # 10:00 or 11:00 in New York, after the due time
    ticked = bot.tick(due)
    assert ticked.returncode == 0, ticked.stderr
    [dm] = dms_with(fake_slack, ALICE, "follow_up:applied")
    assert buttons(dm["blocks"]) == [
        "follow_up:applied",
        "follow_up:partly",
        "follow_up:not_yet",
        "follow_up:no_longer_relevant",
    ]
    assert "Name the rupture out loud" in blocks_text(dm["blocks"]) and "C12" in blocks_text(dm["blocks"])

    views_before = len(fake_slack.calls_to("views.open"))
    http, _ = slack.click(ALICE, {**dm, "channel": "DALICE"}, "follow_up:applied")
    assert http.status == 200
    answer_form = fake_slack.wait_for("views.open", views_before + 1)[-1].args["view"]
    assert answer_form["callback_id"] == "follow_up"
    submitted = slack.submit(
        ALICE,
        answer_form,
        state(
            learning=text_input("Naming it lowered the tension; the client came back"),
            ors=number_input(26),
            srs=number_input(None),
        ),
    )
    assert submitted.status == 200 and submitted.body == ""

    [updated] = fake_slack.wait_for("chat.update", channel="DALICE")
    assert buttons(updated.args["blocks"]) == []  # no dead buttons left
    assert "reliable improvement" in blocks_text(updated.args["blocks"])

    digests_before = len(fake_slack.calls_to("chat.postMessage", channel=CHANNEL))
    slack.say(COACH, CHANNEL, "digest post")
    digest = fake_slack.wait_for("chat.postMessage", digests_before + 1, channel=CHANNEL)[-1].args
    text = blocks_text(digest["blocks"])
    assert "C12: from intake, ORS 18 → 26 (+8): reliable improvement" in text
    assert "Applied: 1" in text
    assert "Naming it lowered the tension" not in text  # learning notes stay with the coach

    # What Alice learned comes back to her, asked for before it is shown.
    assert bot.tick(weekday_at(24, 15)).returncode == 0
    [comes_back] = dms_with(fake_slack, ALICE, "resurface:recall")
    assert "What do you remember of it?" in blocks_text(comes_back["blocks"])
    assert "Naming it lowered the tension" not in blocks_text(comes_back["blocks"])

    posts_before = len(fake_slack.calls_to("chat.postMessage"))
    again = bot.tick(weekday_at(24, 15))
    assert again.returncode == 0 and "handled 0" in again.stdout
    assert len(fake_slack.calls_to("chat.postMessage")) == posts_before


def test_a_client_without_advice_that_deteriorates_is_first_on_the_coachs_next_agenda(bot, slack, fake_slack):
    fake_slack.add_user(COACH, "Europe/Berlin")
    fake_slack.add_user(ALICE, "America/New_York")
    assert "now a supervision group" in slack.say(COACH, CHANNEL, "setup")
    assert "Welcome to the group" in slack.say(ALICE, CHANNEL, "join")
    assert "Advice recorded" in slack.say(COACH, CHANNEL, "advice <@UALICE|alice> Slow the pace client C12 in 14d")

    assert "Recorded ORS 30 for C7" in slack.say(ALICE, CHANNEL, "outcome C7 ors 30 session 1")
    flagged = slack.say(ALICE, CHANNEL, "outcome C7 ors 14 session 2")
    assert "ORS 30 → 14 since intake on" in flagged and "reliable deterioration" in flagged

    slack.say(COACH, CHANNEL, "digest post")
    digest = fake_slack.wait_for("chat.postMessage", channel=CHANNEL)[-1].args
    text = blocks_text(digest["blocks"]).splitlines()
    agenda = text[[index for index, line in enumerate(text) if "Agenda for the next meeting" in line][0] + 1 :]
    assert agenda[0].startswith("• Reliable deterioration: <@UALICE> · C7: ORS 30 → 14 since intake on")
    assert "• No objective yet: <@UALICE>" in agenda[1:]
