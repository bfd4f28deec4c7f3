"""Steps the Teams-side tests share: a group in a team's channel, what a person is told in
their 1:1 chat, what the channel is shown, a card's buttons and a dialog's form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from testkit.microsoft import Call, FakeMicrosoft
from testkit.teams_driver import Member, Reply, TeamsDriver
from tests.steps import next_weekday

COACH = Member("29:coach", "Cora Coach", "Europe/Berlin")
ALICE = Member("29:alice", "Alice Example", "America/New_York")
BOB = Member("29:bob", "Bob Example", "Australia/Sydney")
REPLIED_PRIVATELY = "I've replied to you privately."  # as a person reads it in the channel


def roster_entry(member: Member) -> dict[str, str]:
    return {"id": member.id, "name": member.name, "aadObjectId": f"aad-{member.id}"}


def posts_to(fake: FakeMicrosoft, conversation_id: str) -> list[Call]:
    """What the bot posted to a conversation: a channel's posts include those in its threads."""
    return [
        call
        for call in fake.calls_to("activities.create")
        if call.args["conversation_id"].split(";messageid=")[0] == conversation_id
    ]


def cards_to(fake: FakeMicrosoft, member: Member) -> list[dict]:
    """The Adaptive Cards the bot sent to the member's 1:1 chat, oldest first."""
    return [
        attachment["content"]
        for call in posts_to(fake, member.chat_id)
        for attachment in call.args.get("attachments", [])
        if attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    ]


def card_text(card: dict) -> str:
    """A card's text blocks and button titles, a line each."""
    return "\n".join(_texts(card.get("body", [])) + _texts(card.get("actions", [])))


def _texts(elements: list[dict]) -> list[str]:
    texts = []
    for element in elements:
        if element.get("type") == "TextBlock":
            texts.append(element["text"])
        elif element.get("type") == "ActionSet":
            texts += _texts(element["actions"])
        elif "title" in element:
            texts.append(element["title"])
    return texts


def buttons(card: dict) -> dict[str, dict]:
    """A card's buttons, by title: the data each sends when pressed."""
    actions = [
        action
        for element in card.get("body", [])
        if element.get("type") == "ActionSet"
        for action in element["actions"]
    ]
    return {action["title"]: action["data"] for action in actions}


def dialog_card(reply: Reply) -> dict:
    """The card of the dialog an invoke answered with; fails if it answered otherwise."""
    assert reply.status == 200 and reply.body["task"]["type"] == "continue", reply
    return reply.body["task"]["value"]["card"]["content"]


def dialog_message(reply: Reply) -> str:
    """What a dialog closed with; fails if the invoke answered otherwise."""
    assert reply.status == 200 and reply.body["task"]["type"] == "message", reply
    return reply.body["task"]["value"]


def field_ids(card: dict) -> list[str]:
    return [element["id"] for element in card["body"] if element["type"].startswith("Input.")]


def shown_after(card: dict, field_id: str) -> str:
    """The text shown right after a form's field: where its error goes."""
    body = card["body"]
    [index] = [index for index, element in enumerate(body) if element.get("id") == field_id]
    return body[index + 1].get("text", "")


def submission(card: dict, **inputs: Any) -> dict:
    """What a dialog's form sends: its submit button's data with the inputs' values."""
    [submit] = card["actions"]
    return {**submit["data"], **inputs}


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
