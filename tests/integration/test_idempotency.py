"""What a person does twice changes things once: a double click on a button, a click on
one already answered. And a profile change moves the weekly check-in to the person's new
time zone. (Slack's own retries of a request, told apart by its HTTP headers, are in
tests/e2e/test_idempotency.py.)"""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlmodel import Session

from bot.config import load_settings
from bot.model import Person, Platform
from bot.storage import make_engine
from testkit.slack_driver import blocks_text, user_change
from tests.steps import dms_with, next_weekday, weekday_at

ALICE, COACH, CHANNEL = "UALICE", "UCOACH", "CGROUP"


def stored_timezone(bot, user: str, team_id: str) -> str | None:
    engine = make_engine(load_settings(bot.environment).database_url)
    try:
        with Session(engine) as session:
            person = session.get(Person, (Platform.SLACK, team_id, user))
            return person and person.timezone
    finally:
        engine.dispose()


def test_a_new_time_zone_moves_the_weekly_check_in_to_ten_there(bot, group, slack, fake_slack):
    ten_in_tokyo = next_weekday(0, 1)  # Monday 10:00 in Tokyo, Sunday evening in New York
    bot.tick((ten_in_tokyo - timedelta(days=2)).isoformat())  # planned in New York
    fake_slack.timezones[ALICE] = "Asia/Tokyo"
    assert slack.post(user_change("EvMoved", ALICE, "Asia/Tokyo"), "application/json").status == 200
    assert stored_timezone(bot, ALICE, slack.team_id) == "Asia/Tokyo"

    bot.tick((ten_in_tokyo - timedelta(minutes=1)).isoformat())
    assert dms_with(fake_slack, ALICE, "check_in") == []
    bot.tick(ten_in_tokyo.isoformat())
    assert len(dms_with(fake_slack, ALICE, "check_in")) == 1
    ten_in_new_york = ten_in_tokyo + timedelta(hours=15)
    bot.tick(ten_in_new_york.isoformat())
    assert len(dms_with(fake_slack, ALICE, "check_in")) == 1  # not again at the old time


def test_a_double_click_on_not_yet_records_one_answer(bot, group, fake_slack):
    group.say(COACH, "advice <@UALICE> Summarise before challenging in 1d")
    bot.tick(weekday_at(3, 16))
    [dm] = dms_with(fake_slack, ALICE, "follow_up:not_yet")

    start = threading.Barrier(2)
    names: list[str] = []

    def click() -> None:
        start.wait()
        http, name = group.slack.click(ALICE, {**dm, "channel": "DALICE"}, "follow_up:not_yet")
        assert http.status == 200
        names.append(name)

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()

    # Each click returned once all it set going had finished: any second update or reply is here.
    assert len(names) == 2
    refused = [c for c in fake_slack.calls_to("response_url") if c.args["name"] in names]
    assert len(refused) == 1 and "already recorded" in blocks_text(refused[0].args["blocks"])
    [update] = fake_slack.calls_to("chat.update", channel="DALICE")
    assert "Not yet: I'll ask again on" in blocks_text(update.args["blocks"])

    bot.tick(weekday_at(12, 16))
    assert len(dms_with(fake_slack, ALICE, "follow_up:not_yet")) == 2


def test_applied_after_answering_is_told_it_is_already_recorded(bot, group, fake_slack):
    group.say(COACH, "advice <@UALICE> Name the rupture in 1d")
    bot.tick(weekday_at(3, 16))
    [dm] = dms_with(fake_slack, ALICE, "follow_up:applied")
    group.slack.click(ALICE, {**dm, "channel": "DALICE"}, "follow_up:not_yet")
    fake_slack.wait_for("chat.update", channel="DALICE")

    _, name = group.slack.click(ALICE, {**dm, "channel": "DALICE"}, "follow_up:applied")
    assert "already recorded" in group.slack.reply_text(name)
    assert fake_slack.calls_to("views.open") == []
