"""The Teams messenger pointed at testkit/microsoft.py's fake, as tests/integration/test_microsoft_fake.py
points the SDK at it. The SDK is imported from an empty directory, so no `.env` of a checkout
reaches the tests (importing microsoft_teams.apps loads one found upward from there)."""

from __future__ import annotations

import contextlib
import tempfile

from handlers.pacing import Pacer
from testkit.microsoft import APP_ID, TENANT_ID, FakeMicrosoft

with tempfile.TemporaryDirectory() as _empty, contextlib.chdir(_empty):
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment, with_overrides

    from handlers.teams.connector import Connector
    from handlers.teams.messenger import TeamsMessenger


def fake_cloud(fake: FakeMicrosoft) -> CloudEnvironment:
    return with_overrides(PUBLIC, openid_metadata_url=fake.openid_metadata_url, login_endpoint=fake.url)


def teams_messenger(fake: FakeMicrosoft, default_service_url: str | None = None) -> TeamsMessenger:
    """A messenger with its own token cache, opening chats at `default_service_url` (the fake's
    Bot Connector unless told otherwise); posts are not held apart, so no test waits on pacing."""
    connector = Connector(APP_ID, "secret", TENANT_ID, fake_cloud(fake), default_service_url or fake.service_url)
    return TeamsMessenger(connector, lambda: Pacer(1000, per_channel=0))
