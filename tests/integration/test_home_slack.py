"""The Home tab on Slack, through Bolt's app and the core on a real database: published when
opened and again after each change of the user's, its buttons (which come with no channel and
no response_url) answered in a direct message or on the tab, the coach's group picker."""

from __future__ import annotations

import json

import pytest

from bot.prompts import follow_up_action
from bot.services.home import CLIENT_ACTION, PICK_GROUP_ACTION, PREVIEW_ACTION
from handlers.slack.context import HOME_NOT_SHOWN
from testkit.slack_driver import blocks_text
from tests.conftest import on_one_database
from tests.in_process import InProcessBot, InProcessSlack
from tests.integration.conftest import running_without_tracebacks
from tests.steps import at

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests

ALICE, COACH = "UALICE", "UCOACH"


@pytest.fixture
def bot(database_url, fake_slack):
    """The Slack front-end as `serve` runs it, keeping each person's Home tab current."""
    yield from running_without_tracebacks(lambda: InProcessBot(database_url, fake_slack, home_tabs=True))


def published(fake, user: str, count: int = 1) -> dict:
    calls = [call for call in fake.wait_for("views.publish", count) if call.args["user_id"] == user]
    return calls[-1].args["view"]


def publishes(fake) -> int:
    return len(fake.calls_to("views.publish"))


def test_opening_home_publishes_the_therapists_home(slack, group, fake_slack):
    group.say(ALICE, "objective Hold silences longer")
    before = publishes(fake_slack)

    assert slack.open_home(ALICE).status == 200

    view = published(fake_slack, ALICE, before + 1)
    shown = blocks_text(view["blocks"])
    assert view["type"] == "home" and "Hold silences longer" in shown and "This week's check-in" in shown
    assert "Practice minutes" in shown and "The group you coach" not in shown


def test_a_change_of_the_users_republishes_their_home_and_a_read_does_not(slack, group, fake_slack):
    joined = publishes(fake_slack)
    assert joined and fake_slack.calls_to("views.publish")[-1].args["user_id"] == "UBOB"  # `join` was a change
    group.say(ALICE, "status")
    assert publishes(fake_slack) == joined  # a read changes nothing
    before = publishes(fake_slack)

    group.say(ALICE, "note Waiting lets the client go deeper")

    assert "Waiting lets the client go deeper" in blocks_text(published(fake_slack, ALICE, before + 1)["blocks"])


def test_a_follow_up_is_answered_from_the_home_tab(slack, group, fake_slack, bot):
    group.say(COACH, "advice <@UALICE> Slow down after a rupture in 1d")
    bot.tick(at(2, 15))
    slack.open_home(ALICE)
    view = published(fake_slack, ALICE, publishes(fake_slack))
    opened = len(fake_slack.calls_to("views.open"))

    slack.press_on_home(ALICE, view, follow_up_action("applied"))

    assert len(fake_slack.wait_for("views.open", opened + 1)) == opened + 1  # the DM button's form
    before = publishes(fake_slack)
    slack.press_on_home(ALICE, view, follow_up_action("not_yet"))
    after = blocks_text(published(fake_slack, ALICE, before + 1)["blocks"])
    assert "Slow down after a rupture" in after and "not_yet" not in json.dumps(after)


def test_a_client_button_on_home_answers_in_a_direct_message(slack, group, fake_slack):
    group.say(ALICE, "outcome C1 ors 20 intake")
    slack.open_home(ALICE)
    view = published(fake_slack, ALICE, publishes(fake_slack))
    posted = len(fake_slack.calls_to("chat.postMessage"))

    slack.press_on_home(ALICE, view, CLIENT_ACTION)

    [shown] = fake_slack.wait_for("chat.postMessage", posted + 1)[posted:]
    assert shown.args["channel"] == ALICE and "Client C1" in blocks_text(shown.args["blocks"])


def test_the_coachs_home_has_the_group_table_and_a_picker_that_republishes(slack, group, fake_slack):
    group.say(ALICE, "objective Hold silences longer")
    slack.say(COACH, "CSECOND", "setup")
    slack.open_home(COACH)
    view = published(fake_slack, COACH, publishes(fake_slack))
    shown = blocks_text(view["blocks"])
    assert "Therapists" in shown and "<@UALICE>: Hold silences longer" in shown and "<@UBOB>: no objective" in shown
    assert "Agenda for the next meeting" in shown and PREVIEW_ACTION in json.dumps(view)
    second = view_value(view, "#CSECOND")
    before = publishes(fake_slack)

    slack.press_on_home(COACH, view, PICK_GROUP_ACTION, second)

    chosen = blocks_text(published(fake_slack, COACH, before + 1)["blocks"])
    assert "<#CSECOND>" in chosen and "No therapists yet" in chosen


def direct_messages(fake, user: str) -> list[str]:
    return [call.args["text"] for call in fake.calls_to("chat.postMessage") if call.args["channel"] == user]


def test_a_home_slack_will_not_show_when_it_is_opened_is_answered_in_a_direct_message(slack, group, fake_slack):
    fake_slack.fail_next("views.publish", error="internal_error")

    assert slack.open_home(ALICE).status == 200

    assert fake_slack.wait_for("views.publish", publishes(fake_slack))  # it was tried
    assert direct_messages(fake_slack, ALICE) == [HOME_NOT_SHOWN]


def test_a_home_slack_will_not_show_after_a_press_on_it_is_answered_in_a_direct_message(slack, group, fake_slack):
    slack.say(COACH, "CSECOND", "setup")
    slack.open_home(COACH)
    view = published(fake_slack, COACH, publishes(fake_slack))
    fake_slack.fail_next("views.publish", error="internal_error")

    slack.press_on_home(COACH, view, PICK_GROUP_ACTION, view_value(view, "#CSECOND"))

    assert direct_messages(fake_slack, COACH) == [HOME_NOT_SHOWN]


def view_value(view: dict, option_text: str) -> str:
    return next(
        option["value"]
        for block in view["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == PICK_GROUP_ACTION
        for option in element["options"]
        if option["text"]["text"] == option_text
    )


@pytest.fixture
def slack_with_a_public_url(database_url, fake_slack):
    started = running_without_tracebacks(
        lambda: InProcessBot(database_url, fake_slack, home_tabs=True, PUBLIC_URL="https://bot.example.org")
    )
    yield InProcessSlack(next(started), fake_slack)
    next(started, None)


def test_a_home_whose_charts_slack_cannot_fetch_is_published_with_their_alt_text(slack_with_a_public_url, fake_slack):
    fake_slack.add_user(COACH, "Europe/Berlin")
    fake_slack.fail_next("views.publish", error="invalid_blocks")  # as for an image_url Slack could not download

    slack_with_a_public_url.say(COACH, "CGROUP", "setup")

    refused, shown = fake_slack.wait_for("views.publish", 2)
    [chart] = [block for block in refused.args["view"]["blocks"] if block["type"] == "image"]
    assert chart["image_url"].startswith("https://bot.example.org/charts/") and not fake_slack.uploads
    assert ":bar_chart: The group's last 8 weeks" in json.dumps(shown.args["view"])
    assert shown.answer["ok"] and len(fake_slack.calls_to("views.publish")) == 2  # no retry: it was not processing
