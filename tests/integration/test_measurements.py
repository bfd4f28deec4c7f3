"""What the core measures, as the Prometheus metrics (handlers/metrics.py) count it, against
what the fake Slack answered: each attempt at a delivery by what it came to, each send's time,
each pass of the dispatcher; and the database's errors, told apart. In this process, with the
real Slack messenger, on both databases."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot import deliveries as delivery_steps
from bot.ports import Messengers
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.simulation import SimulatedClock
from bot.storage import StorageFault, transaction
from handlers.metrics import Metrics
from testkit.database import follow_up
from tests.in_process import PacedTime, slack_messenger
from tests.steps import dms_with, retries_undisturbed

ALICE, COACH = "UALICE", "UCOACH"


@pytest.fixture
def due(bot, group) -> datetime:
    """When Alice's follow-up is due, with nothing else going out near it."""
    assert "Group settings updated" in group.say(COACH, f"setup {retries_undisturbed()}")
    assert "Advice recorded" in group.say(COACH, "advice <@UALICE> Summarise before challenging in 1d")
    return follow_up(bot).due_at


def drained(bot, instant: datetime, metrics: Metrics) -> None:
    """A pass as `serve` drains, counted by `metrics`, on a clock its waits move on."""
    clock, paced = SimulatedClock(instant), PacedTime()

    async def sleep(seconds: float) -> None:
        clock.now += timedelta(seconds=seconds)
        paced.now += seconds

    dispatcher = Dispatcher(
        bot.core.engine,
        Messengers([slack_messenger(bot.settings, paced)]),
        bot.settings,
        clock,
        delivery_steps.prepare,
        delivery_steps.after_sent,
        sleep,
        measurements=metrics,
    )
    asyncio.run(dispatcher.drain_while_due_soon())


def count(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(f"supervision_bot_{name}", labels) or 0


def test_a_429_and_the_send_after_its_retry_after_are_counted_as_slack_answered_them(bot, due, fake_slack):
    metrics = Metrics()
    fake_slack.fail_next("chat.postMessage", 429, "ratelimited", {"Retry-After": "3"})
    drained(bot, due, metrics)

    answers = [call.answer["ok"] for call in fake_slack.calls_to("chat.postMessage", channel=ALICE)]
    assert answers == [False, True]
    follow_ups = {"platform": "slack", "kind": "follow_up"}
    assert count(metrics, "deliveries_total", **follow_ups, status="rate_limited") == 1
    assert count(metrics, "deliveries_total", **follow_ups, status="sent") == 1
    assert count(metrics, "send_seconds_count", **follow_ups) == len(answers)
    assert count(metrics, "prepare_seconds_count", kind="follow_up") == len(answers)
    assert count(metrics, "job_seconds_count", job="drain") == 2  # before the Retry-After, and after


@pytest.mark.parametrize(
    ("refusal", "status"),
    [((500, "internal_error"), "retry"), ((200, "user_not_found"), "dead")],
    ids=["server error", "permanent"],
)
def test_a_refused_send_is_counted_as_retried_or_given_up(bot, due, fake_slack, refusal, status):
    metrics = Metrics()
    fake_slack.fail_next("chat.postMessage", *refusal)
    drained(bot, due, metrics)

    assert len(dms_with(fake_slack, ALICE, "follow_up:applied")) == 1
    assert count(metrics, "deliveries_total", platform="slack", kind="follow_up", status=status) == 1
    assert count(metrics, "deliveries_total", platform="slack", kind="follow_up", status="sent") == 0


def test_the_database_errors_are_counted_by_what_they_were(engine):
    metrics = Metrics()
    metrics.watch(engine)
    insert = text("INSERT INTO seenrequest (key, seen_at) VALUES ('k', CURRENT_TIMESTAMP)")
    with transaction(engine) as session:
        session.execute(insert)
    with pytest.raises(DBAPIError), transaction(engine) as session:
        session.execute(insert)  # the key is taken: a race lost, were it two requests
    with pytest.raises(DBAPIError), transaction(engine) as session:
        session.execute(text("SELECT * FROM no_such_table"))
    read_only = "PRAGMA query_only = ON" if engine.dialect.name == "sqlite" else "SET TRANSACTION READ ONLY"
    with pytest.raises(StorageFault), transaction(engine) as session:
        session.execute(text(read_only))
        session.execute(text("DELETE FROM seenrequest"))
    errors = {
        error: count(metrics, "database_errors_total", error=error) for error in ("conflict", "other", "unavailable")
    }
    assert errors == {"conflict": 1, "other": 1, "unavailable": 1}
