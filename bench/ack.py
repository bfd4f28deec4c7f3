"""Time to Slack's HTTP 200 under concurrent slash commands, against a bare Bolt app.

Starts the real `supervision-bot serve` and a bare Bolt `AsyncApp` that only acks, on the
same uvicorn settings, then fires rounds of 50 concurrent signed `/practice status` and
`/practice log 20 x` at each, the two apps in turn, waiting between rounds for the bot's
replies so that one round's work after its acks does not spill into the next. Prints, per
command, the median and spread (min-max) over rounds of each round's p50 and p99, and the
ratio of the medians of p99; goal <= 1.5. A first round of each is a warm-up, not counted.
Then the slowest ack under load (goal < 300 ms): on SQLite, of 50 sent while another
connection holds the write lock for 2 s; and on either database, of rounds of 50 sent while
a new `serve`'s own timers work through 50 groups of 20 therapists with twelve weeks of
history: every group's plan pass, its digest and every member's check-in due, and
housekeeping with history past the retention period to delete.

With --database-url (PostgreSQL: the URL of a database to make a schema of its own in,
dropped afterwards) it runs there instead of on a new SQLite file.

With --observed, `serve` runs as in production, writing its JSON log line for each request and
delivery (LOG_LEVEL=INFO, LOG_FORMAT=json) and counting its metrics (METRICS=1); otherwise at
LOG_LEVEL=WARNING. Each process's log goes to a file in the bench's working directory.

    .venv/bin/python bench/ack.py [--rounds 10] [--concurrency 50] [--database-url URL] [--observed]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from datetime import time as dt_time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, select  # noqa: E402

from bot.model import Delivery, DeliveryStatus, Group, PracticeLog  # noqa: E402
from bot.storage import transaction  # noqa: E402
from testkit.database import bench_database, engine_for  # noqa: E402
from testkit.history import seeded_group  # noqa: E402
from testkit.slack_api import TEAM_ID, FakeSlack  # noqa: E402
from testkit.slack_driver import SIGNING_SECRET, SlackDriver  # noqa: E402

CHANNEL, COACH, THERAPIST = "CGROUP", "UCOACH", "UALICE"
COMMANDS = ("status", "log 20 x")
UVICORN = {"host": "127.0.0.1", "log_level": "warning", "lifespan": "on"}  # as `serve` runs it
LOCK_HELD_SECONDS = 2.0
GROUPS, THERAPISTS, HISTORY_WEEKS = 50, 20, 12
RETENTION_DAYS = 42  # the first half of the history is for housekeeping to delete
LOAD_RATE = 100  # posts a second while under load: the workspace limit bench/dispatch.py holds to
LOAD_TIMEOUT_SECONDS = 300
_names = itertools.count(1)


def bare_bolt(port: int, api_url: str) -> None:
    """A Bolt app that only acks `/practice`, with a /healthz to wait for, served as `serve` is."""
    import uvicorn
    from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(client=AsyncWebClient(token="xoxb-bench", base_url=api_url), signing_secret=SIGNING_SECRET)

    @app.command("/practice")
    async def practice(ack):
        await ack()

    bolt = AsyncSlackRequestHandler(app)

    async def server(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/healthz":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
        else:
            await bolt(scope, receive, send)

    uvicorn.run(server, port=port, **UVICORN)


def start(command: list[str], environment: dict[str, str], port: int, workdir: Path) -> subprocess.Popen:
    with open(workdir / f"log-{port}.txt", "a") as log:  # a line per request and delivery at INFO (--observed)
        process = subprocess.Popen(command, env=environment, cwd=workdir, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{command} did not start")


def command_body(fake: FakeSlack, text: str) -> tuple[str, str]:
    name = f"bench{next(_names)}"
    fields = {
        "team_id": TEAM_ID,
        "channel_id": CHANNEL,
        "channel_name": "supervision",
        "user_id": THERAPIST,
        "command": "/practice",
        "text": text,
        "api_app_id": "AFAKE",
        "response_url": fake.response_url(name),
        "trigger_id": f"trigger-{name}",
    }
    return urlencode(fields), name


async def time_to_200(session: aiohttp.ClientSession, url: str, body: str) -> float:
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body),
    }
    started = time.perf_counter()
    async with session.post(f"{url}/slack/events", data=body.encode(), headers=headers) as response:
        elapsed = time.perf_counter() - started
        assert response.status == 200, response.status
    return elapsed


async def one_round(url: str, bodies: list[str]) -> list[float]:
    """Every body posted at once, each on a connection of its own as Slack's are."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=True)) as session:
        return await asyncio.gather(*(time_to_200(session, url, body) for body in bodies))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed_round(url: str, bodies: list[str]) -> list[float]:
    return asyncio.run(one_round(url, bodies))


