"""Slack's installations, one a workspace the app is installed to, and the OAuth flow's states:
the tables of slack_sdk's SQLAlchemy stores (installs.py), as slack_sdk builds them, with their
own columns and naive UTC times. They are on the project's metadata, beside the core's tables,
so that the schema the models describe is the schema the migrations build (0014;
tests/integration/test_storage.py); the core never reads them."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlmodel import SQLModel

from bot.model import Platform
from bot.services.rights import HOLDS_NOTHING_ABOUT_A_PERSON, KEPT_BY_FRONT_ENDS, KeptByAFrontEnd

SLACK_INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(SQLModel.metadata, "slack_installations")
SLACK_BOTS = SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, "slack_bots")
SLACK_OAUTH_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(SQLModel.metadata, "slack_oauth_states")

# An installation names the person who installed the app: the export shows it without its tokens, and
# `forget` keeps the workspace's installation with that person's id and user token gone.
KEPT_BY_FRONT_ENDS.append(
    KeptByAFrontEnd(
        SLACK_INSTALLATIONS,
        "installation of the app",
        Platform.SLACK,
        person="user_id",
        tenant=("team_id", "enterprise_id"),
        secret=frozenset(
            ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token", "incoming_webhook_url")
        ),
        forgotten={
            "user_id": "",  # not nullable in slack_sdk's table; the bot's token is found by team, never by user
            "user_token": None,
            "user_scopes": None,
            "user_refresh_token": None,
            "user_token_expires_at": None,
        },
    )
)
HOLDS_NOTHING_ABOUT_A_PERSON[SLACK_BOTS.name] = "each workspace's bot (its own user id) and token, naming no person"
HOLDS_NOTHING_ABOUT_A_PERSON[SLACK_OAUTH_STATES.name] = "the OAuth flow's random states, kept ten minutes"
