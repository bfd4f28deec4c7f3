"""Settings read from the environment and `.env`; the real environment wins."""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass, field, fields
from urllib.parse import urlparse

from dotenv import find_dotenv, load_dotenv
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///supervision-bot.sqlite3"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_SLACK_SCOPES = ("commands", "chat:write", "users:read", "im:write", "files:write")  # manifest.yml's
SLACK_SCOPE = re.compile(r"[a-z][a-z_.-]*(:[a-z][a-z_.-]*)*")  # chat:write, links.embed:write, incoming-webhook
TEAMS_CLOUDS = ("Public", "USGov", "USGovDoD", "China")
TEAMS_CLOUD_FIELDS = ("openid_metadata_url", "login_endpoint", "token_issuer", "token_service_url")
GUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
LOG_LEVELS = ("INFO", "DEBUG", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
TENANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,253}")  # a GUID, or a domain such as contoso.onmicrosoft.com


class ConfigError(Exception):
    """A missing or malformed setting; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    slack_bot_token: str | None
    slack_signing_secret: str | None
    slack_app_token: str | None
    slack_api_url: str
    checkin_skip_after_hours: int
    reminder_after_hours: int
    slack_messages_per_second: float
    retention_days: int
    database_connect_timeout: int
    uninstalled_retention_days: int = 30  # a tenant's data is kept this long after the app is removed
    slack_channel_interval_seconds: float = 1.0
    # Teams is served when TEAMS_CLIENT_ID is set: the bot's Entra app registration.
    teams_client_id: str | None = None
    teams_client_secret: str | None = None
    teams_tenant_id: str | None = None
    teams_allowed_tenants: frozenset[str] = frozenset()  # none set: TEAMS_TENANT_ID's alone
    teams_any_tenant: bool = False  # TEAMS_ALLOWED_TENANTS=*: a multi-tenant registration serves whoever installs it
    teams_cloud: str = "Public"
    teams_cloud_overrides: dict[str, str] = field(default_factory=dict)
    teams_service_url: str | None = None  # for a conversation the bot has not heard from yet
    teams_messages_per_second: float = 5.0
    resurface_days: tuple[int, ...] = (2, 7, 21, 60)  # days after writing that a learning note comes back
    log_level: str = "INFO"
    log_format: str = "text"  # or "json": one JSON object a line
    metrics: bool = False  # GET /metrics on the main port
    metrics_port: int | None = None  # GET /metrics on this port instead, and not on the main one
    # Slack is installed to any workspace through OAuth when SLACK_CLIENT_ID is set, instead of
    # serving the one workspace of SLACK_BOT_TOKEN.
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_scopes: tuple[str, ...] = DEFAULT_SLACK_SCOPES
    public_url: str | None = None  # the server's public address: charts are then shown by signed links to it

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret set: each token and secret, and the database's password, for the logs to redact."""
        values = [getattr(self, item.name) for item in fields(self) if item.name.endswith(("_token", "_secret"))]
        values.append(make_url(self.database_url).password)
        return tuple(value for value in values if value)

    def serves_teams_tenant(self, tenant_id: str) -> bool:
        """Whether this tenant's activities are served: the SDK checks the token, never the tenant."""
        if self.teams_any_tenant:
            return bool(tenant_id)
        allowed = self.teams_allowed_tenants or frozenset({self.teams_tenant_id} if self.teams_tenant_id else ())
        return tenant_id in allowed


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    if environ is None:
        _load_dotenv(find_dotenv(usecwd=True))  # .env in the working directory
        environ = dict(os.environ)
    return Settings(
        database_url=_database_url(environ),
        slack_bot_token=_optional(environ, "SLACK_BOT_TOKEN", prefix="xoxb-"),
        slack_signing_secret=_optional(environ, "SLACK_SIGNING_SECRET"),
        slack_app_token=_optional(environ, "SLACK_APP_TOKEN", prefix="xapp-"),
        slack_api_url=_slack_api_url(environ),
        checkin_skip_after_hours=_positive_int(environ, "CHECKIN_SKIP_AFTER_HOURS", 24),
        reminder_after_hours=_positive_int(environ, "REMINDER_AFTER_HOURS", 48),
        # At least one message every two seconds, so that a batch is sent well within its lease.
        slack_messages_per_second=_number(environ, "SLACK_MESSAGES_PER_SECOND", 5.0, 0.5, 1000, "messages per second"),
        retention_days=_positive_int(environ, "RETENTION_DAYS", 730),
        database_connect_timeout=_positive_int(environ, "DATABASE_CONNECT_TIMEOUT", 60),
        uninstalled_retention_days=_positive_int(environ, "UNINSTALLED_RETENTION_DAYS", 30),
        resurface_days=_resurface_days(environ),
        slack_channel_interval_seconds=_number(environ, "SLACK_CHANNEL_INTERVAL_SECONDS", 1.0, 0, 60, "seconds"),
        teams_client_id=_guid(environ, "TEAMS_CLIENT_ID"),
        teams_client_secret=_optional(environ, "TEAMS_CLIENT_SECRET"),
        teams_tenant_id=_tenant(environ.get("TEAMS_TENANT_ID", ""), "TEAMS_TENANT_ID"),
        teams_allowed_tenants=_allowed_tenants(environ),
        teams_any_tenant=_any_tenant(environ),
        teams_cloud=_teams_cloud(environ),
        teams_cloud_overrides=_cloud_overrides(environ),
        teams_service_url=_url(environ, "TEAMS_SERVICE_URL"),
        teams_messages_per_second=_number(environ, "TEAMS_MESSAGES_PER_SECOND", 5.0, 0.5, 1000, "messages per second"),
        log_level=_choice(environ, "LOG_LEVEL", LOG_LEVELS),
        log_format=_choice(environ, "LOG_FORMAT", LOG_FORMATS),
        metrics=_metrics(environ),
        metrics_port=_port(environ, "METRICS_PORT"),
        slack_client_id=_optional(environ, "SLACK_CLIENT_ID"),
        slack_client_secret=_optional(environ, "SLACK_CLIENT_SECRET"),
        slack_scopes=_slack_scopes(environ),
        public_url=_url(environ, "PUBLIC_URL"),
    )


