"""Plays Slack's side of the conversation with a running bot: signed HTTP requests
carrying slash commands, button clicks and view submissions, shaped as Slack sends them."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from testkit.slack_api import TEAM_ID, FakeSlack

SIGNING_SECRET = "test-signing-secret"
_ids = itertools.count(1)


@dataclass
class HttpReply:
    status: int
    body: str
    seconds: float

    def json(self) -> dict:
        return json.loads(self.body) if self.body else {}


class SlackDriver:
    def __init__(self, bot_url: str, fake: FakeSlack, team_id: str = TEAM_ID):
        self.bot_url = bot_url
        self.fake = fake
        self.team_id = team_id
        self.verifier = SignatureVerifier(SIGNING_SECRET)

    def post(
        self,
        body: str,
        content_type: str = "application/x-www-form-urlencoded",
        *,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> HttpReply:
        timestamp = int(time.time()) if timestamp is None else timestamp
        signer = SignatureVerifier(secret) if secret else self.verifier
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signer.generate_signature(timestamp=str(timestamp), body=body),
        }
        request = urllib.request.Request(
            f"{self.bot_url}/slack/events", data=body.encode(), headers=headers, method="POST"
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return HttpReply(response.status, response.read().decode(), time.monotonic() - started)
        except urllib.error.HTTPError as error:
            return HttpReply(error.code, error.read().decode(), time.monotonic() - started)

    def command(self, user: str, channel: str, text: str, channel_name: str = "supervision") -> tuple[HttpReply, str]:
        """Run `/practice text`; returns the HTTP reply and the name of its response_url."""
        name = f"cmd{next(_ids)}"
        body = urlencode(
            {
                "token": "unused",
                "team_id": self.team_id,
                "team_domain": "fake",
                "channel_id": channel,
                "channel_name": "directmessage" if channel.startswith("D") else channel_name,
                "user_id": user,
                "user_name": user.lower(),
                "command": "/practice",
                "text": text,
                "api_app_id": "AFAKE",
                "response_url": self.fake.response_url(name),
                "trigger_id": f"trigger-{name}",
            }
        )
        return self.post(body), name

    def replies(self, name: str, count: int = 1) -> list[dict]:
        """What the bot sent back through a request's response_url."""
        return [call.args for call in self.fake.wait_for("response_url", count, name=name)]

    def reply_text(self, name: str) -> str:
        return blocks_text(self.replies(name)[0]["blocks"])

    def say(self, user: str, channel: str, text: str) -> str:
        """A slash command whose reply is awaited; its visible text."""
        http, name = self.command(user, channel, text)
        assert http.status == 200, http
        return self.reply_text(name)

    def click(
        self, user: str, message_call_args: dict, action_id: str, channel: str | None = None
    ) -> tuple[HttpReply, str]:
        """Click the button `action_id` on a message the bot posted (the args of its chat.postMessage)."""
        blocks = message_call_args["blocks"]
        value = find_button(blocks, action_id)["value"]
        channel = channel or message_call_args.get("channel_resolved") or message_call_args["channel"]
        return self.press(user, action_id, value, channel, blocks)

    def press(
        self, user: str, action_id: str, value: str, channel: str, blocks: list[dict] | None = None
    ) -> tuple[HttpReply, str]:
        """A button press as Slack sends it, with any value (a forged one too), on a message
        with `blocks` if given; the reply, and the name of its response_url."""
        name = f"click{next(_ids)}"
        payload = {
            "type": "block_actions",
            "team": {"id": self.team_id, "domain": "fake"},
            "user": {"id": user, "team_id": self.team_id},
            "api_app_id": "AFAKE",
            "container": {"type": "message", "channel_id": channel, "message_ts": "1.0"},
            "channel": {"id": channel},
            "trigger_id": f"trigger-{name}",
            "response_url": self.fake.response_url(name),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b",
                    "value": value,
                    "action_ts": str(time.time()),
                }
            ],
        }
        if blocks is not None:
            payload["message"] = {"type": "message", "ts": "1.0", "blocks": blocks}
        return self.post(urlencode({"payload": json.dumps(payload)})), name

    def open_home(self, user: str) -> HttpReply:
        """The user opens the app's Home tab: Slack's `app_home_opened` event."""
        return self.event({"type": "app_home_opened", "user": user, "tab": "home"})

    def uninstalled(self) -> HttpReply:
        """The workspace removed the app: Slack's `app_uninstalled` event."""
        return self.event({"type": "app_uninstalled"})

    def tokens_revoked(self, bot: bool = True) -> HttpReply:
        """Slack's `tokens_revoked` event: the bot's token, or only a user's."""
        return self.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"] if bot else [], "oauth": ["UALICE"]}})

    def event(self, event: dict) -> HttpReply:
        """An Events API callback of this workspace carrying `event`."""
        callback = {
            "token": "unused",
            "team_id": self.team_id,
            "api_app_id": "AFAKE",
            "type": "event_callback",
            "event_id": f"Ev{next(_ids)}",
            "event_time": int(time.time()),
            "event": {**event, "event_ts": str(time.time())},
            "authorizations": [{"team_id": self.team_id, "user_id": "UBOT", "is_bot": True}],
        }
        return self.post(json.dumps(callback), "application/json")

    def press_on_home(self, user: str, view: dict, action_id: str, value: str | None = None) -> HttpReply:
        """Press `action_id` on the Home tab the bot published (`view`): a button, or a select
        choosing `value`. A Home tab's actions come with no channel and no response_url."""
        element = find_element(view["blocks"], action_id)
        if element["type"] == "static_select":
            action = {"type": "static_select", "selected_option": {"value": value}}
        else:
            action = {"type": "button", "value": value if value is not None else element["value"]}
        payload = {
            "type": "block_actions",
            "team": {"id": self.team_id, "domain": "fake"},
            "user": {"id": user, "team_id": self.team_id},
            "api_app_id": "AFAKE",
            "container": {"type": "view", "view_id": "VHOME"},
            "trigger_id": f"trigger-home{next(_ids)}",
            "view": {**view, "id": "VHOME"},
            "actions": [{**action, "action_id": action_id, "block_id": "b", "action_ts": str(time.time())}],
        }
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def submit(self, user: str, view: dict, values: dict[str, dict]) -> HttpReply:
        """Submit a modal the bot opened (its `view`), with `values` as Slack's view state."""
        payload = {
            "type": "view_submission",
            "team": {"id": self.team_id, "domain": "fake"},
            "user": {"id": user, "team_id": self.team_id},
            "api_app_id": "AFAKE",
            "trigger_id": f"trigger-submit{next(_ids)}",
            "view": {**view, "id": "VFAKE", "team_id": self.team_id, "state": {"values": values}},
        }
        return self.post(urlencode({"payload": json.dumps(payload)}))


