"""The app removed from a team, as Teams tells of it (an installationUpdate "remove", a
conversationUpdate with the bot among the members removed): the team's group is held, nothing
is sent to it or its members, and adding the app back resumes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.model import Group
from testkit.teams_driver import TEAM_ID, card_text, cards_to
from tests.conftest import on_one_database
from tests.steps import next_weekday
from tests.teams_steps import ALICE, COACH, TeamsGroup

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests


def removed(teams_group: TeamsGroup, engine) -> bool:
    with Session(engine) as session:
        [group] = session.exec(select(Group)).all()
    assert group.installation_id == TEAM_ID
    return group.removed_at is not None


def follow_ups_to_alice(teams_group: TeamsGroup) -> list[dict]:
    return [card for card in cards_to(teams_group.fake, ALICE) if "Follow-up" in card_text(card)]


@pytest.mark.parametrize("how", ["uninstalled_from_team", "removed_from_team"])
def test_removed_from_the_team_nothing_is_sent_until_the_app_is_added_back(teams_group, teams_bot, how):
    teams = teams_group.teams
    teams_group.say(COACH, f"advice @{ALICE.name} Name the rupture client C12 in 1d", [ALICE])
    assert not removed(teams_group, teams_bot.engine)

    assert getattr(teams, how)(COACH).status == 200

    assert removed(teams_group, teams_bot.engine)
    teams_bot.tick(next_weekday(0, 16, weeks_ahead=2))
    assert follow_ups_to_alice(teams_group) == []

    assert teams.installed_in_team(COACH).status == 200

    assert not removed(teams_group, teams_bot.engine)
    teams_bot.tick(next_weekday(0, 16, weeks_ahead=2) + timedelta(minutes=1))
    assert len(follow_ups_to_alice(teams_group)) == 1


def test_the_app_removed_from_a_persons_chats_holds_no_group(teams_group, teams_bot):
    assert teams_group.teams.uninstalled_for(ALICE).status == 200

    assert not removed(teams_group, teams_bot.engine)
