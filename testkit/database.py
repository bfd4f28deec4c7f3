"""Engines on test databases, and the deliveries they hold."""

from __future__ import annotations

import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from sqlmodel import Session, select

from bot.config import load_settings
from bot.model import Delivery, DeliveryKind
from bot.storage import make_engine


def engine_for(database_url: str):
    """An engine on a test database, with the URL normalised as the bot itself does."""
    return make_engine(load_settings({"DATABASE_URL": database_url}).database_url)


def deliveries(bot, kind: DeliveryKind) -> list[Delivery]:
    """The deliveries of one kind in the database of `bot` (whatever runs the bot with an
    `environment` naming its DATABASE_URL), oldest first."""
    engine = engine_for(bot.environment["DATABASE_URL"])
    try:
        with Session(engine) as session:
            return list(session.exec(select(Delivery).where(Delivery.kind == kind).order_by(Delivery.id)).all())
    finally:
        engine.dispose()


def follow_up(bot) -> Delivery:
    """The one follow-up there is, not counting its reminder."""
    [delivery] = [d for d in deliveries(bot, DeliveryKind.FOLLOW_UP) if not d.is_reminder]
    return delivery


def fresh_postgres_schema(admin_url: str, durable: bool = False):
    """A URL whose connections see only a new, empty schema of their own in the test
    database, as if it were a database of its own: its search path is that schema, and its
    connections carry its name, so that any a killed process left can be ended before the
    schema is dropped. (A schema is made and dropped in milliseconds; a database, with its
    catalog to copy and its checkpoint, takes most of a second.) Commits do not wait for the
    disk (synchronous_commit=off) unless `durable`: no test is about surviving a crash of
    PostgreSQL itself, and what each transaction sees, and when it may commit, is as before."""
    import psycopg

    name = f"sb_{uuid.uuid4().hex[:12]}"
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{name}"')
    try:
        settings = f"-csearch_path={name}" + ("" if durable else " -csynchronous_commit=off")
        options = urlencode({"options": settings, "application_name": name})
        yield f"{plain}{'&' if '?' in plain else '?'}{options}"
    finally:
        with psycopg.connect(plain, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [name])
            admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@contextmanager
def bench_database(url: str | None, name: str):
    """A benchmark's database: a new SQLite file when `url` is None (or SQLite's), else a schema
    of its own in the PostgreSQL database `url`, committing to disk as a deployment would, and
    dropped after the run, whatever an earlier run left there."""
    if url is None or url.startswith("sqlite"):
        yield url or f"sqlite:///{Path(tempfile.mkdtemp(prefix=f'bench-{name}-')) / 'bench.sqlite3'}"
    else:
        yield from fresh_postgres_schema(url, durable=True)
