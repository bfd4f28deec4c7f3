"""Database engine, sessions, migrations and the UTC-only datetime column type."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from sqlalchemy import DateTime, Integer, bindparam, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, create_engine

T = TypeVar("T")

log = logging.getLogger(__name__)

ATTEMPTS = 10  # of one unit of work that keeps losing races; then its error stands
RETRY_PAUSE = 0.005  # seconds, doubled after each lost race, with jitter so rivals spread out
SERIALIZATION_FAILURES = {"40001", "40P01"}  # PostgreSQL: serialization failure, deadlock detected

# Units of work run on threads of their own, never queued behind other blocking calls (the
# event loop's default threads also resolve host names). Work an ack waits for (a form's
# submission) has threads apart, so that it never queues behind the work other requests set
# going after their acks. Few, since each holds the GIL between queries and the event loop
# must keep answering (bench/ack.py); together they stay within the connection pool's 15.
BACKGROUND_WORK = ThreadPoolExecutor(max_workers=2, thread_name_prefix="database")
WORK_BEFORE_ACK = ThreadPoolExecutor(max_workers=4, thread_name_prefix="database-before-ack")


class UTCDateTime(TypeDecorator):
    """Aware datetimes only, stored as UTC.

    SQLite has no time zone type and silently drops the offset, so a naive value is
    refused on the way in and every value read back is UTC-aware on both databases.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} refused: pass an aware datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Tenths(TypeDecorator):
    """A score exact to one decimal place (18.5), stored as a whole number of tenths (185),
    which both databases hold exactly; read back as a Decimal."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect) -> int | None:
        if value is None:
            return None
        tenths = Decimal(value) * 10
        if tenths != tenths.to_integral_value():
            raise ValueError(f"{value!r} has more than one decimal place")
        return int(tenths)

    def process_result_value(self, value: int | None, dialect) -> Decimal | None:
        return None if value is None else Decimal(value) / 10  # 19 for 190, 18.5 for 185


log = logging.getLogger(__name__)


class StorageFault(Exception):
    """The database cannot be written or reached right now: read-only, full, or down."""


SQLITE_FAULTS = ("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN")
# read-only transaction, connection exceptions, insufficient resources (disk full), shutting down
POSTGRES_FAULTS = ("25006", "08", "53", "57P")
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10
HEARTBEAT = text(
    "INSERT INTO seenrequest (key, seen_at) VALUES ('health:heartbeat', :now) "
    "ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at"
).bindparams(bindparam("now", type_=UTCDateTime()))


def make_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_immediate)
    else:
        engine = create_engine(
            database_url, pool_pre_ping=True, connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS}
        )
    event.listen(engine, "handle_error", _storage_fault)
    return engine


def _storage_fault(context: ExceptionContext) -> StorageFault | None:
    """Raise a fault as a StorageFault, and drop the pool's connections: one opened during the
    fault (a SQLite file opened read-only, say) would keep failing after it has passed."""
    error = context.original_exception
    if isinstance(error, sqlite3.Error):
        fault = (getattr(error, "sqlite_errorname", None) or "").startswith(SQLITE_FAULTS)
    else:
        state = getattr(error, "sqlstate", None)
        fault = context.is_disconnect or (state or "").startswith(POSTGRES_FAULTS) or _cannot_connect(error, state)
    if not fault:
        return None
    context.is_disconnect = True
    return StorageFault(_first_line(error))


def _cannot_connect(error: BaseException, sqlstate: str | None) -> bool:
    # psycopg reports a refused connection or an unknown host as an OperationalError with no SQLSTATE.
    return type(error).__name__ == "OperationalError" and sqlstate is None


def wait_for_database(engine: Engine, seconds: float) -> None:
    """Connect, retrying with backoff for up to `seconds`; the last failure is raised."""
    deadline, delay = time.monotonic() + seconds, 0.5
    while True:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return
        except (StorageFault, OperationalError) as failure:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("waiting for the database, retrying in %.1f s: %s", delay, _first_line(failure))
            time.sleep(delay)
            delay = min(delay * 2, 10.0)


def _first_line(error: BaseException) -> str:
    text = str(error.orig if isinstance(error, OperationalError) else error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def database_problem(engine: Engine) -> str | None:
    """What keeps the database from being read and written, or None if it can be.

    The probe commits a real write, since a full disk only shows when something is written."""
    try:
        with transaction(engine) as session:
            session.execute(HEARTBEAT, {"now": datetime.now(timezone.utc)})
    except StorageFault as fault:
        return str(fault)
    return None


def _tune_sqlite(dbapi_connection, _record) -> None:
    # WAL lets `tick` run beside `serve`; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # The driver's own BEGIN comes only before the first write, after the reads it rests on;
    # SQLAlchemy begins instead, in _begin_immediate.
    dbapi_connection.isolation_level = None


def _begin_immediate(connection) -> None:
    # Take the write lock at BEGIN, so that two read-then-write transactions run one after
    # the other instead of both reading the same state. Readers still run beside it (WAL).
    driver = connection.connection.driver_connection
    try:
        driver.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if getattr(error, "sqlite_errorname", None) != "SQLITE_READONLY":
            raise
        # The file cannot be written for now: reads still answer, and a write fails as a StorageFault.
        driver.execute("BEGIN")


def insert_or_ignore(session: Session, table, unique_column: str, /, **values) -> bool:
    """Insert a row unless one with the same value in `unique_column` exists; True if inserted."""
    statement = _insert_or_ignore(session, table, unique_column).values(**values)
    # RETURNING, not rowcount: drivers differ in what rowcount says for an insert.
    return session.execute(statement.returning(table.__table__.c[unique_column])).first() is not None


def insert_all_or_ignore(session: Session, table, unique_column: str, rows: list[dict]) -> None:
    """`insert_or_ignore` for many rows (all with the same columns), sent to the database at once."""
    if rows:
        # Core's executemany on the table: the ORM's bulk insert would build each row's parameters again.
        session.execute(_insert_or_ignore(session, table.__table__, unique_column), rows)


def _insert_or_ignore(session: Session, table, unique_column: str):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=[unique_column])


@contextmanager
def transaction(engine: Engine, snapshot: bool = False) -> Iterator[Session]:
    """One unit of work: everything commits together or nothing is written.

    With `snapshot`, every read sees the database as of the first one (PostgreSQL's REPEATABLE
    READ; SQLite's transactions run one at a time anyway), so a row absent at one read cannot
    appear at the next, and a write that conflicts with a concurrent one fails instead."""
    if snapshot and engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with Session(engine, expire_on_commit=False) as session:
        with session.begin():
            yield session


def writes_of(session: Session) -> Callable[[], bool]:
    """From now on, whether the session wrote anything: a flushed or pending change, or an
    INSERT, UPDATE or DELETE statement."""
    wrote = False

    def flushed(*_arguments) -> None:
        nonlocal wrote
        wrote = True

    def executed(state: ORMExecuteState) -> None:
        nonlocal wrote
        wrote = wrote or not state.is_select

    event.listen(session, "after_flush", flushed)
    event.listen(session, "do_orm_execute", executed)
    return lambda: wrote or bool(session.new or session.dirty or session.deleted)


async def in_transaction(
    engine: Engine, work: Callable[[Session], T], snapshot: bool = False, before_ack: bool = False
) -> T:
    """`work(session)` in its own transaction, on a worker thread so the event loop stays free;
    `before_ack` if a platform's acknowledgement of a request waits for it.

    A unit of work reads, then writes what it read implies. If a concurrent one wrote first
    (a unique key now taken, a serialization failure), everything is rolled back and `work`
    runs again on what the winner wrote, so that each caller gets a true answer. Use cases
    run with `snapshot`; the outbox's single-statement claims do not need it."""
    threads = WORK_BEFORE_ACK if before_ack else BACKGROUND_WORK
    run = functools.partial(contextvars.copy_context().run, _run_until_not_raced, engine, work, snapshot)
    return await asyncio.get_running_loop().run_in_executor(threads, run)


def _run_until_not_raced(engine: Engine, work, snapshot: bool):
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction(engine, snapshot) as session:
                return work(session)
        except DBAPIError as error:
            if attempt == ATTEMPTS or not lost_race(error):
                raise
            log.info("a transaction lost a race (attempt %d), running it again: %s", attempt, type(error.orig))
            time.sleep(random.uniform(0, RETRY_PAUSE * 2**attempt))


def lost_race(error: DBAPIError) -> bool:
    """Whether the error says a concurrent transaction won, so running again can succeed."""
    return isinstance(error, IntegrityError) or getattr(error.orig, "sqlstate", None) in SERIALIZATION_FAILURES


MIGRATIONS = Path(__file__).parent / "migrations" / "versions"


def newest_revision() -> str:
    """The newest migration's revision, which is its file's number ("0016" for 0016_chart_links.py)."""
    return max(path.name[:4] for path in MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def _revisions(engine: Engine) -> list[str] | None:
    """The revisions the schema says it is at; None before the first migration made its table."""
    with engine.connect() as connection:
        try:
            return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        except DBAPIError:
            return None


def migrations_config():
    """Alembic's configuration of the project's migrations (bot/migrations)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "bot:migrations")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest migration (or to `revision`); replicas starting
    together take turns. A schema already at the newest is told by one query, without Alembic,
    whose import and reading of the migrations take longer than the rest of a `tick`."""
    if revision == "head" and _revisions(engine) == [newest_revision()]:
        return
    from alembic import command

    config = migrations_config()
    with engine.connect() as connection:
        on_sqlite = connection.dialect.name == "sqlite"
        if on_sqlite:
            # SQLite alters a table by copying it and dropping the old one, which references
            # to it would forbid; the check runs once the copy is in place, before commit.
            # The pragma has effect only outside a transaction.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if not on_sqlite:
                    connection.execute(text("SELECT pg_advisory_xact_lock(7171)"))
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if on_sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StorageFault("a migration left a reference to a row that is gone; nothing was changed")
        finally:
            if on_sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
