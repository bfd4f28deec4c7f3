"""Learning notes on Slack, through Bolt's app and the core on a real database: `note`,
`notes`, the spaced return that asks before it shows, its buttons and forms, one a day,
`notes pause|resume`, archive, and the notes kept from check-ins and follow-ups."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlmodel import Session, select

from bot.model import Delivery, DeliveryKind, LearningNote, NoteRevision, NoteSource
from testkit.slack_driver import blocks_text, buttons, state, text_input
from tests.steps import dms_with

ALICE, BOB, COACH = "UALICE", "UBOB", "UCOACH"
RETURN = "resurface:recall"


def days_on(days: int, hour_utc: int = 16) -> str:
    """`days` from today at hour_utc:00 UTC (11:00 or 12:00 in New York), moved on to a weekday."""
    day = date.today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour_utc), tzinfo=timezone.utc).isoformat()


def new_views(fake, before: int) -> dict:
    return fake.wait_for("views.open", before + 1)[-1].args["view"]


def notes_of(bot, user: str) -> list[LearningNote]:
    with Session(bot.harness.engine) as session:
        return list(session.exec(select(LearningNote).where(LearningNote.user_id == user).order_by(LearningNote.id)))


def test_a_note_is_kept_and_listed_newest_first_and_by_client(bot, group):
    group.say(ALICE, "objective Hold silences longer")
    kept = group.say(ALICE, "note Waiting ten seconds lets the client go deeper client C12")
    assert "Learning note kept about client C12" in kept and "2, 7, 21, 60 days" in kept
    group.say(ALICE, "note The client led when I stopped summarising")  # "client" before no code: prose

    listed = group.say(ALICE, "notes")
    assert listed.index("stopped summarising") < listed.index("ten seconds")
    assert "client C12; objective “Hold silences longer”" in listed
    only_c12 = group.say(ALICE, "notes client C12")
    assert "ten seconds" in only_c12 and "summarising" not in only_c12
    assert "no learning notes" in group.say(BOB, "notes")
    assert [(note.client_code, note.source) for note in notes_of(bot, ALICE)] == [
        ("C12", NoteSource.NOTE),
        (None, NoteSource.NOTE),
    ]


def test_a_bad_note_is_refused_with_what_was_wrong_and_the_usage(bot, group):
    assert "note &lt;text&gt; [client &lt;CODE&gt;]" in group.say(ALICE, "note")
    refused = group.say(ALICE, "note pausing helps client JD-1980")
    assert "client JD-1980" in refused and "Usage:* `/practice note" in refused
    assert "I don't understand “later” after" in group.say(ALICE, "notes later")
    assert notes_of(bot, ALICE) == []


def test_an_identifying_note_is_not_kept(bot, group):
    told = group.say(ALICE, "note Maria Lopez opened up when I waited")
    assert "Nothing was saved" in told
    assert notes_of(bot, ALICE) == []


def test_the_note_comes_back_asking_first_then_shows_it_with_its_buttons(bot, group, fake_slack):
    group.say(ALICE, "objective Hold silences longer")
    group.say(ALICE, "note Waiting ten seconds lets the client go deeper")
    bot.tick(days_on(1))
    assert dms_with(fake_slack, ALICE, RETURN) == []  # not before its second day

    bot.tick(days_on(3))
    [returned] = dms_with(fake_slack, ALICE, RETURN)
    asked = blocks_text(returned["blocks"])
    assert "you learned something about your objective “Hold silences longer”" in asked
    assert "What do you remember of it?" in asked and "ten seconds" not in asked  # retrieval before re-reading
    assert buttons(returned["blocks"]) == ["resurface:recall", "resurface:show"]

    views = len(fake_slack.calls_to("views.open"))
    group.slack.click(ALICE, {**returned, "channel": "DALICE"}, RETURN)
    form = new_views(fake_slack, views)
    http = group.slack.submit(ALICE, form, state(recalled=text_input("to wait before speaking")))
    assert http.status == 200 and http.body == ""
    [shown] = fake_slack.wait_for("chat.update", channel="DALICE")
    text = blocks_text(shown.args["blocks"])
    assert "You remembered:* to wait before speaking" in text and "ten seconds lets the client go deeper" in text
    assert buttons(shown.args["blocks"]) == ["resurface:useful", "resurface:refine", "resurface:archive"]

    group.slack.click(ALICE, {**returned, "channel": "DALICE", "blocks": shown.args["blocks"]}, "resurface:useful")
    [_, answered] = fake_slack.wait_for("chat.update", 2, channel="DALICE")
    assert "Kept as it is" in blocks_text(answered.args["blocks"]) and buttons(answered.args["blocks"]) == []

    bot.tick(days_on(8))  # the second step, a week after writing
    assert len(dms_with(fake_slack, ALICE, RETURN)) == 2


def test_show_me_then_refine_keeps_the_earlier_wording(bot, group, fake_slack):
    group.say(ALICE, "note Summaries close the session too early client C12")
    bot.tick(days_on(3))
    [returned] = dms_with(fake_slack, ALICE, RETURN)
    assert "about client C12" in blocks_text(returned["blocks"])

    group.slack.click(ALICE, {**returned, "channel": "DALICE"}, "resurface:show")
    [shown] = fake_slack.wait_for("chat.update", channel="DALICE")
    assert "Summaries close the session too early" in blocks_text(shown.args["blocks"])

    views = len(fake_slack.calls_to("views.open"))
    group.slack.click(ALICE, {**returned, "channel": "DALICE", "blocks": shown.args["blocks"]}, "resurface:refine")
    form = new_views(fake_slack, views)
    assert form["blocks"][0]["element"]["initial_value"] == "Summaries close the session too early"
    group.slack.submit(ALICE, form, state(note=text_input("A summary near the end closes the session too early")))
    [_, refined] = fake_slack.wait_for("chat.update", 2, channel="DALICE")
    assert "Refined" in blocks_text(refined.args["blocks"])

    [note] = notes_of(bot, ALICE)
    assert note.text == "A summary near the end closes the session too early"
    with Session(bot.harness.engine) as session:
        assert [r.text for r in session.exec(select(NoteRevision))] == ["Summaries close the session too early"]


def test_archive_stops_the_schedule_from_the_message_and_from_the_list(bot, group, fake_slack):
    group.say(ALICE, "note First note")
    bot.tick(days_on(3))
    [returned] = dms_with(fake_slack, ALICE, RETURN)
    group.slack.click(ALICE, {**returned, "channel": "DALICE"}, "resurface:show")
    [shown] = fake_slack.wait_for("chat.update", channel="DALICE")
    group.slack.click(ALICE, {**returned, "channel": "DALICE", "blocks": shown.args["blocks"]}, "resurface:archive")
    fake_slack.wait_for("chat.update", 2, channel="DALICE")
    bot.tick(days_on(9))
    bot.tick(days_on(30))
    assert len(dms_with(fake_slack, ALICE, RETURN)) == 1
    assert notes_of(bot, ALICE)[0].archived_at is not None
    assert "no learning notes" in group.say(ALICE, "notes")


def test_two_notes_due_the_same_day_come_back_on_two_days(bot, group, fake_slack):
    group.say(ALICE, "note First note")
    group.say(ALICE, "note Second note")
    first_day = datetime.fromisoformat(days_on(3))
    bot.tick(first_day.isoformat())
    assert len(dms_with(fake_slack, ALICE, RETURN)) == 1
    bot.tick(first_day.replace(hour=20).isoformat())  # later the same day in New York
    assert len(dms_with(fake_slack, ALICE, RETURN)) == 1
    bot.tick(days_on((first_day.date() - date.today()).days + 1))  # the next working day, whatever today is
    assert len(dms_with(fake_slack, ALICE, RETURN)) == 2


def test_notes_pause_holds_the_returns_until_resume(bot, group, fake_slack):
    group.say(ALICE, "note First note")
    assert "won't come back to you until you say" in group.say(ALICE, "notes pause")
    assert "already paused" in group.say(ALICE, "notes pause")
    bot.tick(days_on(3))
    assert dms_with(fake_slack, ALICE, RETURN) == []
    with Session(bot.harness.engine) as session:
        [held] = session.exec(select(Delivery).where(Delivery.kind == DeliveryKind.RESURFACING))
        assert held.held_by_pause

    assert "come back to you again" in group.say(ALICE, "notes resume")
    bot.tick(days_on(4))
    assert len(dms_with(fake_slack, ALICE, RETURN)) == 1


def test_check_in_and_follow_up_answers_are_kept_as_notes(bot, group, fake_slack):
    group.say(ALICE, "objective Hold silences longer")
    group.say(COACH, "advice <@UALICE> Name the rupture client C12 in 1d")
    bot.tick(days_on(2))
    [follow_up] = dms_with(fake_slack, ALICE, "follow_up:applied")
    views = len(fake_slack.calls_to("views.open"))
    group.slack.click(ALICE, {**follow_up, "channel": "DALICE"}, "follow_up:applied")
    form = new_views(fake_slack, views)
    group.slack.submit(ALICE, form, state(learning=text_input("Naming it eased the tension")))
    fake_slack.wait_for("chat.update", channel="DALICE")

    [note] = notes_of(bot, ALICE)
    assert (note.text, note.source, note.client_code) == ("Naming it eased the tension", NoteSource.FOLLOW_UP, "C12")
    assert note.objective_id is not None
    assert "Naming it eased the tension" in group.say(ALICE, "notes client C12")
