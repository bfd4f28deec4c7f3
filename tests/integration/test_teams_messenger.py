"""The Teams messenger with the real SDK against testkit/microsoft.py's fake of the Bot Connector
and Entra ID: how it reaches people and channels, how Microsoft's errors reach the core, and
the file consent flow."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.messages import Mention, Message, line
from bot.model import Platform
from bot.ports import MessageRef, Recipient, SendFailed
from handlers.teams.addresses import Conversation
from handlers.teams.render import message_cards
from testkit.microsoft import FakeMicrosoft
from tests.conftest import free_port, on_one_database
from tests.teams import teams_messenger

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests

TENANT = "00000000-0000-4000-8000-0000000000c0"
OTHER_TENANT = "00000000-0000-4000-8000-0000000000c1"
ALICE = "29:alice"
CHANNEL = "19:group@thread.tacv2"
BOB = {"id": "29:bob", "name": "Bob Example", "aadObjectId": "00000000-0000-4000-8000-0000000000b0"}


@pytest.fixture(autouse=True)
def _fresh(microsoft):
    microsoft.reset()


@pytest.fixture
def messenger(microsoft):
    return teams_messenger(microsoft)


def alice(address: str | None = None, tenant: str = TENANT) -> Recipient:
    return Recipient(Platform.TEAMS, tenant, ALICE, address)


def channel(microsoft: FakeMicrosoft) -> Recipient:
    return Recipient(Platform.TEAMS, TENANT, CHANNEL, Conversation(CHANNEL, microsoft.service_url).to_text())


def closed_port_url() -> str:
    return f"https://127.0.0.1:{free_port()}"


def sent_cards(microsoft: FakeMicrosoft, conversation_id: str) -> list[dict]:
    return [
        attachment["content"]
        for call in microsoft.calls_to("activities.create", conversation_id=conversation_id)
        for attachment in call.args["attachments"]
    ]


def failure_of(send) -> SendFailed:
    with pytest.raises(SendFailed) as raised:
        asyncio.run(send)
    return raised.value


def a_long_message() -> Message:
    return Message.text(*(f"Line {number}: " + "practice notes " * 6 for number in range(300)), heading="Digest")


# ----- reaching people and channels -----


def test_a_direct_message_to_someone_without_an_address_opens_the_chat_and_returns_its_address(microsoft, messenger):
    ref = asyncio.run(messenger.send_direct(alice(), Message.text("Hello")))

    [opened] = microsoft.calls_to("conversations.create")
    assert opened.args["members"] == [{"id": ALICE}]
    assert opened.args["tenantId"] == TENANT
    assert opened.args["channelData"] == {"tenant": {"id": TENANT}}
    chat = Conversation.from_text(ref.recipient_address)
    assert chat is not None and chat.service_url == microsoft.service_url
    [sent] = microsoft.calls_to("activities.create", conversation_id=chat.id)
    assert sent.args["summary"] == "Hello"
    assert sent.args["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert ref == MessageRef(Platform.TEAMS, TENANT, chat.to_text(), ref.message_id, ref.recipient_address)
    assert ref.message_id.isdigit()


def test_a_chat_this_process_opened_is_opened_once_however_often_its_person_is_written_to(microsoft, messenger):
    async def three_replies():
        return [await messenger.send_direct(alice(), Message.text(f"Reply {n}")) for n in range(3)]

    first, *later = asyncio.run(three_replies())
    assert len(microsoft.calls_to("conversations.create")) == 1
    assert first.recipient_address is not None and [ref.recipient_address for ref in later] == [None, None]
    assert {ref.channel_id for ref in [first, *later]} == {first.channel_id}


def test_a_direct_message_to_someone_with_an_address_goes_to_that_chat_at_its_service_url(microsoft):
    messenger = teams_messenger(microsoft, default_service_url=closed_port_url())  # only the address reaches the fake
    chat = Conversation("a:known-chat", microsoft.service_url)

    ref = asyncio.run(messenger.send_direct(alice(chat.to_text()), Message.text("Hello again")))

    assert microsoft.calls_to("conversations.create") == []
    assert len(microsoft.calls_to("activities.create", conversation_id=chat.id)) == 1
    assert (ref.channel_id, ref.recipient_address) == (chat.to_text(), None)


@pytest.mark.parametrize("mentioned_as", [BOB["id"], BOB["aadObjectId"]], ids=["teams id", "entra object id"])
def test_a_channel_post_that_mentions_someone_names_them_from_the_roster(microsoft, messenger, mentioned_as):
    microsoft.members[CHANNEL] = [BOB, {"id": "29:carol", "name": "Carol"}]
    message = Message.text(line("Well done, ", Mention(mentioned_as)), line("And ", Mention(mentioned_as), " again"))

    asyncio.run(messenger.post_to_channel(channel(microsoft), message))

    assert len(microsoft.calls_to("members.get", conversation_id=CHANNEL)) == 1
    [card] = sent_cards(microsoft, CHANNEL)
    entities = card["msteams"]["entities"]
    assert [entity["mentioned"] for entity in entities] == [{"id": mentioned_as, "name": "Bob Example"}]


def test_a_channel_post_that_mentions_no_one_asks_for_no_roster(microsoft, messenger):
    asyncio.run(messenger.post_to_channel(channel(microsoft), Message.text("This week's practice")))

    assert microsoft.calls_to("members.get") == []
    assert len(sent_cards(microsoft, CHANNEL)) == 1


def test_a_large_channel_post_continues_in_its_thread(microsoft, messenger):
    message = a_long_message()
    parts = len(message_cards(message))
    assert parts >= 2  # the message is large enough to be split

    ref = asyncio.run(messenger.post_to_channel(channel(microsoft), message))

    assert len(microsoft.calls_to("activities.create", conversation_id=CHANNEL)) == 1
    in_thread = microsoft.calls_to("activities.create", conversation_id=f"{CHANNEL};messageid={ref.message_id}")
    assert len(in_thread) == parts - 1
    assert ref.channel_id == channel(microsoft).address


def test_a_large_direct_message_continues_in_the_same_chat(microsoft, messenger):
    chat = Conversation("a:known-chat", microsoft.service_url)

    asyncio.run(messenger.send_direct(alice(chat.to_text()), a_long_message()))

    assert len(microsoft.calls_to("activities.create", conversation_id=chat.id)) == len(message_cards(a_long_message()))


def test_an_update_replaces_the_message_in_place(microsoft, messenger):
    async def post_and_edit():
        posted = await messenger.post_to_channel(channel(microsoft), Message.text("Two places left"))
        await messenger.update(posted, Message.text("One place left"))
        return posted

    posted = asyncio.run(post_and_edit())

    [edit] = microsoft.calls_to("activities.update", conversation_id=CHANNEL, activity_id=posted.message_id)
    assert edit.args["summary"] == "One place left"
    assert "One place left" in json.dumps(edit.args["attachments"][0]["content"])


def test_an_update_of_a_reference_that_is_no_teams_conversation_fails_for_good(messenger):
    failure = failure_of(messenger.update(MessageRef(Platform.TEAMS, TENANT, "C0SLACK", "1"), Message.text("x")))

    assert failure.permanent


# ----- Microsoft's errors, as the core sees them -----


@pytest.mark.parametrize(
    "status, body, headers, expected",
    [
        (429, None, {"Retry-After": "7"}, ("ratelimited", 7.0, False, False)),
        (429, None, {}, ("ratelimited", 30.0, False, False)),
        (429, None, {"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}, ("ratelimited", 30.0, False, False)),
        (500, None, {}, ("ServiceError", None, False, False)),
        (503, "busy", {}, ("http 503", None, False, False)),
        (404, {"error": {"code": "ConversationNotFound"}}, {}, ("ConversationNotFound", None, True, False)),
        (403, {"error": {"code": "BotNotInConversationRoster"}}, {}, ("BotNotInConversationRoster", None, True, False)),
        (403, {"error": {"code": "Forbidden"}}, {}, ("Forbidden", None, True, False)),
        (401, {"message": "Authorization has been denied"}, {}, ("http 401", None, False, True)),
    ],
    ids=[
        "429",
        "429 without Retry-After",
        "429 with a date",
        "500",
        "503 without a body",
        "404",
        "403 not in roster",
        "403",
        "401",
    ],
)
def test_a_connector_error_reaches_the_core_as_its_kind_of_failure(
    microsoft, messenger, status, body, headers, expected
):
    microsoft.fail_next("activities.create", status=status, body=body, headers=headers)

    failure = failure_of(messenger.post_to_channel(channel(microsoft), Message.text("Hello")))

    assert (failure.reason, failure.retry_after, failure.permanent, failure.credentials_refused) == expected
    assert len(microsoft.calls_to("activities.create")) == 1  # not retried


def test_a_429_holds_that_tenant_back_until_its_retry_after_has_passed(microsoft, messenger):
    chat = Conversation("a:known-chat", microsoft.service_url).to_text()
    microsoft.fail_next("activities.create", status=429, headers={"Retry-After": "120"})

    first = failure_of(messenger.send_direct(alice(chat), Message.text("Hello")))
    held = failure_of(messenger.send_direct(alice(chat), Message.text("Hello")))
    asyncio.run(messenger.send_direct(alice(chat, tenant=OTHER_TENANT), Message.text("Hello")))

    assert first.retry_after == 120
    assert 0 < held.retry_after <= 120
    assert len(microsoft.calls_to("activities.create")) == 2  # the refused one, and the other tenant's


def test_a_connector_out_of_reach_is_a_passing_failure(microsoft):
    messenger = teams_messenger(microsoft, default_service_url=closed_port_url())

    failure = failure_of(messenger.send_direct(alice(), Message.text("Hello")))

    assert failure.reason == "network: ConnectError"
    assert not (failure.permanent or failure.credentials_refused or failure.retry_after)


def test_a_refused_secret_means_credentials_do_not_work_and_nothing_is_sent(microsoft, messenger):
    microsoft.refuse_credentials()

    works = asyncio.run(messenger.credentials_work(TENANT))
    failure = failure_of(messenger.send_direct(alice(), Message.text("Hello")))

    assert works is False
    assert failure.credentials_refused and not failure.permanent
    assert "invalid_client" in failure.reason
    assert microsoft.calls_to("conversations.create") == []


def test_credentials_work_again_once_the_secret_is_accepted(microsoft, messenger):
    microsoft.refuse_credentials()
    assert asyncio.run(messenger.credentials_work(TENANT)) is False

    microsoft.reset()

    assert asyncio.run(messenger.credentials_work(TENANT)) is True


def test_a_token_endpoint_in_trouble_is_no_refusal(microsoft, messenger):
    microsoft.fail_next("entra.token", status=503)
    failure = failure_of(messenger.send_direct(alice(), Message.text("Hello")))
    microsoft.fail_next("entra.token", status=503)

    assert asyncio.run(messenger.credentials_work(TENANT)) is False
    assert not (failure.credentials_refused or failure.permanent)
    assert failure.reason.startswith("no token")


# ----- files, through Teams' consent cards -----

EXPORT = ("export.json", b'{"objectives": []}')


def consent_cards(microsoft: FakeMicrosoft) -> list[dict]:
    return [
        attachment
        for call in microsoft.calls_to("activities.create")
        for attachment in call.args["attachments"]
        if attachment["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
    ]


def offer_export(microsoft: FakeMicrosoft, messenger) -> tuple[Recipient, str]:
    """The export sent to Alice in her chat; her chat and the token on its consent card."""
    person = alice(Conversation("a:alice-chat", microsoft.service_url).to_text())
    asyncio.run(messenger.send_files(person, Message.text("Your data"), [EXPORT]))
    [card] = consent_cards(microsoft)
    return person, card["content"]["acceptContext"]["upload"]


def upload_info(microsoft: FakeMicrosoft) -> dict:
    return {
        "name": "export.json",
        "uploadUrl": microsoft.upload_url("export.json"),
        "contentUrl": "https://contoso.sharepoint.example/personal/alice/export.json",
        "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C8C",
        "fileType": "json",
    }


def test_files_are_offered_on_a_consent_card_after_the_message(microsoft, messenger):
    offer_export(microsoft, messenger)

    sent = microsoft.calls_to("activities.create", conversation_id="a:alice-chat")
    assert [call.args["attachments"][0]["contentType"] for call in sent] == [
        "application/vnd.microsoft.card.adaptive",
        "application/vnd.microsoft.teams.card.file.consent",
    ]
    [card] = consent_cards(microsoft)
    assert card["name"] == "export.json"
    assert card["content"]["sizeInBytes"] == len(EXPORT[1])
    assert card["content"]["acceptContext"] == card["content"]["declineContext"]
    assert microsoft.uploads == {}  # nothing leaves before consent


def test_an_accepted_file_is_uploaded_and_shown_in_the_chat(microsoft, messenger):
    person, token = offer_export(microsoft, messenger)

    accepted = asyncio.run(messenger.upload_accepted(token, upload_info(microsoft), person))

    assert accepted is True
    assert microsoft.uploads == {"export.json": EXPORT[1]}
    [put] = microsoft.calls_to("files.upload")
    assert put.args["content_range"] == f"bytes 0-{len(EXPORT[1]) - 1}/{len(EXPORT[1])}"
    shown = microsoft.calls_to("activities.create", conversation_id="a:alice-chat")[-1]
    assert shown.args["attachments"] == [
        {
            "contentType": "application/vnd.microsoft.teams.card.file.info",
            "contentUrl": upload_info(microsoft)["contentUrl"],
            "name": "export.json",
            "content": {"uniqueId": upload_info(microsoft)["uniqueId"], "fileType": "json"},
        }
    ]


def test_a_file_is_uploaded_once(microsoft, messenger):
    person, token = offer_export(microsoft, messenger)

    again = asyncio.run(upload_twice(messenger, token, upload_info(microsoft), person))

    assert again is False
    assert len(microsoft.calls_to("files.upload")) == 1


async def upload_twice(messenger, token, info, person) -> bool:
    await messenger.upload_accepted(token, info, person)
    return await messenger.upload_accepted(token, info, person)


def test_someone_elses_token_uploads_nothing_and_leaves_the_file_to_its_owner(microsoft, messenger):
    person, token = offer_export(microsoft, messenger)
    intruder = Recipient(Platform.TEAMS, TENANT, "29:mallory", person.address)

    refused = asyncio.run(messenger.upload_accepted(token, upload_info(microsoft), intruder))

    assert refused is False
    assert microsoft.calls_to("files.upload") == []
    assert asyncio.run(messenger.upload_accepted(token, upload_info(microsoft), person)) is True


def test_an_unknown_token_uploads_nothing(microsoft, messenger):
    person, _token = offer_export(microsoft, messenger)

    assert asyncio.run(messenger.upload_accepted("no-such-token", upload_info(microsoft), person)) is False
    assert microsoft.calls_to("files.upload") == []


def test_a_declined_file_is_forgotten(microsoft, messenger):
    person, token = offer_export(microsoft, messenger)

    declined = messenger.upload_declined(token, person)

    assert declined is True
    assert asyncio.run(messenger.upload_accepted(token, upload_info(microsoft), person)) is False
    assert microsoft.calls_to("files.upload") == []
