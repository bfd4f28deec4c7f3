"""How the processes log: one line a record, readable (LOG_FORMAT=text) or one JSON object
(LOG_FORMAT=json), with the structured fields a record carries as `extra={"fields": {...}}`
(a request's or a delivery's platform, tenant, kind, outcome), and every secret redacted at
every level: the configured ones by value, and anything shaped like a token."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TextIO

REDACTED = "[redacted]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
SHORTEST_SECRET = 6  # a shorter configured value would redact ordinary words
TOKENS = re.compile(
    r"xox[a-z](?:\.[a-z]+)?-[A-Za-z0-9-]+"  # Slack's bot, user and rotating tokens
    r"|xoxe-[A-Za-z0-9-]+"  # Slack's refresh tokens
    r"|xapp-[A-Za-z0-9-]+"  # Slack's app-level tokens
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"  # a JSON Web Token (Microsoft's)
)
CREDENTIALS = re.compile(
    r"(?P<name>\b(?:Bearer|Basic)\s+"  # an Authorization header's value
    r"|\b(?:client_secret|client_assertion|refresh_token|access_token|password)=)"  # a form's field
    r"[^\s&'\",;]+",
    re.IGNORECASE,
)


class Redact(logging.Filter):
    """Rewrites each record with its secrets replaced, message, fields and traceback alike."""

    def __init__(self, secrets: Iterable[str]):
        super().__init__()
        self.secrets = sorted({value for value in secrets if len(value) >= SHORTEST_SECRET}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = CREDENTIALS.sub(lambda found: found["name"] + REDACTED, text)
        return TOKENS.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            record.fields = {name: self.redact(v) if isinstance(v, str) else v for name, v in fields.items()}
        return True


class TextFormatter(logging.Formatter):
    """The readable line, its fields after the message as name=value."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        line = super().formatMessage(record)
        fields = getattr(record, "fields", None) or {}
        return " ".join([line, *(f"{name}={_plain(value)}" for name, value in fields.items() if value is not None)])


def _plain(value: object) -> str:
    text = str(value)
    return text if text and not any(c.isspace() or c in '"=' for c in text) else json.dumps(text)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, the record's fields, and
    its traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str, log_format: str, secrets: Iterable[str]) -> None:
    """Every record of the process, the libraries' and warnings included, to stderr in one format;
    unless logging is configured already (by a test runner, say), as logging.basicConfig leaves it."""
    if logging.getLogger().handlers:
        return
    logging.basicConfig(level=level, handlers=[log_handler(log_format, secrets, sys.stderr)])
    logging.captureWarnings(True)


def log_handler(log_format: str, secrets: Iterable[str], stream: TextIO) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redact(secrets))
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    return handler