def _choice(environ: dict[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, in any case; the first is the default."""
    value = environ.get(name, "").strip().lower() or choices[0].lower()
    for choice in choices:
        if value == choice.lower():
            return choice
    raise ConfigError(f"{name} is malformed: it should be one of {', '.join(choices)}")


def _metrics(environ: dict[str, str]) -> bool:
    raw = environ.get("METRICS", "").strip().lower()
    if raw not in ("", "0", "1"):
        raise ConfigError("METRICS is malformed: it should be 1 (serve GET /metrics) or 0")
    if raw == "0" and environ.get("METRICS_PORT", "").strip():
        raise ConfigError("METRICS=0 turns metrics off, but METRICS_PORT is set: unset one of them")
    return raw == "1"


def _port(environ: dict[str, str], name: str) -> int | None:
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name} is malformed: it should be a port number from 1 to 65535, got {raw!r}")
    return int(raw)


def _slack_scopes(environ: dict[str, str]) -> tuple[str, ...]:
    raw = environ.get("SLACK_SCOPES", "").strip()
    if not raw:
        return DEFAULT_SLACK_SCOPES
    scopes = tuple(part.strip() for part in raw.split(","))
    if not all(SLACK_SCOPE.fullmatch(scope) for scope in scopes):
        raise ConfigError(
            "SLACK_SCOPES is malformed: it should be Slack's bot scopes separated by commas,"
            f" like {','.join(DEFAULT_SLACK_SCOPES)}"
        )
    return scopes


def _tenant(raw: str, name: str) -> str | None:
    value = raw.strip()
    if value and not TENANT.fullmatch(value):
        raise ConfigError(f"{name} is malformed: it should be a tenant ID (a GUID), or several separated by commas")
    return value or None


def _allowed_tenants(environ: dict[str, str]) -> frozenset[str]:
    if _any_tenant(environ):
        return frozenset()
    parts = (_tenant(part, "TEAMS_ALLOWED_TENANTS") for part in environ.get("TEAMS_ALLOWED_TENANTS", "").split(","))
    return frozenset(part for part in parts if part)


def _any_tenant(environ: dict[str, str]) -> bool:
    if environ.get("TEAMS_ALLOWED_TENANTS", "").strip() != "*":
        return False
    if environ.get("TEAMS_TENANT_ID", "").strip():
        raise ConfigError(
            "TEAMS_ALLOWED_TENANTS=* serves any tenant, which only a multi-tenant app registration can:"
            " leave TEAMS_TENANT_ID unset, so that the bot's tokens come from the Bot Framework's tenant"
        )
    return True


def _teams_cloud(environ: dict[str, str]) -> str:
    cloud = environ.get("TEAMS_CLOUD", "").strip() or "Public"
    if cloud not in TEAMS_CLOUDS:
        raise ConfigError(f"TEAMS_CLOUD is malformed: it should be one of {', '.join(TEAMS_CLOUDS)}")
    return cloud


def _cloud_overrides(environ: dict[str, str]) -> dict[str, str]:
    raw = environ.get("TEAMS_CLOUD_OVERRIDES", "").strip()
    if not raw:
        return {}
    malformed = ConfigError(
        "TEAMS_CLOUD_OVERRIDES is malformed: it should be a JSON object of https URLs for "
        + ", ".join(TEAMS_CLOUD_FIELDS)
    )
    try:
        overrides = json.loads(raw)
    except json.JSONDecodeError:
        raise malformed from None
    if not isinstance(overrides, dict) or not all(
        key in TEAMS_CLOUD_FIELDS and isinstance(value, str) and _is_url(value, ("https",))
        for key, value in overrides.items()
    ):
        raise malformed
    return overrides


def _url(environ: dict[str, str], name: str) -> str | None:
    value = _optional(environ, name)
    if value is not None and not _is_url(value, ("http", "https")):
        raise ConfigError(f"{name} is malformed: it should be an http(s) URL")
    return value


def _is_url(value: str, schemes: tuple[str, ...]) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in schemes and bool(parsed.netloc)


def _load_dotenv(path: str) -> None:
    """Load `.env` beneath the real environment, refusing text the environment cannot hold."""
    if not path:
        return
    with open(path, "rb") as file:
        raw = file.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}, line {_line_of(raw, error.start)}: not UTF-8 text") from None
    if (nul := raw.find(b"\0")) >= 0:
        raise ConfigError(f"{path}, line {_line_of(raw, nul)}: contains a NUL byte")
    load_dotenv(stream=io.StringIO(text), override=False)


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def require(settings: Settings, *names: str) -> None:
    """Fail with a ConfigError for the first of `names` (environment variable names) that is unset."""
    for name in names:
        if getattr(settings, name.lower()) is None:
            raise ConfigError(f"{name} is not set; put it in the environment or in .env (see .env.example)")


def _optional(environ: dict[str, str], name: str, prefix: str = "") -> str | None:
    value = environ.get(name, "").strip()
    if not value:
        return None
    if prefix and not value.startswith(prefix):
        raise ConfigError(f"{name} is malformed: it should start with {prefix!r}")
    return value


def is_guid(text: str) -> bool:
    """Whether `text` is a GUID as Microsoft writes its app ids: 8-4-4-4-12 hexadecimal digits."""
    return GUID.fullmatch(text) is not None


def _guid(environ: dict[str, str], name: str) -> str | None:
    value = _optional(environ, name)
    if value is not None and not is_guid(value):
        raise ConfigError(f"{name} is malformed: it should be a GUID like 00000000-0000-0000-0000-000000000000")
    return value


def _database_url(environ: dict[str, str]) -> str:
    value = environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    if value.startswith("postgres://"):
        value = "postgresql://" + value.removeprefix("postgres://")
    if value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
    malformed = ConfigError("DATABASE_URL is malformed: use sqlite:///path.sqlite3 or postgresql://user@host/db")
    if not value.startswith(("sqlite:///", "postgresql+psycopg://")):
        raise malformed
    if value.removeprefix("sqlite:///") in ("", ":memory:"):
        raise malformed  # a database in memory: each connection would get an empty one of its own
    try:
        make_url(value)
    except (ArgumentError, ValueError):
        raise malformed from None
    return value


def _slack_api_url(environ: dict[str, str]) -> str:
    value = environ.get("SLACK_API_URL", "").strip() or DEFAULT_SLACK_API_URL
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError("SLACK_API_URL is malformed: it should be an http(s) URL such as https://slack.com/api/")
    return value if value.endswith("/") else value + "/"


def _resurface_days(environ: dict[str, str]) -> tuple[int, ...]:
    """RESURFACE_DAYS: days after writing, rising, like "2,7,21,60"; "0" for no resurfacing."""
    raw = environ.get("RESURFACE_DAYS", "").strip()
    if not raw:
        return (2, 7, 21, 60)
    if raw == "0":
        return ()
    parts = [part.strip() for part in raw.split(",")]
    days = [int(part) for part in parts if part.isdigit() and 0 < int(part) <= 3660]
    if len(days) != len(parts) or days != sorted(set(days)):
        raise ConfigError(
            f"RESURFACE_DAYS is malformed: it should be rising whole numbers of days, like 2,7,21,60, got {raw!r}"
        )
    return tuple(days)


def _positive_int(environ: dict[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) == 0:
        raise ConfigError(f"{name} is malformed: it should be a whole number above 0, got {raw!r}")
    return int(raw)


def _number(environ: dict[str, str], name: str, default: float, low: float, high: float, unit: str) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ConfigError(f"{name} is malformed: it should be a number of {unit} from {low:g} to {high:g}")
    return value
