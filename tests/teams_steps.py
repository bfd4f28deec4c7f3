"""Steps the Teams-side tests share: a group in a team's channel, what a person is told in
their 1:1 chat, what the channel is shown, a card's buttons and a dialog's form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from testkit.microsoft import FakeMicrosoft
from testkit.teams_driver import Member, Reply, TeamsDriver, card_text, cards_to, posts_to
from tests.steps import next_weekday

COACH = Member("29:coach", "Cora Coach", "Europe/Berlin")
ALICE = Member("29:alice", "Alice Example", "America/New_York")
BOB = Member("29:bob", "Bob Example", "Australia/Sydney")
REPLIED_PRIVATELY = "I've replied to you privately."  # as a person reads it in the channel


def roster_entry(member: Member) -> dict[str, str]:
    return {"id": member.id, "name": member.name, "aadObjectId": f"aad-{member.id}"}


@dataclass
class TeamsGroup:
    teams: TeamsDriver
    coach: Member
    therapists: list[Member]

    @property
    def fake(self) -> FakeMicrosoft:
        return self.teams.microsoft

    @property
    def channel(self) -> str:
        return self.teams.channel_id

    def say(self, member: Member, text: str, mentions: Sequence[Member] = ()) -> str:
        """`@Supervision bot practice <text>` in the channel; what the member is told in their
        chat. The channel is shown only that they were answered privately."""
        in_channel = len(posts_to(self.fake, self.channel))
        told = self.told(member, lambda: self.teams.in_channel(member, f"practice {text}", mentions))
        posted = [call.args for call in posts_to(self.fake, self.channel)[in_channel:]]
        assert [(post.get("text"), post.get("attachments")) for post in posted] == [(REPLIED_PRIVATELY, None)], posted
        return told

    def chat(self, member: Member, text: str) -> str:
        """`text` typed in the member's 1:1 chat with the bot; what they are told there."""
        return self.told(member, lambda: self.teams.in_chat(member, text))

    def told(self, member: Member, act: Callable[[], Reply]) -> str:
        """The text of what the bot sent to the member's chat while `act` was handled."""
        before = len(cards_to(self.fake, member))
        reply = act()
        assert reply.status == 200, reply
        return "\n\n".join(card_text(card) for card in cards_to(self.fake, member)[before:])


def a_follow_up(group: TeamsGroup, tick: Callable[[datetime], int]) -> dict:
    """The follow-up card on the coach's advice to the group's first therapist, due in a
    day, as `tick` sends it five weeks on."""
    therapist = group.therapists[0]
    group.say(group.coach, f"advice @{therapist.name} Name the rupture client C12 ors 18 in 1d", [therapist])
    tick(next_weekday(0, 16, weeks_ahead=5))
    [card] = [card for card in cards_to(group.fake, therapist) if "Follow-up" in card_text(card)]
    return card


def a_teams_group(teams: TeamsDriver, coach: Member = COACH, therapists: Sequence[Member] = (ALICE, BOB)) -> TeamsGroup:
    """By default a coach in Berlin and two therapists, in New York and Sydney, in the
    driver's channel, whose roster they are."""
    group = TeamsGroup(teams, coach, list(therapists))
    teams.microsoft.members[teams.channel_id] = [roster_entry(member) for member in (coach, *therapists)]
    assert "now a supervision group" in group.say(coach, "setup")
    for therapist in group.therapists:
        assert "Welcome" in group.say(therapist, "join")
    return group
