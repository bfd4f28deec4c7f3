"""Reaching into another group's or another workspace's objects: forged button values,
forged form metadata and commands in the wrong channel. Each attempt is refused with a
private message, and nothing changes: no rows, no redrawn message, no form for the attacker.
Each request returns once everything it set going has finished (tests/in_process.py), so
what an attack caused is there to be seen when the request returns.

Group A: coach UCOACH with UALICE and UBOB in CGROUP (the `group` fixture).
Group B: coach UCOACHB with UCAROL in CGROUPB. A second workspace, T0OTHER, reuses the ids."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from bot.config import load_settings
from bot.model import Advice, CheckIn, Delivery, DeliveryKind, Group, Holiday, Member, Objective, PracticeLog, Score
from bot.storage import make_engine
from testkit.slack_driver import SlackDriver, blocks_text, date_input, number_input, state, text_input, user_input
from testkit.slack_driver import select as choose
from tests.in_process import InProcessSlack
from tests.steps import dms_with, next_weekday

COACH, ALICE, BOB, CHANNEL = "UCOACH", "UALICE", "UBOB", "CGROUP"
COACH_B, CAROL, CHANNEL_B = "UCOACHB", "UCAROL", "CGROUPB"
OTHER_TEAM = "T0OTHER"


@pytest.fixture
def group_b(group, slack, fake_slack):
    fake_slack.add_user(COACH_B, "Europe/London")
    fake_slack.add_user(CAROL, "Europe/London")
    assert "now a supervision group" in slack.say(COACH_B, CHANNEL_B, "setup")
    assert "Welcome" in slack.say(CAROL, CHANNEL_B, "join")
    return CHANNEL_B


@pytest.fixture
def other_team(bot, fake_slack) -> SlackDriver:
    return InProcessSlack(bot, fake_slack, team_id=OTHER_TEAM)


@pytest.fixture
def alice_dms(bot, group, group_b, fake_slack) -> dict[str, dict]:
    """Alice's follow-up, check-in and objective review, all sent by one tick five weeks on."""
    group.say(ALICE, "objective Hold silences longer")
    group.say(COACH, "advice <@UALICE> Name the rupture client C12 ors 18 in 1d")
    bot.tick(next_weekday(0, 16, weeks_ahead=5).isoformat())
    [follow_up] = dms_with(fake_slack, ALICE, "follow_up:applied")
    [check_in] = dms_with(fake_slack, ALICE, "check_in")
    [review] = dms_with(fake_slack, ALICE, "review:achieved")
    return {"follow_up": follow_up, "check_in": check_in, "review": review}


def snapshot(bot) -> dict:
    """What an attack must leave as it was: the rows that record what people did, each
    group's settings and the answers to every delivery (the bot's own planner may add
    check-ins and digests meanwhile, so those are compared by id, not counted)."""
    engine = make_engine(load_settings(bot.environment).database_url)
    try:
        with Session(engine) as session:
            counts = {
                model.__name__: session.exec(select(func.count()).select_from(model)).one()
                for model in (Advice, CheckIn, Holiday, Member, Objective, PracticeLog, Score)
            }
            groups = [
                (g.id, g.tenant_id, g.channel_id, g.coach_id, g.digest_weekday, str(g.digest_time), g.timezone)
                for g in session.exec(select(Group).order_by(Group.id))
            ]
            members = [(m.group_id, m.user_id, m.left_at, m.paused_until) for m in session.exec(select(Member))]
            objectives = [(o.id, o.status, o.review_on) for o in session.exec(select(Objective))]
            advice = [(a.id, a.status, a.learning) for a in session.exec(select(Advice))]
            answers = {d.id: d.answer for d in session.exec(select(Delivery))}
            asked = session.exec(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.kind.in_([DeliveryKind.FOLLOW_UP, DeliveryKind.REVIEW]))
            ).one()
            return {
                "counts": counts,
                "groups": groups,
                "members": sorted(members, key=str),
                "objectives": sorted(objectives),
                "advice": sorted(advice),
                "answers": answers,
                "follow-ups and reviews": asked,
            }
    finally:
        engine.dispose()


def unchanged(before: dict, after: dict) -> bool:
    answers_kept = all(after["answers"].get(key) == value for key, value in before["answers"].items())
    rest = {key: value for key, value in before.items() if key != "answers"}
    return answers_kept and rest == {key: value for key, value in after.items() if key != "answers"}