def user_change(event_id: str, user: str, tz: str, team_id: str = TEAM_ID) -> str:
    """The JSON body of Slack's `user_change` event: `user`'s profile now has the zone `tz`."""
    return json.dumps(
        {
            "team_id": team_id,
            "api_app_id": "AFAKE",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": {
                "type": "user_change",
                "user": {"id": user, "team_id": team_id, "name": user.lower(), "tz": tz},
                "event_ts": str(time.time()),
            },
            "authorizations": [{"team_id": team_id, "user_id": "UBOT", "is_bot": True}],
        }
    )


def find_element(blocks: list[dict], action_id: str) -> dict:
    """A button or select, in an actions block or beside a section."""
    elements = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    elements += [b["accessory"] for b in blocks if "accessory" in b]
    return next(e for e in elements if e.get("action_id") == action_id)


def find_button(blocks: list[dict], action_id: str) -> dict:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no button {action_id!r} in {blocks}")


def buttons(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def blocks_text(blocks: list[dict]) -> str:
    texts = []
    for block in blocks:
        if "text" in block and isinstance(block["text"], dict):
            texts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element.get("text"), dict):
                texts.append(element["text"]["text"])
    return "\n".join(texts)


def text_input(value: str | None) -> dict:
    return {"type": "plain_text_input", "value": value}


def number_input(value: int | None) -> dict:
    return {"type": "number_input", "value": None if value is None else str(value)}


def select(value: str) -> dict:
    return {"type": "static_select", "selected_option": {"value": value}}


def date_input(value: str) -> dict:
    return {"type": "datepicker", "selected_date": value}


def user_input(user: str) -> dict:
    return {"type": "users_select", "selected_user": user}


def state(**fields: dict) -> dict[str, dict]:
    """View state values: each block holds one action named like the block."""
    return {name: {name: value} for name, value in fields.items()}
