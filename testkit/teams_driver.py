"""Plays Teams' side of the conversation with the bot: activities shaped as Teams sends them
(messages in a channel and in the 1:1 chat, button presses and form submissions as dialog
invokes, installs), each signed with a Bot Framework token from the fake Microsoft."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from testkit.microsoft import Call, FakeMicrosoft

TENANT_ID = "6d1f0e3a-2b4c-4d5e-8f90-0a1b2c3d4e5f"  # the organisation whose team uses the bot
TEAM_ID = "19:team-general@thread.tacv2"
CHANNEL_ID = "19:supervision@thread.tacv2"
BOT_NAME = "Supervision bot"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    timezone: str | None = "Europe/London"

    @property
    def chat_id(self) -> str:
        """Their 1:1 chat with the bot, as the fake Bot Connector names it too."""
        return f"a:1on1-{self.id}"


@dataclass
class Reply:
    status: int
    body: Any
    seconds: float


Transport = Callable[[dict, dict[str, str]], Reply]


def over_http(bot_url: str) -> Transport:
    def post(activity: dict, headers: dict[str, str]) -> Reply:
        request = urllib.request.Request(
            f"{bot_url}/api/messages",
            data=json.dumps(activity).encode(),
            headers={"Content-Type": "application/json", **headers},
            method="POST",
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            raw, status = error.read(), error.code
        return Reply(status, json.loads(raw) if raw else None, time.monotonic() - started)

    return post


class TeamsDriver:
    def __init__(
        self, transport: Transport, microsoft: FakeMicrosoft, tenant_id: str = TENANT_ID, channel_id: str = CHANNEL_ID
    ):
        self.transport = transport
        self.microsoft = microsoft
        self.tenant_id = tenant_id
        self.channel_id = channel_id
        self.bot = {"id": f"28:{microsoft.app_id}", "name": BOT_NAME}

    # ----- what people do -----

    def in_channel(self, user: Member, text: str, mentions: Sequence[Member] = ()) -> Reply:
        """`@Supervision bot <text>` in the group's channel; `@Name` in `text` mentions that member."""
        entities = [_mention(self.bot["id"], self.bot["name"])]
        for member in mentions:
            text = text.replace(f"@{member.name}", f"<at>{member.name}</at>")
            entities.append(_mention(member.id, member.name))
        activity = self._activity("message", user, self._channel_conversation())
        activity.update(text=f"<at>{BOT_NAME}</at> {text}", entities=entities + _client_info(user))
        return self.send(activity)

    def in_chat(self, user: Member, text: str) -> Reply:
        activity = self.chat_message(user, text)
        activity.update(entities=_client_info(user))
        return self.send(activity)

    def press(self, user: Member, data: dict, where: dict | None = None) -> Reply:
        """A card button: Teams asks the bot for a dialog (task/fetch) with the button's data."""
        return self._invoke(user, "task/fetch", {"data": data, "context": {"theme": "default"}}, where)

    def submit(self, user: Member, data: dict, where: dict | None = None) -> Reply:
        """A dialog's form sent: its inputs and the submit action's data in one object."""
        return self._invoke(user, "task/submit", {"data": data, "context": {"theme": "default"}}, where)

    def consent(self, user: Member, context: dict, upload_info: dict | None = None) -> Reply:
        """The person's answer to a file consent card: accepted with upload_info, else declined."""
        value = {"type": "fileUpload", "action": "accept" if upload_info else "decline", "context": context}
        if upload_info:
            value["uploadInfo"] = upload_info
        return self._invoke(user, "fileConsent/invoke", value)

    def installed_in_team(self, by: Member) -> Reply:
        activity = self._activity("conversationUpdate", by, self._channel_conversation(TEAM_ID))
        activity.update(membersAdded=[{"id": self.bot["id"]}])
        activity["channelData"]["eventType"] = "teamMemberAdded"
        return self.send(activity)

    def removed_from_team(self, by: Member) -> Reply:
        """The bot taken out of the team: Teams tells of it as it tells of its install, twice."""
        activity = self._activity("conversationUpdate", by, self._channel_conversation(TEAM_ID))
        activity.update(membersRemoved=[{"id": self.bot["id"]}])
        activity["channelData"]["eventType"] = "teamMemberRemoved"
        return self.send(activity)

    def uninstalled_from_team(self, by: Member) -> Reply:
        activity = self._activity("installationUpdate", by, self._channel_conversation(TEAM_ID))
        activity.update(action="remove")
        return self.send(activity)

    def installed_for(self, user: Member) -> Reply:
        activity = self._activity("installationUpdate", user, self._chat_of(user))
        activity.update(action="add")
        return self.send(activity)

    def uninstalled_for(self, user: Member) -> Reply:
        activity = self._activity("installationUpdate", user, self._chat_of(user))
        activity.update(action="remove")
        return self.send(activity)

    # ----- signing and shapes -----

    def send(self, activity: dict, token: str | None = None) -> Reply:
        """The activity as Teams posts it; signed with a valid token unless one is given."""
        token = self.microsoft.mint(service_url=activity["serviceUrl"]) if token is None else token
        return self.transport(activity, {"Authorization": f"Bearer {token}"} if token else {})

    def chat_message(self, user: Member, text: str) -> dict:
        """A message in the user's 1:1 chat, not yet sent: for tests that sign it themselves."""
        activity = self._activity("message", user, self._chat_of(user))
        activity.update(text=text)
        return activity

    def _invoke(self, user: Member, name: str, value: dict, where: dict | None = None) -> Reply:
        activity = self._activity("invoke", user, where or self._chat_of(user))
        activity.update(name=name, value=value)
        return self.send(activity)

    def _activity(self, kind: str, user: Member, conversation: dict) -> dict:
        activity = {
            "type": kind,
            "id": f"activity-{next(_ids)}",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "serviceUrl": self.microsoft.service_url,
            "channelId": "msteams",
            "from": {"id": user.id, "name": user.name, "aadObjectId": f"aad-{user.id}"},
            "conversation": conversation,
            "recipient": dict(self.bot),
            "channelData": {"tenant": {"id": self.tenant_id}},
            "locale": "en-GB",
        }
        if conversation.get("conversationType") == "channel":
            activity["channelData"].update(
                team={"id": TEAM_ID}, channel={"id": conversation["id"].split(";")[0]}, teamsTeamId=TEAM_ID
            )
        return activity

    def _channel_conversation(self, channel_id: str | None = None) -> dict:
        channel = channel_id or self.channel_id
        return {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": self.tenant_id,
            "id": f"{channel};messageid={next(_ids)}",
        }

    def _chat_of(self, user: Member) -> dict:
        return {"conversationType": "personal", "tenantId": self.tenant_id, "id": user.chat_id}


