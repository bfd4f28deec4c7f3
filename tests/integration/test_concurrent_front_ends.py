"""One user's ten requests arriving at the same moment, through the Slack and the Teams
front-ends (tests/in_process.py, tests/in_process_teams.py): each is told what it did; the
last objective written is the one in force, and a newcomer joining ten times joins once.
The core's own test of the race is tests/integration/test_concurrent_requests.py; these show
that no front-end's own writes (the request recorded for de-duplication, the person and their
address) break it."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.model import Member, Objective, ObjectiveStatus
from bot.storage import make_engine
from testkit.slack_driver import HttpReply, SlackDriver, blocks_text
from testkit.teams_driver import Member as TeamsMember
from testkit.teams_driver import Reply, TeamsDriver, card_text, cards_to
from tests.teams_steps import ALICE as TEAMS_ALICE
from tests.teams_steps import roster_entry

AT_ONCE = 10
TEXTS = [f"objective Ask for feedback on the alliance, variant {n}" for n in range(AT_ONCE)]


class Held(SlackDriver):
    """The driver's requests kept, not sent, to be dispatched together."""

    def __init__(self, fake):
        super().__init__("held", fake)
        self.bodies: list[str] = []

    def post(self, body: str, content_type: str = "application/x-www-form-urlencoded", **signing) -> HttpReply:
        self.bodies.append(body)
        return HttpReply(200, "", 0.0)


def held_teams(microsoft) -> tuple[TeamsDriver, list[tuple[dict, dict[str, str]]]]:
    """A Teams driver whose activities are kept, not sent, to be handled together."""
    held: list[tuple[dict, dict[str, str]]] = []

    def hold(activity: dict, headers: dict[str, str]) -> Reply:
        held.append((activity, headers))
        return Reply(200, None, 0.0)

    return TeamsDriver(hold, microsoft), held


def rows(database_url: str, table) -> list:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.exec(select(table).order_by(table.id)))
    finally:
        engine.dispose()


def assert_joined_once(database_url: str, user_id: str, replies: list[str]) -> None:
    assert sum("Welcome to the group" in reply for reply in replies) == 1, replies
    assert sum("You're already in this group" in reply for reply in replies) == AT_ONCE - 1, replies
    assert [member.user_id for member in rows(database_url, Member)].count(user_id) == 1


def assert_the_last_written_is_active(database_url: str) -> None:
    written = rows(database_url, Objective)
    assert sorted(o.text for o in written) == sorted(text.removeprefix("objective ") for text in TEXTS)
    assert [o.status for o in written] == [ObjectiveStatus.REFINED] * (AT_ONCE - 1) + [ObjectiveStatus.ACTIVE]


def test_on_slack_each_of_ten_objectives_at_once_is_answered(group, bot, fake_slack, database_url):
    held = Held(fake_slack)
    names = [held.command("UALICE", "CGROUP", text)[1] for text in TEXTS]

    assert bot.handle_at_once(held.bodies, "application/x-www-form-urlencoded") == [200] * AT_ONCE

    for name, text in zip(names, TEXTS, strict=True):
        [reply] = held.replies(name)
        assert "Your learning objective:" in blocks_text(reply["blocks"]), reply
        assert text.removeprefix("objective ") in blocks_text(reply["blocks"]), reply
    assert_the_last_written_is_active(database_url)


def test_on_teams_each_of_ten_objectives_at_once_is_answered(teams_group, teams_bot, microsoft, database_url):
    driver, held = held_teams(microsoft)
    for text in TEXTS:
        driver.in_channel(TEAMS_ALICE, f"practice {text}")
    before = len(cards_to(microsoft, TEAMS_ALICE))

    assert teams_bot.transport_at_once(held) == [200] * AT_ONCE

    told = [card_text(card) for card in cards_to(microsoft, TEAMS_ALICE)[before:]]
    for text in TEXTS:
        [answer] = [card for card in told if text.removeprefix("objective ") in card]
        assert "Your learning objective:" in answer, answer
    assert len(told) == AT_ONCE, told
    assert_the_last_written_is_active(database_url)


def test_on_slack_a_new_person_joining_ten_times_at_once_joins_once(group, bot, fake_slack, database_url):
    fake_slack.add_user("UNEW", "Asia/Tokyo")  # never seen before: their person record is made now
    held = Held(fake_slack)
    names = [held.command("UNEW", "CGROUP", "join")[1] for _ in range(AT_ONCE)]

    assert bot.handle_at_once(held.bodies, "application/x-www-form-urlencoded") == [200] * AT_ONCE

    replies = [blocks_text(reply["blocks"]) for name in names for reply in held.replies(name)]
    assert_joined_once(database_url, "UNEW", replies)


def test_on_teams_a_new_person_joining_ten_times_at_once_joins_once(teams_group, teams_bot, microsoft, database_url):
    newcomer = TeamsMember("29:new", "Nia New", "Asia/Tokyo")
    microsoft.members[teams_group.channel].append(roster_entry(newcomer))
    driver, held = held_teams(microsoft)
    for _ in range(AT_ONCE):
        driver.in_channel(newcomer, "practice join")

    assert teams_bot.transport_at_once(held) == [200] * AT_ONCE

    assert_joined_once(database_url, newcomer.id, [card_text(card) for card in cards_to(microsoft, newcomer)])
