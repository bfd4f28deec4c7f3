"""The `supervision-bot` command: serve, tick, shell, db upgrade and teams package.

This is the composition root: it reads settings and wires the core to a front-end.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

from bot.config import ConfigError, Settings, load_settings, require
from bot.core import Core
from bot.identifiers import name_lists
from bot.measurements import Measurements
from bot.model import Platform
from bot.ports import Messenger, Messengers
from bot.storage import StorageFault, make_engine, upgrade, wait_for_database
from handlers.logs import configure_logging

if TYPE_CHECKING:
    from handlers.metrics import Metrics
    from handlers.server import Endpoint
    from handlers.slack.workspace import OneWorkspace

log = logging.getLogger("supervision-bot")


def _loaded() -> None:
    """What a long-running command works with is loaded: from here on the collector runs, on what
    is new (handlers/command.py turned it off while the command loaded)."""
    if not gc.isenabled():  # not a test calling main() in its own process
        gc.freeze()
        gc.enable()


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format, settings.secrets)
        return arguments.run(arguments, settings)
    except ConfigError as error:
        print(f"supervision-bot: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supervision-bot", description="Deliberate practice for supervision groups.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="run the bot over HTTP for Slack and Teams, or for Slack alone by Socket Mode with --socket",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    serve.add_argument("--socket", action="store_true", help="connect by Socket Mode instead of serving HTTP")
    serve.set_defaults(run=_serve)

    tick = commands.add_parser("tick", help="one scheduling pass: send everything due, then exit")
    tick.add_argument("--now", type=_instant, help="the instant to act as of, ISO 8601 with an offset (default: now)")
    tick.set_defaults(run=_tick)

    shell = commands.add_parser("shell", help="try the bot in the terminal, without Slack")
    shell.add_argument("--demo", action="store_true", help="start with a sample group and a month of history")
    shell.add_argument(
        "--db",
        help="the shell's database: a SQLite file path or a database URL (default: supervision-bot-shell.sqlite3)",
    )
    shell.set_defaults(run=_shell)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply the database migrations").set_defaults(run=_db_upgrade)

    teams = commands.add_parser("teams", help="Microsoft Teams")
    teams_commands = teams.add_subparsers(dest="teams_command", required=True)
    package = teams_commands.add_parser(
        "package",
        help="write the Teams app package, to upload to Teams",
        description="Write the Teams app package for the app TEAMS_CLIENT_ID: a zip with its manifest and icons,"
        " to upload to Teams. The developer's website, privacy and terms-of-use addresses in"
        " handlers/teams/app_package/manifest.json are placeholders under https://example.org/:"
        " set them before listing the app in a store.",
    )
    package.add_argument("--out", type=Path, required=True, metavar="FILE.zip", help="where to write the zip")
    package.set_defaults(run=_teams_package)
    return parser


def _instant(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not an ISO 8601 time such as 2026-12-04T15:00:00Z") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{raw!r} has no offset; add Z or +01:00")
    return value.astimezone(timezone.utc)


def _ready_engine(settings: Settings, wait_seconds: float = 0):
    """An engine on a migrated database; a database that cannot be used is a ConfigError."""
    try:
        engine = make_engine(settings.database_url)
        wait_for_database(engine, wait_seconds)
        upgrade(engine)
    except (StorageFault, OperationalError) as failure:
        reason = str(getattr(failure, "orig", None) or failure).strip().splitlines()[0]
        shown = make_url(settings.database_url).render_as_string(hide_password=True)
        raise ConfigError(f"cannot use the database in DATABASE_URL ({shown}): {reason}") from None
    return engine


def served_platforms(settings: Settings) -> list[Platform]:
    """Each platform is served when its configuration is present; a part of one missing is named."""
    served = []
    if settings.slack_bot_token and settings.slack_client_id:
        raise ConfigError(
            "both SLACK_BOT_TOKEN and SLACK_CLIENT_ID are set: set SLACK_BOT_TOKEN alone to serve its one workspace,"
            " or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET alone to be installed to any workspace (see .env.example)"
        )
    if settings.slack_client_id:
        require(settings, "SLACK_CLIENT_SECRET")
    if settings.slack_bot_token or settings.slack_client_id:
        served.append(Platform.SLACK)
    if settings.teams_client_id:
        require(settings, "TEAMS_CLIENT_SECRET")
        if not (settings.teams_tenant_id or settings.teams_allowed_tenants or settings.teams_any_tenant):
            raise ConfigError(
                "TEAMS_TENANT_ID is not set; put it in the environment or in .env (see .env.example),"
                " or for a multi-tenant app registration set TEAMS_ALLOWED_TENANTS (tenant IDs, or * for any)"
            )
        served.append(Platform.TEAMS)
    if not served:
        raise ConfigError(
            "neither Slack nor Teams is configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET for Slack,"
            " or TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID for Teams (see .env.example)"
        )
    return served


def _core(
    settings: Settings,
    platforms: list[Platform],
    clock=None,
    wait_seconds: float = 0,
    measurements: Measurements | None = None,
) -> Core:
    engine = _ready_engine(settings, wait_seconds)
    return Core(
        engine,
        settings,
        Messengers(_messenger(settings, platform, engine) for platform in platforms),
        clock or (lambda: datetime.now(timezone.utc)),
        measurements,
    )


def _metrics(settings: Settings, socket: bool) -> Metrics | None:
    """The process's numbers, when METRICS or METRICS_PORT asks for them."""
    if not (settings.metrics or settings.metrics_port):
        return None
    if socket and settings.metrics_port is None:
        raise ConfigError("METRICS=1 serves /metrics on the HTTP port, which --socket does not open: set METRICS_PORT")
    from handlers.metrics import Metrics

    return Metrics()