def _mention(user_id: str, name: str) -> dict:
    return {"type": "mention", "text": f"<at>{name}</at>", "mentioned": {"id": user_id, "name": name}}


def _client_info(user: Member) -> list[dict]:
    info = {"type": "clientInfo", "locale": "en-GB", "country": "GB", "platform": "Web"}
    return [{**info, "timezone": user.timezone}] if user.timezone else [info]


# ----- reading what the bot sent to the fake Bot Connector -----


def posts_to(fake: FakeMicrosoft, conversation_id: str, at_least: int = 0) -> list[Call]:
    """What the bot posted to a conversation: a channel's posts include those in its threads.
    With `at_least`, once there are that many: the bot answers an activity first and posts after."""

    def in_conversation(args: dict) -> bool:
        return args["conversation_id"].split(";messageid=")[0] == conversation_id

    return fake.wait_for("activities.create", at_least, where=in_conversation)


def posted_for(fake: FakeMicrosoft, conversation_id: str, act: Callable[[], Reply], posts: int = 1) -> list[Call]:
    """The bot's `posts` posts to a conversation after `act`, whose activity it answered with 200."""
    before = len(posts_to(fake, conversation_id))
    reply = act()
    assert reply.status == 200, reply
    return posts_to(fake, conversation_id, at_least=before + posts)[before:]


def cards_to(fake: FakeMicrosoft, member: Member) -> list[dict]:
    """The Adaptive Cards the bot sent to the member's 1:1 chat, oldest first."""
    return [
        attachment["content"]
        for call in posts_to(fake, member.chat_id)
        for attachment in call.args.get("attachments", [])
        if attachment["contentType"] == ADAPTIVE_CARD
    ]


def card_of(activity: dict) -> dict:
    """The one Adaptive Card an activity the bot posted carries; none for a text."""
    cards = [a["content"] for a in activity.get("attachments", []) if a["contentType"] == ADAPTIVE_CARD]
    assert len(cards) <= 1, activity
    return cards[0] if cards else {}


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
