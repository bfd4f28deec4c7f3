"""Wiring for `supervision-bot shell`: its own database, state file, clock and messenger."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

from bot.config import Settings
from bot.core import Core
from bot.ports import Messengers
from bot.scheduling.simulation import SimulatedClock
from bot.storage import make_engine, upgrade
from handlers.shell.demo import seed
from handlers.shell.messenger import ShellMessenger
from handlers.shell.repl import Shell, ShellState
from handlers.shell.screen import Screen

DEFAULT_DATABASE = "supervision-bot-shell.sqlite3"


def database_url(db: str | None) -> str:
    target = db or DEFAULT_DATABASE
    return target if "://" in target else f"sqlite:///{Path(target).resolve()}"


def state_path(url: str) -> Path:
    """The shell's own state (clock, people, buttons) lives beside a SQLite file."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///") + ".shell.json")
    return Path(DEFAULT_DATABASE + ".shell.json").resolve()


def pictures_path(url: str) -> Path:
    """The folder the shell writes charts to: `charts/` beside a SQLite file."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).parent / "charts"
    return Path("charts").resolve()


def run_shell(settings: Settings, demo: bool) -> None:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    path = state_path(settings.database_url)
    fresh = not path.exists()
    state = ShellState.load(path, now=datetime.now(timezone.utc))
    clock = SimulatedClock(state.clock)
    screen = Screen(pictures=pictures_path(settings.database_url))
    core = Core(engine, settings, Messengers([ShellMessenger(screen, state.people, clock)]), clock)
    shell = Shell(core, clock, screen, state, path)
    asyncio.run(_session(shell, demo and fresh))


async def _session(shell: Shell, seed_demo: bool) -> None:
    if seed_demo:
        shell.screen.note("Loading the demo: a coach and three therapists with a month of history…")
        await seed(shell)
    await shell.run()
