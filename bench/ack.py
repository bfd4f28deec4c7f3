"""Time to Slack's HTTP 200 under concurrent slash commands, against a bare Bolt app.

Starts the real `supervision-bot serve` and a bare Bolt `AsyncApp` that only acks, on the
same uvicorn settings, then fires rounds of 50 concurrent signed `/practice status` and
`/practice log 20 x` at each, the two apps in turn, waiting between rounds for the bot's
replies so that one round's work after its acks does not spill into the next. Prints, per
command, the median and spread (min-max) over rounds of each round's p50 and p99, and the
ratio of the medians of p99; goal <= 1.5. Then the slowest of 50 acks sent while another
connection holds SQLite's write lock for 2 s (as a plan pass or housekeeping might): goal
< 300 ms.

    .venv/bin/python bench/ack.py [--rounds 10] [--concurrency 50] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from testkit.slack_api import TEAM_ID, FakeSlack  # noqa: E402
from testkit.slack_driver import SIGNING_SECRET, SlackDriver  # noqa: E402

CHANNEL, COACH, THERAPIST = "CGROUP", "UCOACH", "UALICE"
COMMANDS = ("status", "log 20 x")
UVICORN = {"host": "127.0.0.1", "log_level": "warning", "lifespan": "on"}  # as `serve` runs it
LOCK_HELD_SECONDS = 2.0
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
    process = subprocess.Popen(command, env=environment, cwd=workdir)
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


def fire(url: str, fake: FakeSlack, text: str, count: int, replied: bool) -> list[float]:
    requests = [command_body(fake, text) for _ in range(count)]
    seconds = asyncio.run(one_round(url, [body for body, _ in requests]))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument("--bare-bolt-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.bare_bolt_port:
        bare_bolt(arguments.bare_bolt_port, arguments.api_url)
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench-ack-"))
    database_path = workdir / "bench.sqlite3"
    database_url = arguments.database_url or f"sqlite:///{database_path}"
    fake = FakeSlack().start()
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "TEAMS_"))},
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    bot_port, bare_port = 38310, 38311
    serve = [str(Path(sys.executable).with_name("supervision-bot")), "serve", "--port", str(bot_port)]
    bare = [sys.executable, __file__, "--bare-bolt-port", str(bare_port), "--api-url", fake.api_url]
    bare_environment = {key: value for key, value in environment.items() if not key.startswith("SLACK_")}
    processes = [start(serve, environment, bot_port, workdir), start(bare, bare_environment, bare_port, workdir)]
    try:
        bot_url, bare_url = f"http://127.0.0.1:{bot_port}", f"http://127.0.0.1:{bare_port}"
        slack = SlackDriver(bot_url, fake)
        fake.add_user(COACH, "Europe/Berlin")
        fake.add_user(THERAPIST, "America/New_York")
        assert "now a supervision group" in slack.say(COACH, CHANNEL, "setup")
        assert "Welcome" in slack.say(THERAPIST, CHANNEL, "join")

        print(f"{arguments.concurrency} concurrent signed slash commands, {arguments.rounds} rounds each")
        for text in COMMANDS:
            bot_rounds: list[list[float]] = []
            bare_rounds: list[list[float]] = []
            for _ in range(arguments.rounds):
                bare_rounds.append(fire(bare_url, fake, text, arguments.concurrency, replied=False))
                bot_rounds.append(fire(bot_url, fake, text, arguments.concurrency, replied=True))
            bare_line, bare_p99 = summary("bare Bolt", bare_rounds)
            bot_line, bot_p99 = summary("serve", bot_rounds)
            print(f"/practice {text}\n{bare_line}\n{bot_line}\n  ratio of p99: {bot_p99 / bare_p99:.2f}  (goal <= 1.5)")
        if database_url == f"sqlite:///{database_path}":
            slowest = under_write_lock(database_path, bot_url, fake, arguments.concurrency)
            label = f"slowest of {arguments.concurrency} acks, write lock held {LOCK_HELD_SECONDS:.0f} s"
            print(f"{label}: {slowest * 1000:.0f} ms  (goal < 300)")
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        fake.stop()


if __name__ == "__main__":
    main()
