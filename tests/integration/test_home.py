"""Home on the core with a real database: the therapist's practice in each group, the coach's
view of the group they coach, its buttons working as they do in a direct message, and what
Home never shows (another tenant's group, a coach's view to a therapist)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from bot.messages import Button, ChannelLink, buttons_of
from bot.model import Group, Platform
from bot.prompts import follow_up_action
from bot.services import Caller
from bot.services.home import CLIENT_ACTION, PICK_GROUP_ACTION, POST_ACTION, PREVIEW_ACTION
from tests.core_harness import TEAM, CoreHarness, plain, plain_reply
from tests.pictures import decoded

START = datetime(2026, 6, 1, 10, tzinfo=timezone.utc)  # a Monday
COACH, ALICE, BOB = "UCOACH", "UALICE", "UBOB"
ZONES = {COACH: "Europe/Paris", ALICE: "Europe/Paris", BOB: "Europe/Paris"}


@pytest.fixture
def harness(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    assert harness.say(COACH, "setup hours 00:00-23:59 days mon-sun").startswith("This channel is now")
    for therapist in (ALICE, BOB):
        assert harness.say(therapist, "join").startswith("Welcome")
    yield harness
    harness.close()


def home_of(harness: CoreHarness, user: str, tenant: str = TEAM, coached_id: int | None = None):
    return asyncio.run(harness.core.home(Caller(Platform.SLACK, tenant, user), coached_id))


def press(harness: CoreHarness, user: str, button: Button, tenant: str = TEAM):
    async def pressed():
        result = await harness.core.press(Caller(Platform.SLACK, tenant, user), button.action, button.value)
        await harness.core.settled()
        return result

    return asyncio.run(pressed())


def section(message, heading: str):
    return next(s for s in message.sections if s.heading == heading)


def test_the_therapists_home_shows_their_practice_with_the_dms_buttons(harness):
    harness.say(ALICE, "objective Hold silences longer")
    harness.say(COACH, "advice <@UALICE> Slow down after a rupture client C1 in 1d")
    harness.say(ALICE, "outcome C1 ors 20 intake")
    harness.say(ALICE, "outcome C1 ors 12 session 2")
    harness.say(ALICE, "log 30 reviewed a session recording")
    harness.say(ALICE, "note Waiting lets the client go deeper")
    harness.say(ALICE, "pause 1w")
    harness.say(ALICE, "resume")
    harness.advance_to(START + timedelta(days=2))
    [asked] = [sent for sent in harness.messenger.sent if sent.message.summary.startswith("Follow-up")]

    home = home_of(harness, ALICE)

    shown = plain(home)
    assert "Hold silences longer (review" in shown and "Progress on it (1–5), weekly:" in shown
    assert "This week's check-in" in shown
    assert "Slow down after a rupture" in shown
    assert "30 min" in section(home, "Practice minutes").lines[0][-1]
    assert "C1: ORS 20 → 12 (-8), reliable deterioration" in shown and "⚠️" in shown
    assert "Waiting lets the client go deeper" in shown and "Comes back next" in shown
    assert "Not paused" in shown
    assert section(home, "Open follow-up").buttons == asked.message.buttons  # the DM's own buttons
    assert Button("Open C1", CLIENT_ACTION, f"{_group_id(home)}:C1") in buttons_of(home)
    assert "The group you coach" not in shown  # Alice coaches nothing


def _group_id(home) -> str:
    client = next(button for button in buttons_of(home) if button.action == CLIENT_ACTION)
    return client.value.split(":")[0]


def test_a_follow_up_is_answered_from_home_as_from_its_direct_message(harness):
    harness.say(COACH, "advice <@UALICE> Slow down after a rupture in 1d")
    harness.advance_to(START + timedelta(days=2))
    home = home_of(harness, ALICE)
    [not_yet] = [b for b in buttons_of(home) if b.action == follow_up_action("not_yet")]
    [applied] = [b for b in buttons_of(home) if b.action == follow_up_action("applied")]

    assert press(harness, ALICE, applied).form is not None  # the form the DM's button opens
    answered = press(harness, ALICE, not_yet)

    assert answered.updates and "Not yet" in plain(answered.updates[0][1])  # the DM is redrawn answered
    assert not [b for b in buttons_of(home_of(harness, ALICE)) if b.action == follow_up_action("not_yet")]
    assert "isn't yours to answer" in plain_reply(press(harness, BOB, not_yet))


def test_the_client_button_opens_the_client_view_only_for_its_therapist_in_its_tenant(harness):
    harness.say(ALICE, "outcome C1 ors 20 intake")
    [client] = [b for b in buttons_of(home_of(harness, ALICE)) if b.action == CLIENT_ACTION]

    assert "Client C1" in plain_reply(press(harness, ALICE, client))
    assert "nothing changed" in plain_reply(press(harness, BOB, client))
    assert "nothing changed" in plain_reply(press(harness, ALICE, client, tenant="TOTHER"))


def test_each_groups_part_of_the_therapists_home_is_headed_by_its_channel(harness):
    harness.say(COACH, "setup", channel="CSECOND")
    harness.say(ALICE, "join", channel="CSECOND")
    harness.say(ALICE, "objective Hold silences longer", channel="CSECOND")

    practice = [s for s in home_of(harness, ALICE).sections if s.heading == "Your practice"]

    assert [s.lines[0][-1] for s in practice] == [ChannelLink("CGROUP"), ChannelLink("CSECOND")]
    assert "none yet" in text_of(practice[0]) and "Hold silences longer" in text_of(practice[1])


def text_of(one) -> str:
    return str(one.lines)


def test_the_coachs_home_has_a_row_per_therapist_the_agenda_participation_and_the_digest(harness):
    harness.say(ALICE, "objective Hold silences longer")
    harness.say(ALICE, "log 40 rehearsed a rupture repair")

    home = home_of(harness, COACH)

    rows = text_of(section(home, "Therapists"))
    assert "Hold silences longer · last check-in never" in rows and "40 min in 4 weeks" in rows
    assert "no objective" in rows and rows.count("open loops 0") == 2
    assert "No objective yet" in str(section(home, "Agenda for the next meeting").lines)
    assert "0/2" in str(section(home, "Participation").lines)
    digest = section(home, "Digest").buttons
    assert [button.action for button in digest] == [PREVIEW_ACTION, POST_ACTION]
    assert "Agenda for the next meeting" in plain(press(harness, COACH, digest[0]).reply)
    assert "Only this group's coach" in plain_reply(press(harness, ALICE, digest[0]))
    assert "Only this group's coach" in plain_reply(press(harness, ALICE, digest[1]))


def test_the_therapists_home_draws_their_practice_and_the_coachs_the_groups_weeks(harness):
    harness.say(ALICE, "objective Hold silences longer")
    harness.say(ALICE, "log 30 reviewed a session recording")
    harness.say(BOB, "log 45 rehearsed a rupture repair")

    practice = section(home_of(harness, ALICE), "Practice minutes").image
    participation = section(home_of(harness, COACH), "Participation").image

    decoded(practice)
    decoded(participation)
    assert "Practice minutes in each of the last 12 weeks" in practice.alt
    assert "(30 in all)" in practice.alt and "By kind: recording review 30." in practice.alt  # Alice's alone
    assert "Checked in: " in participation.alt and participation.alt.endswith(
        "0 of 2. Practice minutes: 0, 0, 0, 0, 0, 0, 0, 75 (75 in all)."
    )


def test_a_coach_of_several_groups_picks_which_one_home_shows(harness):
    harness.say(COACH, "setup", channel="CSECOND")
    home = home_of(harness, COACH)
    picker = section(home, "The group you coach").buttons
    assert [(b.action, b.label, b.style) for b in picker] == [
        (PICK_GROUP_ACTION, "#CGROUP", "primary"),
        (PICK_GROUP_ACTION, "#CSECOND", None),
    ]

    chosen = press(harness, COACH, picker[1])

    assert chosen.shows_home
    assert section(chosen.reply, "The group you coach").lines[0][-1] == ChannelLink("CSECOND")
    assert "No therapists yet" in plain(chosen.reply)


def test_a_therapist_gets_no_coachs_home_and_another_tenants_group_never_shows(harness):
    harness.say(COACH, "setup", channel="COTHER", tenant_id="TOTHER")
    harness.say(ALICE, "join", channel="COTHER", tenant_id="TOTHER")
    other_id = _group_id_of(harness, "COTHER")
    other = home_of(harness, COACH, tenant="TOTHER")
    assert "COTHER" in str(other.sections)  # so the checks below can see it

    assert "The group you coach" not in plain(home_of(harness, ALICE))
    for home in (home_of(harness, COACH), home_of(harness, COACH, coached_id=other_id)):
        assert "CGROUP" in str(home.sections) and "COTHER" not in str(home.sections)
    picked = press(harness, COACH, Button("#COTHER", PICK_GROUP_ACTION, str(other_id)))
    assert "COTHER" not in str(picked.reply.sections)
    assert "nothing changed" in plain_reply(press(harness, COACH, Button("Preview", PREVIEW_ACTION, str(other_id))))


def _group_id_of(harness: CoreHarness, channel: str) -> int:
    with Session(harness.engine) as session:
        return session.exec(select(Group.id).where(Group.channel_id == channel)).one()
