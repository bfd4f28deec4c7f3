"""Files waiting for consent: given back once, only to the person they were offered to, and
forgotten after 15 minutes. Time is a fake clock."""

from __future__ import annotations

from bot.model import Platform
from bot.ports import Recipient
from handlers.teams.addresses import Conversation
from handlers.teams.files import PENDING_FOR_SECONDS, PendingUploads

ALICE = Recipient(Platform.TEAMS, "T1", "29:alice", '{"id":"a:chat","service_url":"https://smba.example/"}')
CHAT = Conversation("a:chat", "https://smba.example/")


class Clock:
    def __init__(self):
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def test_a_held_file_is_given_back_once_to_its_person():
    uploads = PendingUploads()
    token = uploads.hold(ALICE, "export.json", b"{}", CHAT)

    taken = uploads.take(token, ALICE)

    assert taken is not None and (taken.name, taken.content, taken.chat) == ("export.json", b"{}", CHAT)
    assert uploads.take(token, ALICE) is None


def test_the_person_is_known_by_tenant_and_id_whatever_address_they_come_with():
    uploads = PendingUploads()
    token = uploads.hold(ALICE, "export.json", b"{}", CHAT)

    assert uploads.take(token, Recipient(Platform.TEAMS, "T1", "29:alice")) is not None


def test_someone_else_gets_nothing_and_the_file_stays_held():
    uploads = PendingUploads()
    token = uploads.hold(ALICE, "export.json", b"{}", CHAT)

    for other in (Recipient(Platform.TEAMS, "T1", "29:mallory"), Recipient(Platform.TEAMS, "T2", "29:alice")):
        assert uploads.take(token, other) is None
    assert uploads.take(token, ALICE) is not None


def test_each_file_has_its_own_token():
    uploads = PendingUploads()
    tokens = {uploads.hold(ALICE, f"part-{n}.json", b"{}", CHAT) for n in range(50)}

    assert len(tokens) == 50


def test_a_file_is_held_for_fifteen_minutes_and_no_longer():
    clock = Clock()
    uploads = PendingUploads(clock)
    taken_in_time = uploads.hold(ALICE, "export.json", b"{}", CHAT)
    left_too_long = uploads.hold(ALICE, "export.json", b"{}", CHAT)
    assert PENDING_FOR_SECONDS == 15 * 60

    clock.now += PENDING_FOR_SECONDS - 1
    assert uploads.take(taken_in_time, ALICE) is not None
    clock.now += 1
    assert uploads.take(left_too_long, ALICE) is None
