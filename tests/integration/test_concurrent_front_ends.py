"""One user's ten requests arriving at the same moment, through the Slack and the Teams
front-ends (tests/in_process.py, tests/in_process_teams.py): each is told what it did, and
the last one written is the objective in force. The core's own test of the race is
tests/integration/test_concurrent_requests.py; these show no front-end's own writes (the
request recorded for de-duplication, the person and their address) break it."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.model import Objective, ObjectiveStatus
from bot.storage import make_engine
from testkit.slack_driver import HttpReply, SlackDriver, blocks_text
from testkit.teams_driver import Reply, TeamsDriver, card_text, cards_to
from tests.teams_steps import ALICE as TEAMS_ALICE

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


def objectives(database_url: str) -> list[Objective]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.exec(select(Objective).order_by(Objective.id)))
    finally:
        engine.dispose()


def assert_the_last_written_is_active(database_url: str) -> None:
    written = objectives(database_url)
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
    held: list[tuple[dict, dict[str, str]]] = []

    def hold(activity: dict, headers: dict[str, str]) -> Reply:
        held.append((activity, headers))
        return Reply(200, None, 0.0)

    driver = TeamsDriver(hold, microsoft)
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