def _served_core(settings: Settings, platforms: list[Platform], metrics: Metrics | None) -> Core:
    core = _core(settings, platforms, wait_seconds=settings.database_connect_timeout, measurements=metrics)
    if metrics is not None:
        metrics.watch(core.engine)
    return core


@contextmanager
def _metrics_on_their_port(metrics: Metrics | None, settings: Settings, host: str, main_port: int | None):
    """GET /metrics on METRICS_PORT, if it is set, while the block runs."""
    if metrics is None or settings.metrics_port is None:
        yield
        return
    if settings.metrics_port == main_port:
        raise ConfigError(f"METRICS_PORT is {main_port}, the port serve answers on: choose another, or set METRICS=1")
    try:
        server = metrics.serve_on(host, settings.metrics_port)
    except OSError as error:
        raise ConfigError(f"cannot serve metrics on METRICS_PORT {settings.metrics_port}: {error.strerror}") from None
    try:
        yield
    finally:
        server.shutdown()


def _messenger(settings: Settings, platform: Platform, engine: Engine) -> Messenger:
    if platform is Platform.TEAMS:
        from handlers.teams.app import teams_messenger

        return teams_messenger(settings)
    from handlers.slack.messenger import slack_messenger
    from handlers.slack.workspace import installed_workspaces

    return slack_messenger(settings, installed_workspaces(settings, engine) if settings.slack_client_id else None)


def _endpoints(settings: Settings, core: Core, platforms: list[Platform]) -> dict[str, Endpoint]:
    endpoints: dict[str, Endpoint] = {}
    if Platform.SLACK in platforms:
        from handlers.slack.app import build_app
        from handlers.slack.endpoint import EVENTS_PATH, OAuthPages, SlackEndpoint
        from handlers.slack.installs import INSTALL_PATH, REDIRECT_PATH
        from handlers.slack.workspace import OneWorkspace

        workspaces = core.messengers.of(Platform.SLACK).workspaces  # type: ignore[attr-defined]
        app = build_app(settings, core, workspaces)
        learn = _resuming_its_workspace(workspaces, core) if isinstance(workspaces, OneWorkspace) else None
        endpoints[EVENTS_PATH] = events = SlackEndpoint(app, settings.slack_signing_secret, on_start=learn)
        if settings.slack_client_id:
            endpoints[INSTALL_PATH] = endpoints[REDIRECT_PATH] = OAuthPages(events.bolt)
    if Platform.TEAMS in platforms:
        from handlers.teams.app import build_endpoint
        from handlers.teams.endpoint import MESSAGES_PATH

        endpoints[MESSAGES_PATH] = build_endpoint(settings, core, core.messengers.of(Platform.TEAMS))
    return endpoints


