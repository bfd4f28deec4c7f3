"""A Teams conversation as the front-end stores it (a Person's or Group's address, a
MessageRef's channel): written compactly, read back whole, and anything else read as none."""

from __future__ import annotations

import pytest

from handlers.teams.addresses import Conversation

CHAT = Conversation("a:1Xo9-chat", "https://smba.trafficmanager.net/emea/")


def test_a_conversation_reads_back_as_it_was_written():
    assert Conversation.from_text(CHAT.to_text()) == CHAT


def test_it_is_written_compactly():
    assert CHAT.to_text() == '{"id":"a:1Xo9-chat","service_url":"https://smba.trafficmanager.net/emea/"}'


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "C0SLACKCHANNEL",
        "[]",
        '"a:chat"',
        '{"id": "a:chat"}',
        '{"id": "a:chat", "service_url": 3}',
        '{"id": "", "service_url": "https://smba.example/"}',
        '{"id": "a:chat", "service_url": ',
    ],
)
def test_anything_else_is_no_conversation(text):
    assert Conversation.from_text(text) is None
