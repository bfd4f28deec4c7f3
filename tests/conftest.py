"""Shared fixtures: real databases (a SQLite file, and PostgreSQL when TEST_DATABASE_URL is
set), the fake Slack Web API, and the bot itself as a real server process."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bot.storage import upgrade
from testkit.database import engine_for, fresh_postgres_schema
from testkit.microsoft import TENANT_ID as MICROSOFT_TENANT_ID
from testkit.microsoft import FakeMicrosoft
from testkit.slack_api import FakeSlack
from testkit.slack_driver import SIGNING_SECRET, SlackDriver
from testkit.teams_driver import TENANT_ID as TEAMS_TENANT_ID
from tests.steps import Group, a_group

BACKENDS = ["sqlite", "postgresql"]
BOT_COMMAND = str(Path(sys.executable).with_name("supervision-bot"))  # the installed console script
MEMORY = Path("/dev/shm")


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A migrated database of each kind with nothing in it: a copy of this test process's
    SQLite file, migrated once (_migrated_sqlite), or PostgreSQL's schema for this test
    process, migrated once and emptied for each test (_migrated_postgres)."""
    if request.param == "sqlite":
        with _sqlite_folder(tmp_path) as folder:
            shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), folder / "bot.sqlite3")
            yield f"sqlite:///{folder / 'bot.sqlite3'}"
        return
    yield from _emptied(request.getfixturevalue("_migrated_postgres"), request.getfixturevalue("_postgres_admin"))


# Where the tests have PostgreSQL, the one kind of a module on_one_database(BEST_SHARED) is it.
BEST_SHARED = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"


def on_one_database(kind: str) -> pytest.MarkDecorator:
    """For tests whose subject is not the database (a platform's HTTP, its errors, its whole
    loop; a front-end's translation in-process): the tests among them that use a database run
    on `kind` only. The database's side of what they do runs on both kinds in the core's own
    tests (tests/integration), and across processes in tests/e2e/test_resilience.py and
    test_replicas.py."""
    return pytest.mark.one_database(kind)


def pytest_configure(config):
    config.addinivalue_line("markers", "one_database(kind): run the test's database_url on that kind only")


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc):
    # A parametrize mark, added before pytest reads the marks, so that it leaves out the fixture's two kinds.
    marker = metafunc.definition.get_closest_marker("one_database")
    if marker is not None and "database_url" in metafunc.fixturenames:
        metafunc.definition.add_marker(pytest.mark.parametrize("database_url", [marker.args[0]], indirect=True))


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    """A database of each kind that has never been migrated, for the tests of migrations."""
    if request.param == "sqlite":
        with _sqlite_folder(tmp_path) as folder:
            yield f"sqlite:///{folder / 'bot.sqlite3'}"
        return
    yield from fresh_postgres_schema(_admin_url())


@pytest.fixture
def postgres_url(request):
    """A PostgreSQL database with nothing in it (as for database_url), for what only
    PostgreSQL is for: several processes at once."""
    yield from _emptied(request.getfixturevalue("_migrated_postgres"), request.getfixturevalue("_postgres_admin"))


def _admin_url() -> str:
    admin_url = os.environ.get("TEST_DATABASE_URL")
    if not admin_url:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (CI always sets it)")
    return admin_url.replace("postgresql+psycopg://", "postgresql://")


@contextmanager
def _sqlite_folder(fallback: Path):
    """Where a test's SQLite file goes: in memory (/dev/shm) where there is one, as no test
    is about a file surviving a power cut and every commit's fsync would wait for the disk."""
    if not MEMORY.is_dir():
        yield fallback
        return
    folder = Path(tempfile.mkdtemp(prefix="sb-test-", dir=MEMORY))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory):
    """A SQLite file migrated once for this test process, copied for each test: migrating a
    new file takes half a second, copying one well under a millisecond."""
    with _sqlite_folder(tmp_path_factory.mktemp("migrated-sqlite")) as folder:
        template = folder / "migrated.sqlite3"
        engine = engine_for(f"sqlite:///{template}")
        upgrade(engine)
        engine.dispose()  # the last connection's close checkpoints the WAL into the file
        yield template


@pytest.fixture(scope="session")
def _migrated_postgres():
    """The URL of this test process's own PostgreSQL schema, migrated once: migrating a new
    schema takes most of a second, emptying one a few milliseconds."""
    schemas = fresh_postgres_schema(_admin_url())
    url = next(schemas)
    engine = engine_for(url)
    upgrade(engine)
    engine.dispose()
    yield url
    next(schemas, None)