def _resuming_its_workspace(workspace: OneWorkspace, core: Core):
    """At start-up, ask Slack who the bot is; a token that works shows the app is installed in its
    workspace (again, after an uninstall: a new token comes with a restart)."""

    async def learn() -> None:
        tenant_id = await workspace.learn()
        if tenant_id:
            await core.tenant_installed(Platform.SLACK, tenant_id)

    return learn


def _serve(arguments, settings: Settings) -> int:
    name_lists()  # read now, not while a first request waits for its ack
    metrics = _metrics(settings, arguments.socket)
    if arguments.socket:
        from handlers.slack.app import build_app

        require(settings, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
        if settings.slack_client_id:
            raise ConfigError("Socket Mode serves the one workspace of SLACK_BOT_TOKEN: unset SLACK_CLIENT_ID")
        core = _served_core(settings, [Platform.SLACK], metrics)
        app = build_app(settings, core)
        with _metrics_on_their_port(metrics, settings, arguments.host, None):
            _loaded()
            asyncio.run(_socket_mode(app, core, settings))
        return 0
    platforms = served_platforms(settings)
    if Platform.SLACK in platforms:
        require(settings, "SLACK_SIGNING_SECRET")
    import uvicorn

    from handlers.server import Server

    core = _served_core(settings, platforms, metrics)
    endpoints = _endpoints(settings, core, platforms)
    server = Server(core, endpoints, metrics=metrics, metrics_here=settings.metrics_port is None)
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again: exit 0 then.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with _metrics_on_their_port(metrics, settings, arguments.host, arguments.port):
        _loaded()
        # log_config=None: uvicorn's records go through the process's own handler (its format, redaction).
        uvicorn.run(
            server, host=arguments.host, port=arguments.port, log_level="warning", log_config=None, lifespan="on"
        )
    return 0


async def _socket_mode(app, core: Core, settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.scheduling.runner import Timers

    timers = Timers(core.dispatcher).start()
    handler = AsyncSocketModeHandler(app, settings.slack_app_token)
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    connection = asyncio.create_task(handler.start_async())
    await asyncio.wait([connection, asyncio.create_task(stopped.wait())], return_when=asyncio.FIRST_COMPLETED)
    await timers.stop()
    await handler.close_async()
    await core.settled()


def _tick(arguments, settings: Settings) -> int:
    platforms = served_platforms(settings)
    now = arguments.now or datetime.now(timezone.utc)
    core = _core(settings, platforms, clock=_running_from(now))
    _loaded()
    handled = asyncio.run(_one_pass(core))
    print(f"tick at {now.isoformat()}: handled {handled} due deliveries")
    return 0


def _running_from(start: datetime):
    """A clock that starts at `start` and moves on in real time, so that what a tick puts off
    for a moment (a 429's Retry-After) comes due while it runs."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


async def _one_pass(core: Core) -> int:
    # On SIGTERM, the sends under way finish and the rest of what was claimed is handed back.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, core.dispatcher.stop)
    await core.dispatcher.tidy()
    await core.dispatcher.plan()
    return await core.dispatcher.drain_while_due_soon()


def _shell(arguments, settings: Settings) -> int:
    from handlers.shell.app import database_url, run_shell

    logging.getLogger().setLevel(logging.WARNING)  # the terminal is the conversation
    _loaded()
    try:
        run_shell(replace(settings, database_url=database_url(arguments.db)), demo=arguments.demo)
    except KeyboardInterrupt:
        print()
    return 0


def _db_upgrade(_arguments, settings: Settings) -> int:
    _ready_engine(settings)
    print("database is up to date")
    return 0


def _teams_package(arguments, settings: Settings) -> int:
    from handlers.teams.package import write_package

    require(settings, "TEAMS_CLIENT_ID")
    write_package(arguments.out, settings.teams_client_id)
    print(f"wrote {arguments.out} for app {settings.teams_client_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
