"""The group's meeting on Slack, through Bolt's app and the core on a real database: `setup meeting`
and the digest day it implies, the prep message before the digest and its form, the requests on
the digest's agenda, the feedback message after the meeting, its form and the advice to oneself it
keeps, the coach's preview of the feedback, and refusals."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.meetings import RequestKind
from bot.model import Advice, Delivery, DeliveryKind, DeliveryStatus, MeetingFeedback, MeetingRequest
from testkit.slack_driver import blocks_text, buttons, number_input, state, text_input
from testkit.slack_driver import select as chosen
from tests.steps import at, dms_with, today, weekday_in

ALICE, BOB, COACH = "UALICE", "UBOB", "UCOACH"
PREP, FEEDBACK = "meeting:prep", "meeting:feedback"


def meeting_in_three_days(group) -> str:
    """Every day and hour open to messages in UTC, the digest in two days at 12:00 and the meeting
    the day after at 10:00: so that the prep message is due tomorrow at 12:00 and the feedback
    message in three days at 11:30, whatever today is."""
    return group.say(
        COACH,
        f"setup tz UTC days mon-sun hours 00:00-23:59 digest {weekday_in(2)} 12:00 meeting {weekday_in(3)} 10:00",
    )


def opened_form(group, fake_slack, user: str, dm: dict, action: str) -> dict:
    views = len(fake_slack.calls_to("views.open"))
    http, _ = group.slack.click(user, {**dm, "channel": f"D{user[1:]}"}, action)
    assert http.status == 200, http
    return fake_slack.wait_for("views.open", views + 1)[-1].args["view"]


def rows(bot, table, **where):
    with Session(bot.harness.engine) as session:
        return list(session.exec(select(table).filter_by(**where).order_by(table.id)))


def test_setup_meeting_moves_a_digest_the_coach_never_placed_to_the_working_day_before(group):
    told = group.say(COACH, "setup meeting thu 10:00")
    assert "The group meets on Thursdays at 10:00 for 90 minutes (Europe/Berlin)" in told
    assert "The digest moves to Wednesdays at 15:00, the working day before the meeting." in told
    assert "Meeting:* Thursdays at 10:00 for 90 min (Europe/Berlin)" in told

    monday = group.say(COACH, "setup meeting mon 09:30 120m")
    assert "Mondays at 09:30 for 120 minutes" in monday and "The digest moves to Fridays at 15:00" in monday
    assert "Digest:* Fridays at 15:00" in monday


def test_a_digest_the_coach_set_stays_where_it_is(group):
    group.say(COACH, "setup digest tue 11:00")
    told = group.say(COACH, "setup meeting thu 10:00 60m")
    assert "The digest stays on Tuesdays at 11:00, as you set it" in told
    assert "Digest:* Tuesdays at 11:00" in told


def test_meeting_off_clears_it_and_the_messages_planned_for_it(bot, group):
    meeting_in_three_days(group)
    assert {d.kind for d in rows(bot, Delivery, status=DeliveryStatus.PENDING)} >= {
        DeliveryKind.PREP,
        DeliveryKind.FEEDBACK,
    }
    told = group.say(COACH, "setup meeting off")
    assert "No meeting time is set now, so no messages go out before or after it" in told
    assert "Meeting:* not set" in told
    assert [d for d in rows(bot, Delivery) if d.kind in (DeliveryKind.PREP, DeliveryKind.FEEDBACK)] == []


def test_setting_the_meeting_is_the_coachs_and_bad_input_is_refused_with_the_usage(bot, group):
    assert "only its coach" in group.say(ALICE, "setup meeting thu 10:00")
    for typed, why in (
        ("setup meeting thu 25:00", "“25:00” is not a time of day"),
        ("setup meeting someday 10:00", "“someday” is not a weekday"),
        ("setup meeting thu 10:00 2h", "“2h” is not a meeting length: write minutes from 15 to 480, like 90m."),
        ("setup meeting", "Write the weekday and time the group meets, like “meeting thu 10:00”"),
        ("setup supervision-feedback loud", "Say “supervision-feedback anonymous”"),
    ):
        refused = group.say(COACH, typed)
        assert why in refused and "Usage:* `/practice setup [digest" in refused, typed
    assert "Meeting:* not set" in group.say(COACH, "setup")


def test_the_prep_message_asks_before_the_digest_and_its_answer_goes_on_the_agenda(bot, group, fake_slack):
    meeting_in_three_days(group)
    bot.tick(at(1, 11))
    assert dms_with(fake_slack, ALICE, PREP) == []  # due a day before the digest, not sooner

    bot.tick(at(1, 12, 5))
    [dm] = dms_with(fake_slack, ALICE, PREP)
    assert "What do you want from the next meeting" in blocks_text(dm["blocks"])
    form = opened_form(group, fake_slack, ALICE, dm, PREP)
    assert [block["block_id"] for block in form["blocks"] if block["type"] == "input"] == [
        "kind",
        "client",
        "text",
        "not_identifying",
    ]

    missing_code = group.slack.submit(ALICE, form, state(kind=chosen("case"), text=text_input("Ending well")))
    assert "A case needs its client code" in missing_code.body
    no_text = group.slack.submit(ALICE, form, state(kind=chosen("skill")))
    assert "Say what you want from the meeting" in no_text.body
    bad_code = group.slack.submit(
        ALICE, form, state(kind=chosen("case"), client=text_input("JS"), text=text_input("Ending"))
    )
    assert "JS" in bad_code.body and rows(bot, MeetingRequest) == []

    sent = group.slack.submit(
        ALICE, form, state(kind=chosen("case"), client=text_input("C12"), text=text_input("How to end well"))
    )
    assert sent.status == 200 and sent.body == ""
    [answered] = fake_slack.wait_for("chat.update", channel="DALICE")
    assert "On the agenda: *Bring a case (C12):* How to end well" in blocks_text(answered.args["blocks"])
    assert buttons(answered.args["blocks"]) == []
    [request] = rows(bot, MeetingRequest)
    assert (request.user_id, request.kind, request.client_code, request.text) == (
        ALICE,
        RequestKind.CASE,
        "C12",
        "How to end well",
    )
    assert request.meeting_on == today() + timedelta(days=3)

    http, name = group.slack.click(ALICE, {**dm, "channel": "DALICE"}, PREP)
    assert "already recorded" in group.slack.reply_text(name)


def test_requests_come_after_urgent_outcomes_and_before_reviews_and_nothing_is_not_listed(bot, group, fake_slack):
    meeting_in_three_days(group)
    group.say(ALICE, "outcome C7 ors 30")
    group.say(ALICE, "outcome C7 ors 14")  # a reliable deterioration: first on the agenda
    bot.tick(at(1, 23))
    for user, fields in (
        (ALICE, state(kind=chosen("case"), client=text_input("C12"), text=text_input("When to refer on?"))),
        (BOB, state(kind=chosen("nothing"))),
    ):
        [dm] = dms_with(fake_slack, user, PREP)
        assert group.slack.submit(user, opened_form(group, fake_slack, user, dm, PREP), fields).body == ""

    preview = group.say(COACH, "digest preview").splitlines()
    agenda = preview[preview.index("*Agenda for the next meeting*") + 1 :]
    assert agenda[0].startswith("• Reliable deterioration: <@UALICE> · C7")
    assert agenda[1] == "• Bring a case: <@UALICE> · C12: When to refer on?"
    assert agenda[2:] == ["• No objective yet: <@UALICE>", "• No objective yet: <@UBOB>"]
    assert "Nothing this time" not in "\n".join(preview)

    group.say(COACH, "setup outcomes coach")  # client codes on the agenda only in the coach's preview
    bot.tick(at(2, 12, 5))
    [posted] = fake_slack.wait_for("chat.postMessage", channel="CGROUP")
    assert "• Bring a case: <@UALICE>: When to refer on?" in blocks_text(posted.args["blocks"])


def feedback_dm(bot, group, fake_slack, user: str) -> dict:
    bot.tick(at(3, 11, 35))
    [dm] = dms_with(fake_slack, user, FEEDBACK)
    return dm


def test_the_feedback_message_after_the_meeting_keeps_what_they_will_try_as_advice_to_themself(bot, group, fake_slack):
    meeting_in_three_days(group)
    bot.tick(at(3, 11, 25))
    assert dms_with(fake_slack, ALICE, FEEDBACK) == []  # the meeting runs until 11:30

    dm = feedback_dm(bot, group, fake_slack, ALICE)
    assert "How useful was the supervision on" in blocks_text(dm["blocks"])
    assert "without your name" in blocks_text(dm["blocks"])
    form = opened_form(group, fake_slack, ALICE, dm, FEEDBACK)
    too_high = group.slack.submit(ALICE, form, state(usefulness=number_input(11)))
    assert "Enter a number from 0 to 10." in too_high.body

    sent = group.slack.submit(
        ALICE,
        form,
        state(
            usefulness=number_input(8),
            suggestion=text_input("More time for role-play"),
            will_try=text_input("Ask for feedback at every session's end"),
        ),
    )
    assert sent.status == 200 and sent.body == ""
    [answered] = fake_slack.wait_for("chat.update", channel="DALICE")
    text = blocks_text(answered.args["blocks"])
    assert "Thank you: 8/10" in text and "how “Ask for feedback at every session's end” went" in text

    [advice] = rows(bot, Advice)
    assert (advice.therapist_id, advice.given_by, advice.text) == (
        ALICE,
        ALICE,
        "Ask for feedback at every session's end",
    )
    [feedback] = rows(bot, MeetingFeedback)
    assert (feedback.usefulness, feedback.suggestion, feedback.advice_id) == (8, "More time for role-play", advice.id)
    [follow_up] = rows(bot, Delivery, kind=DeliveryKind.FOLLOW_UP)
    assert timedelta(days=7) <= follow_up.due_at - advice.created_at < timedelta(days=7, hours=1)


def test_feedback_without_what_to_try_keeps_no_advice_and_a_second_answer_changes_nothing(bot, group, fake_slack):
    meeting_in_three_days(group)
    dm = feedback_dm(bot, group, fake_slack, BOB)
    form = opened_form(group, fake_slack, BOB, dm, FEEDBACK)
    assert group.slack.submit(BOB, form, state(usefulness=number_input(6))).body == ""
    again = group.slack.submit(BOB, form, state(usefulness=number_input(2)))
    assert again.status == 200
    assert [f.usefulness for f in rows(bot, MeetingFeedback)] == [6] and rows(bot, Advice) == []


def test_someone_elses_feedback_button_changes_nothing(bot, group, fake_slack):
    meeting_in_three_days(group)
    dm = feedback_dm(bot, group, fake_slack, ALICE)
    http, name = group.slack.click(BOB, {**dm, "channel": "DBOB"}, FEEDBACK)
    assert "isn't yours to answer" in group.slack.reply_text(name)


def answer_feedback(group, fake_slack, user: str, usefulness: int, suggestion: str | None) -> None:
    [dm] = dms_with(fake_slack, user, FEEDBACK)
    form = opened_form(group, fake_slack, user, dm, FEEDBACK)
    fields = state(usefulness=number_input(usefulness), suggestion=text_input(suggestion))
    assert group.slack.submit(user, form, fields).body == ""


def test_the_coachs_preview_shows_the_feedback_anonymous_and_only_suggestions_below_three_answers(
    bot, group, fake_slack
):
    fake_slack.add_user("UCAROL", "Europe/London")
    group.say("UCAROL", "join")
    meeting_in_three_days(group)
    feedback_dm(bot, group, fake_slack, ALICE)
    answer_feedback(group, fake_slack, ALICE, 9, "Fewer announcements")
    answer_feedback(group, fake_slack, BOB, 5, "A case from each of us")

    preview = group.say(COACH, "digest preview")
    assert "Feedback on the supervision (only you see this)" in preview
    assert "Fewer than 3 answers, so only the suggestions are shown." in preview
    assert "• A case from each of us\n• Fewer announcements" in preview and "median" not in preview
    assert "<@UALICE>: Fewer" not in preview

    answer_feedback(group, fake_slack, "UCAROL", 8, None)
    three = group.say(COACH, "digest preview")
    assert "3 answers · median 8 of 10 · range 5–9" in three and "Fewer than 3" not in three

    group.say(COACH, "setup supervision-feedback named")
    named = group.say(COACH, "digest preview")
    assert "• <@UALICE>: Fewer announcements" in named and "• <@UBOB>: A case from each of us" in named

    group.say(COACH, "digest post")
    scheduled, posted = fake_slack.wait_for("chat.postMessage", 2, channel="CGROUP")
    posted_text = blocks_text(posted.args["blocks"])
    assert "Agenda for the next meeting" in posted_text
    assert "Fewer announcements" not in posted_text and "median" not in posted_text  # never in the channel


def test_a_paused_member_is_not_asked_and_nobody_is_asked_about_a_meeting_on_a_group_holiday(bot, group, fake_slack):
    meeting_in_three_days(group)
    assert "the questions about the meeting due meanwhile are skipped" in group.say(BOB, "pause 1w")
    bot.tick(at(1, 12, 5))
    assert len(dms_with(fake_slack, ALICE, PREP)) == 1 and dms_with(fake_slack, BOB, PREP) == []
    [bobs] = rows(bot, Delivery, kind=DeliveryKind.PREP, recipient_id=BOB)
    assert bobs.status is DeliveryStatus.SKIPPED

    holiday = (today() + timedelta(days=3)).isoformat()
    group.say(COACH, f"holiday {holiday}")
    bot.tick(at(3, 11, 35))
    bot.tick(at(4, 11, 35))  # nor the working day after
    assert dms_with(fake_slack, ALICE, FEEDBACK) == []
    on_the_holiday = [d for d in rows(bot, Delivery, kind=DeliveryKind.FEEDBACK) if d.key.endswith(holiday)]
    assert {(d.recipient_id, d.status) for d in on_the_holiday} == {
        (ALICE, DeliveryStatus.SKIPPED),
        (BOB, DeliveryStatus.SKIPPED),
    }
