"""The processes' log lines (handlers/logs.py): secrets redacted at every level, DEBUG
included, whether configured or only shaped like one; a record's fields written after its
message, or as one JSON object a line."""

from __future__ import annotations

import io
import json
import logging
import uuid

import pytest

from handlers.logs import log_handler

BOT_TOKEN = "xoxb-1234-5678-SeCrEtBoTtOkEn"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
CLIENT_SECRET = "Zq8~sEcReTvAlUe.fOr-EnTrA"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJib3QifQ.c2lnbmF0dXJl"


@pytest.fixture
def logged():
    """A logger of the test's own writing through the processes' handler; what it wrote."""

    def logger(log_format: str) -> tuple[logging.Logger, io.StringIO]:
        stream = io.StringIO()
        logger = logging.getLogger(f"test-logs-{uuid.uuid4().hex}")
        logger.propagate = False
        logger.setLevel(logging.DEBUG)
        logger.addHandler(log_handler(log_format, [BOT_TOKEN, SIGNING_SECRET, CLIENT_SECRET], stream))
        return logger, stream

    return logger


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_secrets_are_redacted_at_debug_in_messages_arguments_fields_and_tracebacks(logged, log_format):
    log, stream = logged(log_format)
    log.debug("calling chat.postMessage with token %s", BOT_TOKEN)
    log.debug("headers: {'Authorization': 'Bearer xoxb-9999-other-workspace'}")
    log.debug(
        "verifying with %s; app token xapp-1-A0-77-abc; rotated xoxe.xoxb-1-rot; refresh xoxe-1-ref", SIGNING_SECRET
    )
    log.debug("token request body: grant_type=client_credentials&client_secret=%s&scope=x", CLIENT_SECRET)
    log.debug("a Bot Framework token", extra={"fields": {"token": JWT}})
    try:
        raise RuntimeError(f"refused {BOT_TOKEN}")
    except RuntimeError:
        log.exception("a send failed")
    written = stream.getvalue()

    assert "calling chat.postMessage with token [redacted]" in written  # the line is there, its secret is not
    assert "grant_type=client_credentials&client_secret=[redacted]&scope=x" in written
    assert "RuntimeError: refused [redacted]" in written.replace("\\n", "\n")
    for secret in (BOT_TOKEN, SIGNING_SECRET, CLIENT_SECRET, JWT, "xoxb-", "xapp-", "xoxe", "SeCrEt"):
        assert secret not in written, secret


def test_a_json_line_holds_the_record_and_its_fields(logged):
    log, stream = logged("json")
    log.info("delivery %s", "sent", extra={"fields": {"platform": "slack", "tenant": "T1", "kind": "digest"}})
    try:
        raise ValueError("no")
    except ValueError:
        log.warning("could not", exc_info=True)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())

    assert {key: first[key] for key in ("level", "message", "platform", "tenant", "kind")} == {
        "level": "INFO",
        "message": "delivery sent",
        "platform": "slack",
        "tenant": "T1",
        "kind": "digest",
    }
    assert first["time"].endswith("+00:00")
    assert second["level"] == "WARNING" and second["exception"].endswith("ValueError: no")


def test_a_readable_line_has_its_fields_after_the_message(logged):
    log, stream = logged("text")
    log.info("request %s", 200, extra={"fields": {"platform": "teams", "tenant": None, "kind": "other kind"}})
    assert stream.getvalue().rstrip().endswith('request 200 platform=teams kind="other kind"')