# The client times the acks in a process of its own: in this one, the fake Slack's threads
# answering the bot's posts would hold the GIL while a response waits to be read.
CLIENT = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


def fire(url: str, fake: FakeSlack, text: str, count: int, replied: bool) -> list[float]:
    requests = [command_body(fake, text) for _ in range(count)]
    seconds = CLIENT.submit(timed_round, url, [body for body, _ in requests]).result()
    if replied:  # the bot's work after its acks, finished before the next round
        for _, name in requests:
            fake.wait_for("response_url", 1, timeout=60, name=name)
    return seconds


def summary(label: str, rounds: list[list[float]]) -> tuple[str, float]:
    p50s = [percentile(seconds, 0.5) * 1000 for seconds in rounds]
    p99s = [percentile(seconds, 0.99) * 1000 for seconds in rounds]
    p99 = statistics.median(p99s)
    line = (
        f"  {label:<10} p50 {statistics.median(p50s):6.1f} ms ({min(p50s):.1f}-{max(p50s):.1f})"
        f"   p99 {p99:6.1f} ms ({min(p99s):.1f}-{max(p99s):.1f})"
    )
    return line, p99


def under_write_lock(database_path: Path, url: str, fake: FakeSlack, count: int) -> float:
    """The slowest of `count` acks sent while another connection holds SQLite's write lock
    for LOCK_HELD_SECONDS."""
    holder = sqlite3.connect(database_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(LOCK_HELD_SECONDS, holder.execute, ["ROLLBACK"])
    release.start()
    try:
        return max(fire(url, fake, "status", count, replied=True))
    finally:
        release.join()
        holder.close()


def seed_institute(database_url: str, now: datetime) -> None:
    """GROUPS groups of THERAPISTS, each with HISTORY_WEEKS of history, whose digest and
    check-ins fell due an hour ago (in working hours every day, so each goes out at once) and
    whose plan is yet to be made; their history before RETENTION_DAYS is for housekeeping."""
    due = now - timedelta(hours=1)
    engine = engine_for(database_url)
    with transaction(engine) as session:
        for number in range(GROUPS):
            group = seeded_group(session, f"CLOAD{number:03d}", THERAPISTS, HISTORY_WEEKS, now)
            group.digest_weekday = group.checkin_weekday = due.weekday()
            group.digest_time = group.checkin_time = due.time().replace(second=0, microsecond=0)
            group.timezone, group.workdays = "UTC", "0123456"
            group.workday_start, group.workday_end = dt_time(0, 0), dt_time(23, 59)
            group.rhythm_from, group.planned_until = due - timedelta(minutes=1), None
            session.add(group)
    engine.dispose()


def work_left(engine, now: datetime) -> bool:
    """Whether the new `serve` still has some of the seeded work to do: a group to plan, a
    delivery due, or history past the retention period."""
    cutoff = now - timedelta(days=RETENTION_DAYS)
    with Session(engine) as session:
        return any(
            session.exec(query.limit(1)).first() is not None
            for query in (
                select(Group.id).where(Group.planned_until.is_(None)),
                select(Delivery.id).where(Delivery.status == DeliveryStatus.PENDING, Delivery.due_at <= now),
                select(PracticeLog.id).where(PracticeLog.logged_at < cutoff),
            )
        )


def under_real_load(start_serve, database_url: str, fake: FakeSlack, count: int) -> tuple[list[float], float, int]:
    """Every ack of rounds of `count` sent, each once the last is answered, from the moment a
    new `serve` starts on the seeded database until its timers have done the work; how long
    that took, and the messages it sent."""
    now = datetime.now(timezone.utc)
    seed_institute(database_url, now)
    engine = engine_for(database_url)
    posted_before = len(fake.calls_to("chat.postMessage"))
    started = time.monotonic()
    process = start_serve()
    seconds: list[float] = []
    try:
        while work_left(engine, now) and time.monotonic() - started < LOAD_TIMEOUT_SECONDS:
            seconds += fire(process.url, fake, "status", count, replied=True)
        elapsed = time.monotonic() - started
    finally:
        process.stop()
        engine.dispose()
    return seconds, elapsed, len(fake.calls_to("chat.postMessage")) - posted_before


class Process:
    def __init__(self, command: list[str], environment: dict[str, str], port: int, workdir: Path):
        self.url = f"http://127.0.0.1:{port}"
        self.process = start(command, environment, port, workdir)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def ratios(bot_url: str, bare_url: str, fake: FakeSlack, rounds: int, concurrency: int) -> None:
    print(f"{concurrency} concurrent signed slash commands, {rounds} rounds each after a warm-up")
    for text in COMMANDS:
        fire(bare_url, fake, text, concurrency, replied=False)
        fire(bot_url, fake, text, concurrency, replied=True)
        bot_rounds: list[list[float]] = []
        bare_rounds: list[list[float]] = []
        for _ in range(rounds):
            bare_rounds.append(fire(bare_url, fake, text, concurrency, replied=False))
            bot_rounds.append(fire(bot_url, fake, text, concurrency, replied=True))
        bare_line, bare_p99 = summary("bare Bolt", bare_rounds)
        bot_line, bot_p99 = summary("serve", bot_rounds)
        print(f"/practice {text}\n{bare_line}\n{bot_line}\n  ratio of p99: {bot_p99 / bare_p99:.2f}  (goal <= 1.5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument(
        "--load-rate", type=float, default=LOAD_RATE, help="posts a second the loaded serve may send (default 100)"
    )
    parser.add_argument(
        "--observed",
        action="store_true",
        help="serve as in production: a JSON log line per request and delivery (LOG_LEVEL=INFO) and METRICS=1",
    )
    parser.add_argument("--bare-bolt-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if arguments.bare_bolt_port:
        bare_bolt(arguments.bare_bolt_port, arguments.api_url)
        return
    with bench_database(arguments.database_url, "ack") as database_url:
        run(database_url, arguments.rounds, arguments.concurrency, arguments.load_rate, arguments.observed)


def run(database_url: str, rounds: int, concurrency: int, load_rate: float, observed: bool) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-ack-"))
    fake = FakeSlack().start()
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "TEAMS_"))},
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    if observed:
        environment.update(LOG_LEVEL="INFO", LOG_FORMAT="json", METRICS="1")
    bot_port, bare_port = 38310, 38311
    serve = [str(Path(sys.executable).with_name("supervision-bot")), "serve", "--port", str(bot_port)]
    bare = [sys.executable, __file__, "--bare-bolt-port", str(bare_port), "--api-url", fake.api_url]
    bare_environment = {key: value for key, value in environment.items() if not key.startswith("SLACK_")}
    bot, bare_bolt_app = Process(serve, environment, bot_port, workdir), None
    try:
        bare_bolt_app = Process(bare, bare_environment, bare_port, workdir)
        slack = SlackDriver(bot.url, fake)
        fake.add_user(COACH, "Europe/Berlin")
        fake.add_user(THERAPIST, "America/New_York")
        assert "now a supervision group" in slack.say(COACH, CHANNEL, "setup")
        assert "Welcome" in slack.say(THERAPIST, CHANNEL, "join")
        ratios(bot.url, bare_bolt_app.url, fake, rounds, concurrency)
        if database_url.startswith("sqlite:///"):
            slowest = under_write_lock(Path(database_url.removeprefix("sqlite:///")), bot.url, fake, concurrency)
            label = f"slowest of {concurrency} acks, write lock held {LOCK_HELD_SECONDS:.0f} s"
            print(f"{label}: {slowest * 1000:.0f} ms  (goal < 300)")
        bot.stop()
        busy = {**environment, "RETENTION_DAYS": str(RETENTION_DAYS), "SLACK_MESSAGES_PER_SECOND": str(load_rate)}
        seconds, elapsed, posted = under_real_load(
            lambda: Process(serve, busy, bot_port, workdir), database_url, fake, concurrency
        )
        print(
            f"{GROUPS} groups × {THERAPISTS} therapists, {HISTORY_WEEKS} weeks of history: a new serve planned,"
            f" sent {posted} messages and tidied in {elapsed:.1f} s, meanwhile {len(seconds)} acks:"
            f" p99 {percentile(seconds, 0.99) * 1000:.0f} ms, slowest {max(seconds) * 1000:.0f} ms  (goal < 300)"
        )
    finally:
        for process in (bot, bare_bolt_app):
            if process is not None and process.process.poll() is None:
                process.stop()
        fake.stop()


if __name__ == "__main__":
    main()
