"""Scheduled direct messages and their buttons: check-ins, objective reviews, follow-ups
answered "not yet", reminders, working hours, and stale check-ins."""

from __future__ import annotations

from datetime import timedelta

from testkit.slack_driver import blocks_text, buttons, number_input, select, state, text_input
from tests.steps import dms_with, next_weekday, weekday_at

ALICE, BOB, COACH = "UALICE", "UBOB", "UCOACH"


def new_views(fake, before: int) -> dict:
    return fake.wait_for("views.open", before + 1)[-1].args["view"]


def test_weekly_check_in_in_working_hours_and_its_answer(bot, group, fake_slack):
    group.say(ALICE, "objective Hold silences longer")
    group.say(ALICE, "log 30 watched a session recording")
    monday = next_weekday(0, 16)  # 11:00 or 12:00 in New York; 03:00 Tuesday in Sydney
    bot.tick(monday.isoformat())

    [check_in] = dms_with(fake_slack, ALICE, "check_in")
    assert "Hold silences longer" in blocks_text(check_in["blocks"])
    assert dms_with(fake_slack, BOB, "check_in") == []  # the middle of the night in Sydney: it waits

    views = len(fake_slack.calls_to("views.open"))
    group.slack.click(ALICE, {**check_in, "channel": "DALICE"}, "check_in")
    form = new_views(fake_slack, views)
    minutes_field = next(b for b in form["blocks"] if b["block_id"] == "minutes")
    assert minutes_field["element"]["initial_value"] == "30"  # prefilled with what was logged
    http = group.slack.submit(
        ALICE,
        form,
        state(progress=select("4"), minutes=number_input(75), learned=text_input("Silence invites the client in")),
    )
    assert http.status == 200 and http.body == ""
    [updated] = fake_slack.wait_for("chat.update", channel="DALICE")
    assert "Checked in: progress 4/5, 75 min" in blocks_text(updated.args["blocks"])
    assert buttons(updated.args["blocks"]) == []

    preview = group.say(COACH, "digest preview")
    assert "Checked in:* <@UALICE>" in preview and "Not yet:* <@UBOB>" in preview
    assert "<@UALICE>: 75 min" in preview  # 30 logged + 45 reported only at the check-in
    assert "Learning notes (only you see these)" in preview and "Silence invites the client in" in preview

    after_sunrise = monday + timedelta(hours=7)  # 09:00 or 10:00 Tuesday in Sydney
    bot.tick(after_sunrise.isoformat())
    assert len(dms_with(fake_slack, BOB, "check_in")) == 1


def test_a_stale_weekly_check_in_is_skipped_not_sent_late(bot, group, fake_slack):
    thursday = next_weekday(0, 16) + timedelta(days=3)
    bot.tick(thursday.isoformat())
    assert dms_with(fake_slack, ALICE, "check_in") == []


def test_objective_review_keep_working_then_refine(bot, group, fake_slack):
    group.say(ALICE, "objective Ask for feedback every session")
    bot.tick(weekday_at(29, 16))
    [review] = dms_with(fake_slack, ALICE, "review:achieved")
    assert buttons(review["blocks"]) == ["review:achieved", "review:keep_working", "review:refine"]

    views = len(fake_slack.calls_to("views.open"))
    group.slack.click(ALICE, {**review, "channel": "DALICE"}, "review:keep_working")
    reason = new_views(fake_slack, views)
    assert reason["title"]["text"] == "Keep working" and reason["blocks"][0]["optional"] is True
    http = group.slack.submit(ALICE, reason, state(why=text_input("Two clients are still flat")))
    assert http.status == 200 and http.body == ""
    [kept] = fake_slack.wait_for("chat.update", channel="DALICE")
    assert "Keep working: I'll ask again on" in blocks_text(kept.args["blocks"])
    assert "Why:* Two clients are still flat" in blocks_text(kept.args["blocks"])

    bot.tick(weekday_at(60, 16))
    second = dms_with(fake_slack, ALICE, "review:achieved")[-1]
    assert len(dms_with(fake_slack, ALICE, "review:achieved")) == 2

    views = len(fake_slack.calls_to("views.open"))
    group.slack.click(ALICE, {**second, "channel": "DALICE"}, "review:refine")
    form = new_views(fake_slack, views)
    assert form["blocks"][0]["element"]["initial_value"] == "Ask for feedback every session"
    http = group.slack.submit(
        ALICE,
        form,
        {
            **state(
                objective=text_input("Ask for feedback on the alliance, not just outcome"),
                leverage=text_input(None),
                evidence=text_input(None),
            ),
            "review_on": {
                "review_on": {"type": "datepicker", "selected_date": form["blocks"][3]["element"]["initial_date"]}
            },
            "previous": {"previous": {"type": "static_select", "selected_option": {"value": "refined"}}},
        },
    )
    assert http.status == 200 and http.body == ""
    refined = fake_slack.wait_for("chat.update", 2, channel="DALICE")[-1]
    assert "Refined into: Ask for feedback on the alliance" in blocks_text(refined.args["blocks"])
    assert "Ask for feedback on the alliance, not just outcome" in group.say(ALICE, "status")