def button_value(message: dict) -> str:
    return next(e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"])


def forged_click(driver: SlackDriver, user: str, action: str, value: str, channel: str) -> str:
    """A block_actions payload for `action` with any value; the private reply's text."""
    http, name = driver.press(user, action, value, channel)
    assert http.status == 200, http
    return driver.reply_text(name)


def submitted_notice(http) -> str:
    """The text of the modal a submission was answered with (`response_action: update`)."""
    assert http.status == 200, http
    answer = http.json()
    assert answer.get("response_action") == "update", answer
    return blocks_text(answer["view"]["blocks"])


def opened_form(fake_slack, before: int) -> dict:
    return fake_slack.wait_for("views.open", before + 1)[-1].args["view"]


def with_metadata(view: dict, metadata: str) -> dict:
    return {**view, "private_metadata": metadata}


ACTIONS = {
    "follow_up": ["follow_up:applied", "follow_up:partly", "follow_up:not_yet", "follow_up:no_longer_relevant"],
    "check_in": ["check_in"],
    "review": ["review:achieved", "review:keep_working", "review:refine"],
}
REFUSALS = {"follow_up": "isn't yours to answer", "check_in": "isn't yours", "review": "isn't yours to answer"}


def test_other_peoples_buttons_are_refused_and_change_nothing(bot, alice_dms, slack, other_team, fake_slack):
    attackers = [(slack, BOB), (slack, COACH), (slack, CAROL), (slack, COACH_B), (other_team, ALICE)]
    before = snapshot(bot)
    views_before = len(fake_slack.calls_to("views.open"))
    for kind, dm in alice_dms.items():
        for action in ACTIONS[kind]:
            for driver, attacker in attackers:
                reply = forged_click(driver, attacker, action, button_value(dm), f"D{attacker[1:]}")
                assert REFUSALS[kind] in reply and "Usage" in reply, (kind, action, attacker, reply)
    assert unchanged(before, snapshot(bot))
    assert len(fake_slack.calls_to("views.open")) == views_before
    assert fake_slack.calls_to("chat.update") == []

    # The same buttons still work for Alice, in her own workspace.
    slack.click(ALICE, {**alice_dms["follow_up"], "channel": "DALICE"}, "follow_up:not_yet")
    [update] = fake_slack.wait_for("chat.update", channel="DALICE")
    assert "Not yet" in blocks_text(update.args["blocks"])


def test_a_button_of_one_kind_does_not_accept_another_kinds_id(bot, alice_dms, slack, fake_slack):
    before = snapshot(bot)
    check_in_id = button_value(alice_dms["check_in"])
    review_id = button_value(alice_dms["review"])
    assert "isn't yours to answer" in forged_click(slack, ALICE, "follow_up:not_yet", check_in_id, "DALICE")
    assert "isn't yours to answer" in forged_click(slack, ALICE, "review:achieved", check_in_id, "DALICE")
    assert "isn't yours" in forged_click(slack, ALICE, "check_in", review_id, "DALICE")
    assert unchanged(before, snapshot(bot))
    assert fake_slack.calls_to("chat.update") == [] and fake_slack.calls_to("views.open") == []


NAMING_NOTHING = ["", "0", "-1", "-42", "999999", "1.5", "1e3", " 1", "abc", "'; DROP TABLE advice;--"]


def test_button_values_that_name_nothing_are_refused(bot, alice_dms, slack, fake_slack):
    before = snapshot(bot)
    for value in NAMING_NOTHING:
        for action in ("follow_up:applied", "check_in", "review:refine"):
            reply = forged_click(slack, ALICE, action, value, "DALICE")
            assert "isn't yours" in reply and "Usage" in reply, (value, action, reply)
    assert unchanged(before, snapshot(bot))
    assert fake_slack.calls_to("chat.update") == [] and fake_slack.calls_to("views.open") == []


def test_another_users_follow_up_form_is_refused(bot, alice_dms, slack, other_team, fake_slack):
    slack.click(ALICE, {**alice_dms["follow_up"], "channel": "DALICE"}, "follow_up:applied")
    form = opened_form(fake_slack, 0)
    assert json.loads(form["private_metadata"])["delivery_id"] == button_value(alice_dms["follow_up"])
    answer = state(learning=text_input("It worked"), ors=number_input(30), srs=number_input(38))
    before = snapshot(bot)
    for driver, attacker in [(slack, BOB), (slack, COACH), (slack, CAROL), (other_team, ALICE)]:
        assert "isn't yours to answer" in submitted_notice(driver.submit(attacker, form, answer)), attacker
    # Alice herself, with the answer in the metadata forged to one the form never offers.
    forged = with_metadata(form, json.dumps({"delivery_id": button_value(alice_dms["follow_up"]), "answer": "x"}))
    assert "not one I sent" in submitted_notice(slack.submit(ALICE, forged, answer))
    assert unchanged(before, snapshot(bot))
    assert fake_slack.calls_to("chat.update") == []

    assert slack.submit(ALICE, form, answer).body == ""  # the real form still saves
    fake_slack.wait_for("chat.update", channel="DALICE")
    assert not unchanged(before, snapshot(bot))


def test_another_users_check_in_form_is_refused(bot, alice_dms, slack, other_team, fake_slack):
    slack.click(ALICE, {**alice_dms["check_in"], "channel": "DALICE"}, "check_in")
    form = opened_form(fake_slack, 0)
    answer = state(progress=choose("4"), minutes=number_input(60), learned=text_input("Silence helps"))
    before = snapshot(bot)
    for driver, attacker in [(slack, BOB), (slack, CAROL), (slack, COACH_B), (other_team, ALICE)]:
        assert "isn't yours" in submitted_notice(driver.submit(attacker, form, answer)), attacker
    assert unchanged(before, snapshot(bot))
    assert fake_slack.calls_to("chat.update") == []

    assert slack.submit(ALICE, form, answer).body == ""
    fake_slack.wait_for("chat.update", channel="DALICE")
    assert snapshot(bot)["counts"]["CheckIn"] == before["counts"]["CheckIn"] + 1


def test_an_objective_form_refining_another_users_review_is_refused(bot, alice_dms, slack, fake_slack):
    """Bob's own objective form, with Alice's review as the one it answers."""
    slack.command(BOB, CHANNEL, "objective")
    form = opened_form(fake_slack, 0)
    metadata = json.loads(form["private_metadata"])
    forged = with_metadata(form, json.dumps({**metadata, "delivery_id": button_value(alice_dms["review"])}))
    before = snapshot(bot)
    http = slack.submit(BOB, forged, state(objective=text_input("Mine now"), review_on=date_input(_in_days(20))))
    assert "isn't yours to answer" in submitted_notice(http)
    assert unchanged(before, snapshot(bot))
    assert fake_slack.calls_to("chat.update") == []


def test_an_objective_form_forged_for_another_group_is_refused(bot, group, group_b, slack, other_team, fake_slack):
    slack.command(CAROL, CHANNEL_B, "objective")
    form = opened_form(fake_slack, 0)
    own = json.loads(form["private_metadata"])["group_id"]
    group_a = str(next(g for g in snapshot(bot)["groups"] if g[2] == CHANNEL)[0])
    assert own != group_a
    answer = state(objective=text_input("Listen more"), review_on=date_input(_in_days(20)))
    before = snapshot(bot)
    notice = submitted_notice(slack.submit(CAROL, with_metadata(form, json.dumps({"group_id": group_a})), answer))
    assert "haven't joined this group" in notice
    # Alice is in group A, but not in the other workspace.
    notice = submitted_notice(other_team.submit(ALICE, with_metadata(form, json.dumps({"group_id": group_a})), answer))
    assert "no longer matches a group" in notice
    assert unchanged(before, snapshot(bot))

    assert slack.submit(CAROL, form, answer).body == ""  # her own group's form saves
    assert snapshot(bot)["counts"]["Objective"] == before["counts"]["Objective"] + 1


def test_an_advice_form_forged_for_another_group_is_refused(bot, group, group_b, slack, fake_slack):
    group_ids = {g[2]: str(g[0]) for g in snapshot(bot)["groups"]}
    to_a = json.dumps({"group_id": group_ids[CHANNEL]})
    before = snapshot(bot)

    slack.command(CAROL, CHANNEL_B, "advice")
    carols = opened_form(fake_slack, 0)
    for therapist in (CAROL, ALICE):
        advice = state(therapist=user_input(therapist), advice=text_input("Slow down"), days=number_input(7))
        notice = submitted_notice(slack.submit(CAROL, with_metadata(carols, to_a), advice))
        assert "Usage" in notice and ("isn't a therapist in this group" in notice or "Only the coach" in notice)

    slack.command(COACH_B, CHANNEL_B, "advice")
    coach_bs = opened_form(fake_slack, 1)
    advice = state(therapist=user_input(ALICE), advice=text_input("Slow down"), days=number_input(7))
    assert "Only the coach" in submitted_notice(slack.submit(COACH_B, with_metadata(coach_bs, to_a), advice))
    assert unchanged(before, snapshot(bot))
    assert fake_slack.calls_to("chat.postMessage", channel=ALICE) == []

    advice = state(therapist=user_input(CAROL), advice=text_input("Slow down"), days=number_input(7))
    assert slack.submit(COACH_B, coach_bs, advice).body == ""  # B's coach, for B's therapist, is fine
    assert snapshot(bot)["counts"]["Advice"] == before["counts"]["Advice"] + 1


GROUPLESS_METADATA = [
    "{not json",
    "[1, 2]",
    "null",
    '"7"',
    "{}",
    '{"group_id": "999999"}',
    '{"group_id": "-1"}',
    '{"group_id": 1.0}',
    '{"group_id": ""}',
]


def test_form_metadata_that_names_no_group_is_refused(bot, group, slack, fake_slack):
    slack.command(ALICE, CHANNEL, "objective")
    objective_form = opened_form(fake_slack, 0)
    slack.command(ALICE, CHANNEL, "advice")
    advice_form = opened_form(fake_slack, 1)
    before = snapshot(bot)
    objective = state(objective=text_input("Listen more"), review_on=date_input(_in_days(20)))
    advice = state(therapist=user_input(ALICE), advice=text_input("Slow down"), days=number_input(7))
    for metadata in GROUPLESS_METADATA:
        notice = submitted_notice(slack.submit(ALICE, with_metadata(objective_form, metadata), objective))
        assert "no longer matches a group" in notice, metadata
        notice = submitted_notice(slack.submit(ALICE, with_metadata(advice_form, metadata), advice))
        assert "no longer matches a group" in notice, metadata
    assert unchanged(before, snapshot(bot))


DELIVERYLESS_METADATA = [
    "{not json",
    "{}",
    '{"delivery_id": "999999", "answer": "applied"}',
    '{"delivery_id": "-3", "answer": "partly"}',
    '{"delivery_id": null, "answer": "applied"}',
]


def test_follow_up_and_check_in_metadata_that_names_nothing_is_refused(bot, alice_dms, slack, fake_slack):
    slack.click(ALICE, {**alice_dms["follow_up"], "channel": "DALICE"}, "follow_up:applied")
    follow_up_form = opened_form(fake_slack, 0)
    slack.click(ALICE, {**alice_dms["check_in"], "channel": "DALICE"}, "check_in")
    check_in_form = opened_form(fake_slack, 1)
    before = snapshot(bot)
    follow_up = state(learning=text_input("It worked"), ors=number_input(30))
    check_in = state(progress=choose("3"), minutes=number_input(10), learned=text_input("Pace"))
    for metadata in DELIVERYLESS_METADATA:
        http = slack.submit(ALICE, with_metadata(follow_up_form, metadata), follow_up)
        assert "isn't yours" in submitted_notice(http), metadata
        http = slack.submit(ALICE, with_metadata(check_in_form, metadata), check_in)
        assert "isn't yours" in submitted_notice(http), metadata
    assert unchanged(before, snapshot(bot))
    assert fake_slack.calls_to("chat.update") == []


def test_setup_in_another_groups_channel_is_refused(bot, group, group_b, slack):
    before = snapshot(bot)
    for user, channel in [(COACH_B, CHANNEL), (ALICE, CHANNEL), (COACH, CHANNEL_B), (CAROL, CHANNEL_B)]:
        reply = slack.say(user, channel, "setup digest mon 09:00 tz Asia/Tokyo")
        assert "only its coach" in reply and "Usage" in reply, (user, channel, reply)
    assert unchanged(before, snapshot(bot))
    assert "Group settings updated" in slack.say(COACH, CHANNEL, "setup digest mon 09:00")  # the coach may
    assert not unchanged(before, snapshot(bot))


def test_digest_from_another_groups_channel_is_refused(bot, group, group_b, slack, fake_slack):
    group.say(ALICE, "objective Hold silences longer")
    before = snapshot(bot)
    posts = len(fake_slack.calls_to("chat.postMessage"))
    for user, channel in [(COACH_B, CHANNEL), (ALICE, CHANNEL), (COACH, CHANNEL_B), (CAROL, CHANNEL_B)]:
        for request in ("digest preview", "digest post"):
            reply = slack.say(user, channel, request)
            assert "Only this group's coach" in reply and "Usage" in reply, (user, channel, request, reply)
            assert "Hold silences longer" not in reply
    assert len(fake_slack.calls_to("chat.postMessage")) == posts
    assert unchanged(before, snapshot(bot))
    assert "Hold silences longer" in slack.say(COACH, CHANNEL, "digest preview")  # A's coach sees it


def test_holiday_by_anyone_but_the_groups_coach_is_refused(bot, group, group_b, slack):
    before = snapshot(bot)
    for user, channel in [(ALICE, CHANNEL), (COACH_B, CHANNEL), (COACH, CHANNEL_B), (CAROL, CHANNEL_B)]:
        reply = slack.say(user, channel, "holiday 2030-01-01..2030-01-05")
        assert "Only this group's coach" in reply and "Usage" in reply, (user, channel, reply)
    assert unchanged(before, snapshot(bot))
    assert "Days off" in slack.say(COACH, CHANNEL, "holiday 2030-01-01")
    assert snapshot(bot)["counts"]["Holiday"] == before["counts"]["Holiday"] + 1


def test_join_outside_a_group_channel_is_refused(bot, group, slack, other_team, fake_slack):
    fake_slack.add_user("UDAVE", "Europe/Paris")
    before = snapshot(bot)
    for driver, user, channel in [
        (slack, "UDAVE", "CRANDOM"),
        (slack, "UDAVE", "DDAVE"),
        (other_team, "UDAVE", CHANNEL),
    ]:
        reply = driver.say(user, channel, "join")
        assert "isn't a supervision group" in reply and "Usage" in reply, (driver.team_id, channel, reply)
    assert unchanged(before, snapshot(bot))


def test_members_of_one_group_cannot_act_in_another(bot, group, group_b, slack):
    before = snapshot(bot)
    for text in ("objective Take over", "log 30 reading", "outcome C12 ors 20", "pause 1w", "leave"):
        reply = slack.say(CAROL, CHANNEL, text)
        assert "Usage" in reply and ("haven't joined" in reply or "not a member" in reply), (text, reply)
    assert unchanged(before, snapshot(bot))


def test_advice_across_groups_is_refused(bot, group, group_b, slack, fake_slack):
    before = snapshot(bot)
    attempts = [
        (ALICE, CHANNEL, "<@UCAROL>", "Only the coach"),
        (ALICE, CHANNEL_B, "<@UCAROL>", "Only the coach"),
        (ALICE, CHANNEL_B, "<@UALICE>", "isn't a therapist in this group"),
        (COACH, CHANNEL, "<@UCAROL>", "isn't a therapist in this group"),
        (COACH, CHANNEL_B, "<@UCAROL>", "Only the coach"),
        (COACH_B, CHANNEL, "<@UALICE>", "Only the coach"),
        (CAROL, CHANNEL, "<@UALICE>", "Only the coach"),
    ]
    for user, channel, therapist, refusal in attempts:
        reply = slack.say(user, channel, f"advice {therapist} Slow down client C3 ors 20 in 2d")
        assert refusal in reply and "Usage" in reply, (user, channel, therapist, reply)
    assert unchanged(before, snapshot(bot))
    assert "Advice recorded" in slack.say(COACH_B, CHANNEL_B, "advice <@UCAROL> Slow down in 2d")
    assert snapshot(bot)["counts"]["Advice"] == before["counts"]["Advice"] + 1


def test_the_same_ids_in_another_workspace_reach_nothing(bot, group, slack, other_team, fake_slack):
    group.say(ALICE, "objective Hold silences longer")
    before = snapshot(bot)
    for user, text in [
        (COACH, "digest preview"),
        (COACH, "digest post"),
        (COACH, "holiday 2030-01-01"),
        (COACH, "advice <@UALICE> Slow down in 2d"),
        (ALICE, "objective Replaced"),
        (ALICE, "log 30 reading"),
        (ALICE, "leave"),
    ]:
        reply = other_team.say(user, CHANNEL, text)
        assert "Usage" in reply and "Hold silences longer" not in reply, (user, text, reply)
        assert "isn't a supervision group" in reply or "not in a supervision group" in reply, (user, text, reply)
    status = other_team.say(ALICE, CHANNEL, "status")
    assert "Hold silences longer" not in status
    assert unchanged(before, snapshot(bot))
    assert fake_slack.calls_to("chat.postMessage", channel=CHANNEL) == []


def _in_days(days: int) -> str:
    from datetime import date, timedelta

    return (date.today() + timedelta(days=days)).isoformat()
