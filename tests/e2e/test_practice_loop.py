"""The whole deliberate-practice loop, as a coach and a therapist meet it in Slack:
setup → objective → advice → follow-up DM when due → Applied → modal with an ORS →
a digest that shows the reliable improvement → a second tick that sends nothing twice; and the
meeting's loop: setup meeting → prep DM → request → the coach's preview → feedback DM after the
meeting → what she will try → its follow-up a week later."""

from __future__ import annotations

from datetime import date, timedelta

from testkit.slack_driver import blocks_text, buttons, date_input, number_input, state, text_input
from testkit.slack_driver import select as chosen
from tests.conftest import on_one_database
from tests.steps import at, dms_with, weekday_at, weekday_in

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


def test_the_meeting_loop_from_prep_to_the_follow_up_on_what_she_will_try(bot, slack, fake_slack):
    fake_slack.add_user(COACH, "Europe/Berlin")
    fake_slack.add_user(ALICE, "America/New_York")
    assert "now a supervision group" in slack.say(COACH, CHANNEL, "setup")
    assert "Welcome to the group" in slack.say(ALICE, CHANNEL, "join")
    # Every hour open in UTC, so that the times below hold whatever day the test runs on.
    times = f"tz UTC days mon-sun hours 00:00-23:59 digest {weekday_in(2)} 12:00 meeting {weekday_in(3)} 10:00"
    assert "The group meets on" in slack.say(COACH, CHANNEL, f"setup {times}")

    def answered(action: str, fields: dict) -> str:
        [dm] = dms_with(fake_slack, ALICE, action)
        views, updates = len(fake_slack.calls_to("views.open")), len(fake_slack.calls_to("chat.update"))
        assert slack.click(ALICE, {**dm, "channel": "DALICE"}, action)[0].status == 200
        form = fake_slack.wait_for("views.open", views + 1)[-1].args["view"]
        submitted = slack.submit(ALICE, form, state(**fields))
        assert submitted.status == 200 and submitted.body == ""
        return blocks_text(fake_slack.wait_for("chat.update", updates + 1)[-1].args["blocks"])

    assert bot.tick(at(1, 12, 5)).returncode == 0  # a day before the digest
    request = {"kind": chosen("case"), "client": text_input("C12"), "text": text_input("When to end the work")}
    assert "On the agenda" in answered("meeting:prep", request)
    preview = slack.say(COACH, CHANNEL, "digest preview")
    assert "• Bring a case: <@UALICE> · C12: When to end the work" in preview

    assert bot.tick(at(3, 11, 35)).returncode == 0  # after the meeting, 10:00 to 11:30
    feedback = {
        "usefulness": number_input(9),
        "suggestion": text_input("More role-play"),
        "will_try": text_input("Ask what was least helpful"),
    }
    assert "how “Ask what was least helpful” went" in answered("meeting:feedback", feedback)

    assert bot.tick(at(8, 0)).returncode == 0  # a week after she answered
    [follow_up] = dms_with(fake_slack, ALICE, "follow_up:applied")
    assert "Ask what was least helpful" in blocks_text(follow_up["blocks"])