def test_not_yet_asks_again_in_a_week_and_one_reminder_at_most(bot, group, fake_slack):
    group.say(COACH, "advice <@UALICE> Summarise before challenging in 1d")
    bot.tick(weekday_at(3, 16))
    [first] = dms_with(fake_slack, ALICE, "follow_up:not_yet")
    group.slack.click(ALICE, {**first, "channel": "DALICE"}, "follow_up:not_yet")
    [answered] = fake_slack.wait_for("chat.update", channel="DALICE")
    assert "Not yet: I'll ask again on" in blocks_text(answered.args["blocks"])

    bot.tick(weekday_at(6, 16))
    assert len(dms_with(fake_slack, ALICE, "follow_up:not_yet")) == 1  # the first's reminder is not sent

    bot.tick(weekday_at(12, 16))
    assert len(dms_with(fake_slack, ALICE, "follow_up:not_yet")) == 2
    bot.tick(weekday_at(16, 16))
    asked = dms_with(fake_slack, ALICE, "follow_up:not_yet")
    assert len(asked) == 3 and asked[-1]["text"].startswith("Reminder:")
    bot.tick(weekday_at(30, 16))
    assert len(dms_with(fake_slack, ALICE, "follow_up:not_yet")) == 3


def test_a_follow_up_due_at_the_weekend_goes_out_on_monday_morning(bot, group, fake_slack):
    group.say(COACH, "advice <@UALICE> Track the ORS weekly in 1d")
    saturday = next_weekday(5, 16)
    bot.tick(saturday.isoformat())
    assert dms_with(fake_slack, ALICE, "follow_up:applied") == []
    monday_before_nine = saturday + timedelta(days=2, hours=-4)  # 07:00 or 08:00 in New York
    bot.tick(monday_before_nine.isoformat())
    assert dms_with(fake_slack, ALICE, "follow_up:applied") == []
    bot.tick((saturday + timedelta(days=2)).isoformat())
    assert len(dms_with(fake_slack, ALICE, "follow_up:applied")) == 1


def test_answered_and_foreign_buttons_are_refused(bot, group, fake_slack):
    group.say(COACH, "advice <@UALICE> Name the rupture in 1d")
    bot.tick(weekday_at(3, 16))
    [dm] = dms_with(fake_slack, ALICE, "follow_up:applied")
    _, name = group.slack.click(BOB, {**dm, "channel": "DALICE"}, "follow_up:applied")
    assert "isn't yours to answer" in blocks_text(group.slack.replies(name)[0]["blocks"])

    group.slack.click(ALICE, {**dm, "channel": "DALICE"}, "follow_up:no_longer_relevant")
    fake_slack.wait_for("chat.update", channel="DALICE")
    _, name = group.slack.click(ALICE, {**dm, "channel": "DALICE"}, "follow_up:applied")
    assert "already recorded" in blocks_text(group.slack.replies(name)[0]["blocks"])
    assert len(fake_slack.calls_to("views.open")) == 0


def test_a_large_groups_digest_continues_in_its_thread(bot, slack, fake_slack):
    coach = fake_slack.add_user("UBIGCOACH", "Europe/London")
    slack.say(coach, "CBIG", "setup")
    for number in range(45):
        therapist = fake_slack.add_user(f"UT{number:03d}", "Europe/London")
        slack.say(therapist, "CBIG", "join")
        slack.say(therapist, "CBIG", f"objective {number} " + "notice and name ruptures in the alliance " * 4)
    slack.say(coach, "CBIG", "digest post")
    fake_slack.wait_for("chat.postMessage", 2, channel="CBIG")
    first, *rest = fake_slack.calls_to("chat.postMessage", channel="CBIG")
    assert "thread_ts" not in first.args and rest
    assert all(call.args["thread_ts"] == first.args.get("ts", call.args["thread_ts"]) for call in rest)
    for call in [first, *rest]:
        assert len(call.args["blocks"]) <= 50
        assert all(len(block["text"]["text"]) <= 3000 for block in call.args["blocks"] if "text" in block)
    everything = "\n".join(blocks_text(call.args["blocks"]) for call in [first, *rest])
    assert all(f"<@UT{number:03d}>" in everything for number in range(45))


def test_the_objective_review_shows_results_and_notes_in_block_kit_within_slacks_limits(bot, group, fake_slack):
    group.say(ALICE, "objective Ask for feedback every session")
    group.say(ALICE, "log 40 rehearsed asking for feedback")
    long_note = ("Asking at the end of a session, not the start, gets a franker answer. " * 14)[:990]
    for number in range(5):
        assert "Learning note kept" in group.say(ALICE, f"note {number}: {long_note}")
    bot.tick(weekday_at(29, 16))

    [review] = dms_with(fake_slack, ALICE, "review:achieved")
    blocks = review["blocks"]
    assert len(blocks) <= 50 and all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
    text = blocks_text(blocks)
    assert text.index("Since you set it") < text.index("Your learning notes under it") < text.index("How did it go")
    assert "*Practice during it:* 40 min" in text and "not shown below 5 clients" in text
    assert "4: Asking at the end" in text and "0: Asking" not in text  # the newest three, the rest counted
    assert "and 2 more (5 in all): see `/practice notes`" in text
