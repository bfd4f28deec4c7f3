""" "Save anyway" keeps the flagged text on the server for 15 minutes, under an unguessable
token; the button carries only the token, and only its owner can use it, once."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from bot.core import identifying_message
from bot.model import Objective, PendingText, Platform
from bot.ports import Recipient
from bot.privacy import SAVE_ANYWAY, Flag, keep_pending, pending_text
from bot.services import Caller
from bot.services.rights import FORGET_CONFIRM
from bot.storage import transaction
from tests.core_harness import TEAM, CoreHarness, plain_reply

COACH, ALICE, BOB = "UCOACH", "UALICE", "UBOB"
CHANNEL = "CGROUP"
FLAGGED = "objective Stay with my client Sarah when she cries"
HELP = "`practice objective"  # the refusal lists the commands, as the button's command is gone
REFUSED = "That “save anyway” button is out of date or not yours, so nothing was saved."


@pytest.fixture
def harness(database_url):
    made = CoreHarness(
        database_url, datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc), {COACH: "UTC", ALICE: "UTC", BOB: "UTC"}
    )
    assert made.say(COACH, "setup").startswith("This channel is now a supervision group")
    for therapist in (ALICE, BOB):
        assert made.say(therapist, "join").startswith("Welcome")
    yield made
    made.close()


def flag(h: CoreHarness, user: str, text: str = FLAGGED) -> str:
    """Run a command whose text looks identifying; the value of its save-anyway button."""
    result = asyncio.run(h.core.command(Caller(Platform.SLACK, TEAM, user, CHANNEL), text))
    assert plain_reply(result).startswith("Check for identifying details"), plain_reply(result)
    [button] = result.reply.buttons
    assert button.action == SAVE_ANYWAY
    return button.value


def press(h: CoreHarness, user: str, action: str, value: str) -> str:
    async def pressed():
        result = await h.core.press(Caller(Platform.SLACK, TEAM, user, CHANNEL), action, value)
        await h.core.settled()
        return plain_reply(result)

    return asyncio.run(pressed())


def objective_texts(h: CoreHarness) -> list[tuple[str, str]]:
    with Session(h.engine) as session:
        return [(o.user_id, o.text) for o in session.exec(select(Objective).order_by(Objective.id))]


def test_the_button_carries_a_short_token_and_no_part_of_the_text(harness):
    value = flag(harness, ALICE)

    assert re.fullmatch(r"[A-Za-z0-9_-]{20,64}", value), value
    words = re.findall(r"\w{3,}", FLAGGED)
    assert [word for word in words if word.lower() in value.lower()] == []


def test_the_tokens_are_not_sequential(harness):
    assert flag(harness, ALICE) != flag(harness, ALICE)


def test_pressing_saves_once(harness):
    value = flag(harness, ALICE)
    assert objective_texts(harness) == []

    assert press(harness, ALICE, SAVE_ANYWAY, value).startswith("Your learning objective: Stay with my client Sarah")
    again = press(harness, ALICE, SAVE_ANYWAY, value)

    assert again.startswith(REFUSED) and HELP in again, again
    assert objective_texts(harness) == [(ALICE, "Stay with my client Sarah when she cries")]


def test_another_users_press_is_refused_and_leaves_the_text_to_its_owner(harness):
    value = flag(harness, ALICE)

    refused = press(harness, BOB, SAVE_ANYWAY, value)

    assert refused.startswith(REFUSED) and HELP in refused, refused
    assert objective_texts(harness) == []
    assert press(harness, ALICE, SAVE_ANYWAY, value).startswith("Your learning objective:")
    assert objective_texts(harness) == [(ALICE, "Stay with my client Sarah when she cries")]


def test_a_made_up_token_is_refused(harness):
    refused = press(harness, ALICE, SAVE_ANYWAY, "not-a-token-anyone-was-given")

    assert refused.startswith(REFUSED) and HELP in refused, refused


def test_the_text_is_kept_for_15_minutes_and_purged_after(harness):
    value = flag(harness, ALICE)
    kept = flag(harness, BOB)
    harness.clock.now += timedelta(minutes=14, seconds=59)
    assert press(harness, BOB, SAVE_ANYWAY, kept).startswith("Your learning objective:")

    harness.clock.now += timedelta(seconds=1)
    refused = press(harness, ALICE, SAVE_ANYWAY, value)

    assert refused.startswith(REFUSED) and HELP in refused, refused
    assert pending_count(harness) == 1
    asyncio.run(harness.core.dispatcher.tidy())
    assert pending_count(harness) == 0


def test_a_long_text_is_kept_whole_and_its_button_stays_short(harness):
    long_text = "objective " + "Stay with my client Sarah when she cries. " * 72
    assert len(long_text) > 3000
    with transaction(harness.engine) as session:
        token = keep_pending(session, Recipient(Platform.SLACK, TEAM, ALICE), long_text, harness.clock.now)
    [button] = identifying_message([Flag("objective", "name", "Sarah")], token).buttons

    assert len(button.value) <= 64 and "Sarah" not in button.value
    with transaction(harness.engine) as session:
        assert (
            pending_text(session, Recipient(Platform.SLACK, TEAM, ALICE), button.value, harness.clock.now) == long_text
        )


def test_forget_deletes_the_callers_pending_texts_only(harness):
    flag(harness, ALICE)
    bobs = flag(harness, BOB)

    assert press(harness, ALICE, FORGET_CONFIRM, "confirm").startswith("Done: all your data here is deleted.")

    assert pending_count(harness) == 1
    assert press(harness, BOB, SAVE_ANYWAY, bobs).startswith("Your learning objective:")


def pending_count(h: CoreHarness) -> int:
    with Session(h.engine) as session:
        return len(session.exec(select(PendingText)).all())
