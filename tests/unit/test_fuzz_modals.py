"""Arbitrary form submissions and button presses against the core, on a real SQLite file:
whatever arrives, the core answers with field errors, a refusal, a form or a success; it
never fails inside, and an answer that saved nothing leaves every row as it was.

Each example starts from the same world, copied afresh from one built once, so that a
failure reproduces on its own and shrinks."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.config import load_settings
from bot.core import SORRY, Core
from bot.messages import Message, plain_text
from bot.model import Advice, CheckIn, Delivery, Holiday, Member, Objective, Platform, PracticeLog, Score
from bot.ports import Messengers
from bot.prompts import CHECK_IN_ACTION, FOLLOW_UP_ANSWERS, REVIEW_ANSWERS, follow_up_action, review_action
from bot.scheduling.simulation import SimulatedClock
from bot.services import BUTTON_ACTIONS, FORM_KINDS, Caller
from bot.services.answers import ALREADY_ANSWERED
from bot.storage import make_engine
from tests.core_harness import TEAM, CoreHarness
from tests.fakes.messenger import RecordingMessenger

START = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)  # a Monday, 10:00 in New York
ZONES = {
    "UCOACH": "Europe/Berlin",
    "UALICE": "America/New_York",
    "UBOB": "Asia/Tokyo",
    "UCOACHB": "Europe/London",
    "UCAROL": "Europe/London",
}
PEOPLE = [*ZONES, "USTRANGER"]
FIELD_NAMES = [
    "objective",
    "leverage",
    "evidence",
    "review_on",
    "previous",
    "therapist",
    "advice",
    "client",
    "ors",
    "srs",
    "days",
    "learning",
    "progress",
    "minutes",
    "learned",
    "not_identifying",
]
PLAUSIBLE = [
    "yes",
    "1",
    "3",
    "5",
    "0",
    "40",
    "41",
    "10000",
    "10001",
    "999999",
    "1234567",
    "-1",
    "C12",
    "K-7",
    "John Smith",
    "refined",
    "achieved",
    "dropped",
    "applied",
    "partly",
    *PEOPLE,
    "2026-04-20",
    "2026-04-07",
    "2027-12-31",
    "1999-01-01",
    "2026-02-30",
    "20260420",
    "2026-W16-1",
    "Ask for feedback on the alliance every session",
]
VALID = {  # one set of values every real form accepts, on the harness's clock (1 April 2026)
    "objective": "Ask for feedback on the alliance",
    "review_on": "2026-04-20",
    "previous": "achieved",
    "therapist": "UALICE",
    "advice": "Slow down",
    "client": "C12",
    "ors": "30",
    "srs": "38",
    "days": "7",
    "learning": "It helped",
    "progress": "4",
    "minutes": "60",
    "learned": "Pace",
}
OBSERVED_ROWS = (Advice, CheckIn, Holiday, Member, Objective, PracticeLog, Score, Delivery)
FORM_KINDS_TRIED = [*sorted(FORM_KINDS), "", "objective ", "OBJECTIVE", "check-in", "home", "x" * 300]
# The buttons on scheduled messages, whose value names a delivery. (Save-anyway runs a command, and
# the data-deletion confirmation acts on the caller alone: neither reads its value as an id.)
REAL_BUTTONS = [
    CHECK_IN_ACTION,
    *(follow_up_action(answer) for answer in FOLLOW_UP_ANSWERS),
    *(review_action(answer) for answer in REVIEW_ANSWERS),
]
BUTTONS_TRIED = [*REAL_BUTTONS, "", "follow_up:", "follow_up:maybe", "review:", "x" * 300]
REFUSALS = ("Usage", ALREADY_ANSWERED, "isn't yours", "is not one I know")


@dataclass
class World:
    core: Core
    engine: Engine
    loop: asyncio.Runner  # one event loop, with its threads, for every example


@pytest.fixture
def fresh_world(tmp_path):
    """A function that makes the world afresh, for each example: two groups in workspace T1,
    with Alice's follow-ups, check-ins and review sent. It is built once, kept in memory,
    and copied into the file the core uses (in memory too where /dev/shm is, as nothing
    here is about durability: 2,000 copies and their commits need not each reach the disk)."""
    built = tmp_path / "built.sqlite3"
    world = CoreHarness(f"sqlite:///{built}", START, ZONES)
    assert "now a supervision group" in world.say("UCOACH", "setup")
    assert "Welcome" in world.say("UALICE", "join")
    assert "Welcome" in world.say("UBOB", "join")
    assert "now a supervision group" in world.say("UCOACHB", "setup", channel="CGROUPB")
    assert "Welcome" in world.say("UCAROL", "join", channel="CGROUPB")
    assert "Your learning objective" in world.say("UALICE", "objective Hold silences longer")
    assert "Advice recorded" in world.say("UCOACH", "advice <@UALICE> Name the rupture client C12 ors 18 in 1d")
    assert "Advice recorded" in world.say("UCOACH", "advice <@UALICE> Summarise first in 2d")
    assert "Advice recorded" in world.say("UCOACHB", "advice <@UCAROL> Slow down client K-7 in 1d", "CGROUPB")
    world.advance_to(START + timedelta(days=30))
    assert world.messenger.to("UALICE") and world.messenger.to("UCAROL")
    world.close()
    kept = sqlite3.connect(":memory:")
    with sqlite3.connect(built) as source:
        source.backup(kept)
    source.close()

    folder = Path(tempfile.mkdtemp(prefix="sb-fuzz-", dir="/dev/shm")) if Path("/dev/shm").is_dir() else tmp_path
    url = f"sqlite:///{folder / 'fuzz.sqlite3'}"
    engine, settings = make_engine(url), load_settings({"DATABASE_URL": url})
    loop = asyncio.Runner()

    def fresh() -> World:
        engine.dispose()  # no connection to the file outlives the world it saw
        target = sqlite3.connect(folder / "fuzz.sqlite3")
        kept.backup(target)
        target.close()
        clock = SimulatedClock(world.clock.now)
        return World(Core(engine, settings, Messengers([RecordingMessenger(clock, ZONES)]), clock), engine, loop)

    yield fresh
    loop.close()
    engine.dispose()
    kept.close()
    if folder != tmp_path:
        shutil.rmtree(folder)


COUNTS = select_columns(
    *(select(func.count()).select_from(model).scalar_subquery() for model in OBSERVED_ROWS),
    select(func.count()).select_from(Delivery).where(Delivery.answer.is_not(None)).scalar_subquery(),
)


def rows(world: World) -> tuple:
    """Every row count the use cases write to, the answers given, and each advice's and objective's state."""
    with Session(world.engine) as session:
        *counts, answered = session.execute(COUNTS).one()  # in one query: it runs twice for each example
        counts = tuple(counts)
        advice = tuple(session.exec(select(Advice.id, Advice.status, Advice.learning).order_by(Advice.id)).all())
        objectives = tuple(session.exec(select(Objective.id, Objective.status).order_by(Objective.id)).all())
        return counts, answered, advice, objectives


def text_of(message: Message | None) -> str:
    if message is None:
        return ""
    return "\n".join(plain_text(spans) for section in message.sections for spans in section.lines)


def run(world: World, work):
    async def settled():
        result = await work
        await world.core.settled()
        return result

    return world.loop.run(settled())


def id_like():
    """Ids of real groups and deliveries (the setup makes fewer than 80), and anything else."""
    return st.one_of(
        st.integers(min_value=1, max_value=80).map(str),
        st.integers(min_value=-(10**6), max_value=10**30).map(str),
        st.text(max_size=20),
        st.sampled_from(["", " 1", "1 ", "+1", "0x1", "١", "²", "1²", "1.0", "null", "[]"]),
    )


field_values = st.one_of(
    st.none(),
    st.sampled_from(PLAUSIBLE),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.builds(
        lambda piece, times: piece * times,
        st.sampled_from(["a", "é", "🙂", "\u202e", "\x00", " "]),
        st.integers(min_value=200, max_value=20_000),
    ),
)
any_values = st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10)), field_values, max_size=10)
nearly_valid_values = st.builds(  # the valid values with a few fields changed or dropped
    lambda changed, dropped: {k: v for k, v in {**VALID, **changed}.items() if k not in dropped},
    st.dictionaries(st.sampled_from(FIELD_NAMES), field_values, max_size=2),
    st.sets(st.sampled_from(FIELD_NAMES), max_size=2),
)
answers = st.sampled_from(["applied", "partly", "not_yet", "refine", "", "APPLIED"])
any_context = st.dictionaries(
    st.sampled_from(["group_id", "delivery_id", "answer", "x"]), st.one_of(id_like(), answers)
)
real_context = st.fixed_dictionaries(  # as the real forms carry it: a group's or a delivery's id, and an answer
    {},
    optional={
        "group_id": st.sampled_from(["1", "2"]),
        "delivery_id": st.integers(1, 50).map(str),
        "answer": st.sampled_from(["applied", "partly"]),
    },
)
RECIPIENTS = [
    Caller(Platform.SLACK, TEAM, "UALICE"),
    Caller(Platform.SLACK, TEAM, "UCAROL"),
]  # the therapists things were sent to
any_caller = st.builds(
    Caller,
    platform=st.sampled_from([Platform.SLACK, Platform.SLACK, Platform.SLACK, Platform.TEAMS]),
    tenant_id=st.sampled_from([TEAM, TEAM, TEAM, "T2", ""]),
    user_id=st.sampled_from(PEOPLE),
    channel_id=st.sampled_from([None, "CGROUP", "CGROUPB", "DALICE"]),
)

submissions = st.one_of(
    st.tuples(any_caller, st.sampled_from(FORM_KINDS_TRIED), any_context, any_values),
    st.tuples(st.sampled_from(RECIPIENTS), st.sampled_from(sorted(FORM_KINDS)), real_context, nearly_valid_values),
)
presses = st.one_of(
    st.tuples(any_caller, st.sampled_from(BUTTONS_TRIED), id_like()),
    st.tuples(st.sampled_from(RECIPIENTS), st.sampled_from(REAL_BUTTONS), st.integers(1, 50).map(str)),
)
FUZZ = settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check(result, before: tuple, after: tuple) -> str:
    """The kind of answer; fails if the core failed inside or an answer that saved nothing changed rows."""
    said = text_of(result.reply)
    assert SORRY not in said, "the core failed inside"
    if result.errors:
        assert result.reply is None and result.form is None and not result.updates and result.notice is None
        assert after == before, f"field errors, yet rows changed: {result.errors}"
        return "errors"
    if result.reply is not None:
        assert any(refusal in said for refusal in REFUSALS), said
        assert after == before, f"refused, yet rows changed: {said}"
        return "refused"
    if result.form is not None:
        assert after == before, "a form was opened, yet rows changed"
        return "form"
    if text_of(result.notice) == ALREADY_ANSWERED:
        assert after == before, "already answered, yet rows changed"
        return "already answered"
    assert after != before, "a success that saved nothing"
    return "saved"


@FUZZ
@given(submission=submissions)
def test_arbitrary_form_submissions_are_answered_and_save_nothing_unless_accepted(fresh_world, submission):
    harness = fresh_world()
    caller, kind, context, values = submission
    before = rows(harness)
    result = run(harness, harness.core.submit(caller, kind, context, values))
    answered = check(result, before, rows(harness))
    event(f"{kind if kind in FORM_KINDS else 'unknown form'}: {answered}")
    if kind not in FORM_KINDS:
        assert answered == "refused"


@FUZZ
@given(press=presses)
def test_arbitrary_button_presses_are_answered_and_save_nothing_unless_accepted(fresh_world, press):
    harness = fresh_world()
    caller, action, value = press
    before = rows(harness)
    result = run(harness, harness.core.press(caller, action, value))
    answered = check(result, before, rows(harness))
    event(f"{action if action in BUTTON_ACTIONS else 'unknown button'}: {answered}")
    assert answered != "errors"  # a button has no fields to be wrong
    if action not in BUTTON_ACTIONS:
        assert answered == "refused"
