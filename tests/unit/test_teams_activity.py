"""What the Teams front-end reads from an activity's JSON: the caller, the command, the zone."""

from __future__ import annotations

from bot.grammar import user_token
from bot.model import Platform
from handlers.teams.activity import caller_from, command_text, tenant_of, timezone_of
from handlers.teams.addresses import Conversation

BOT = {"id": "28:bot", "name": "Supervision bot"}
SERVICE = "https://smba.example/emea/"


def channel_message(text: str, *mentions: tuple[str, str]) -> dict:
    return {
        "type": "message",
        "serviceUrl": SERVICE,
        "from": {"id": "29:alice", "name": "Alice"},
        "recipient": BOT,
        "conversation": {"conversationType": "channel", "tenantId": "T1", "id": "19:chan@thread.tacv2;messageid=7"},
        "channelData": {"tenant": {"id": "T1"}, "channel": {"id": "19:chan@thread.tacv2"}},
        "text": text,
        "entities": [
            {"type": "mention", "text": f"<at>{name}</at>", "mentioned": {"id": user_id, "name": name}}
            for user_id, name in (("28:bot", "Supervision bot"), *mentions)
        ],
    }


def chat_message(text: str) -> dict:
    return {
        "type": "message",
        "serviceUrl": SERVICE,
        "from": {"id": "29:alice"},
        "recipient": BOT,
        "conversation": {"conversationType": "personal", "tenantId": "T1", "id": "a:chat"},
        "text": text,
    }


def test_the_bots_mention_and_the_command_name_are_dropped_and_people_become_references():
    activity = channel_message(
        "<at>Supervision bot</at> practice advice <at>Bob Smith</at> Name the rupture", ("29:bob", "Bob Smith")
    )
    assert command_text(activity) == f"advice {user_token('29:bob')} Name the rupture"


def test_in_the_chat_the_command_name_is_optional_with_or_without_a_slash():
    for typed in (
        "log 30 role-play",
        "practice log 30 role-play",
        "/practice log 30 role-play",
        "Practice log 30 role-play",
    ):
        assert command_text(chat_message(typed)) == "log 30 " + typed.split()[-1]


def test_html_from_the_teams_client_is_read_as_the_text_it_shows():
    activity = chat_message("<p>log 20 read&nbsp;about &lt;ruptures&gt; &amp; repair</p>")
    assert command_text(activity) == "log 20 read about <ruptures> & repair"


def test_a_mention_typed_as_text_stays_text():
    assert command_text(chat_message("log 5 wrote &lt;at&gt;Bob&lt;/at&gt;")) == "log 5 wrote <at>Bob</at>"


def test_a_channel_caller_is_reached_privately_by_their_stored_chat_and_acts_in_the_channel():
    caller = caller_from(channel_message("<at>Supervision bot</at> status"))
    assert (caller.platform, caller.tenant_id, caller.user_id) == (Platform.TEAMS, "T1", "29:alice")
    assert caller.channel_id == "19:chan@thread.tacv2" and not caller.in_direct_message
    assert caller.address is None
    assert Conversation.from_text(caller.channel_address) == Conversation("19:chan@thread.tacv2", SERVICE)


def test_a_chat_caller_is_reached_in_that_chat():
    caller = caller_from(chat_message("status"))
    assert caller.in_direct_message and caller.channel_id == "a:chat"
    assert Conversation.from_text(caller.address) == Conversation("a:chat", SERVICE)


def test_the_tenant_is_read_from_the_conversation_or_else_the_channel_data():
    assert tenant_of(chat_message("x")) == "T1"
    assert tenant_of({"channelData": {"tenant": {"id": "T2"}}}) == "T2"
    assert tenant_of({"conversation": {"tenantId": 7}}) == ""


def test_the_zone_comes_from_the_client_info_entity():
    activity = {**chat_message("x"), "entities": [{"type": "clientInfo", "timezone": "Europe/Berlin"}]}
    assert timezone_of(activity) == "Europe/Berlin"
    assert timezone_of(chat_message("x")) is None