@pytest.fixture(scope="session")
def _postgres_admin():
    """This test process's one connection for emptying its schema: connecting for each test cost more."""
    import psycopg

    with psycopg.connect(_admin_url(), autocommit=True) as admin:
        yield admin


def _emptied(url: str, admin):
    """`url`'s schema with every row deleted and every id counter restarted, as new but for
    the migrations; afterwards, the connections a test left behind are ended."""
    name = parse_qs(urlparse(url).query)["application_name"][0]
    with admin.transaction():
        admin.execute(_emptying(admin, name))
    try:
        yield url
    finally:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [name])


_EMPTYING: dict[str, str] = {}


def _emptying(admin, schema: str) -> str:
    """The statements that empty `schema`: DELETE, with the foreign keys' triggers off for the
    transaction so that any order will do, and each sequence set back to 1 (setval, which unlike
    ALTER SEQUENCE … RESTART is no schema change). For the few rows a test leaves, a quarter of the
    time a TRUNCATE of every table takes."""
    if schema not in _EMPTYING:
        tables = admin.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename <> 'alembic_version'", [schema]
        ).fetchall()
        sequences = admin.execute(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = %s", [schema]
        ).fetchall()
        restarts = [f'setval(\'"{schema}"."{sequence}"\', 1, false)' for (sequence,) in sequences]
        _EMPTYING[schema] = "; ".join(
            ["SET LOCAL session_replication_role = replica"]
            + [f'DELETE FROM "{schema}"."{table}"' for (table,) in tables]
            + ([f"SELECT {', '.join(restarts)}"] if restarts else [])
        )
    return _EMPTYING[schema]


@pytest.fixture
def fake_microsoft():
    fake = FakeMicrosoft().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_slack():
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bot_environment(database_url: str, fake: FakeSlack) -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "TEAMS_", "DATABASE_URL"))
    }
    environment.update(
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    return environment


def teams_environment(fake: FakeMicrosoft) -> dict[str, str]:
    """Teams configured as an operator would, with Microsoft's services on the fake's port."""
    overrides = {"openid_metadata_url": fake.openid_metadata_url, "login_endpoint": fake.url}
    return {
        "TEAMS_CLIENT_ID": fake.app_id,
        "TEAMS_CLIENT_SECRET": "test-client-secret",
        "TEAMS_TENANT_ID": MICROSOFT_TENANT_ID,
        "TEAMS_ALLOWED_TENANTS": TEAMS_TENANT_ID,
        "TEAMS_CLOUD_OVERRIDES": json.dumps(overrides),
        "TEAMS_SERVICE_URL": fake.service_url,
        **fake.ca_environment,
    }


class RunningBot:
    """`supervision-bot serve` in its own process, and `tick` beside it; for Slack, and for
    Teams too when given the fake Microsoft."""

    def __init__(self, database_url: str, fake: FakeSlack, workdir: Path, microsoft: FakeMicrosoft | None = None):
        self.environment = bot_environment(database_url, fake)
        if microsoft is not None:
            self.environment.update(teams_environment(microsoft))
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"serve-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> RunningBot:
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [BOT_COMMAND, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.environment,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the bot exited early:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"the bot did not become healthy:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def tick(self, now: str, **environment: str) -> subprocess.CompletedProcess:
        return run_cli(["tick", "--now", now], {**self.environment, **environment}, self.workdir)

    def start_tick(self, now: str, **environment: str) -> subprocess.Popen:
        """A tick in the background, for tests that signal or kill it mid-batch."""
        return subprocess.Popen(
            [BOT_COMMAND, "tick", "--now", now],
            env={**self.environment, **environment},
            cwd=self.workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def output(self) -> str:
        return self.log.read_text()

    def logged(self, text: str, times: int = 1, timeout: float = 10) -> int:
        """How many times `text` is in the log, once it is there at least `times` times or
        `timeout` has passed: the server logs a request just after its answer, which the
        client may see first."""
        deadline = time.monotonic() + timeout
        while (found := self.output().count(text)) < times and time.monotonic() < deadline:
            time.sleep(0.02)
        return found


def run_cli(arguments: list[str], environment: dict[str, str], workdir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BOT_COMMAND, *arguments], env=environment, cwd=workdir, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def bot(database_url, fake_slack, tmp_path):
    running = RunningBot(database_url, fake_slack, tmp_path).start()
    yield running
    running.stop()
    assert "Traceback" not in running.output(), running.output()


@pytest.fixture
def slack(bot, fake_slack) -> SlackDriver:
    return SlackDriver(bot.url, fake_slack)


@pytest.fixture
def group(slack, fake_slack) -> Group:
    """A coach in Berlin and two therapists, in New York and Sydney, in channel CGROUP."""
    return a_group(slack, fake_slack)
