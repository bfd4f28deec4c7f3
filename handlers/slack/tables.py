"""Slack's installations, one a workspace the app is installed to, and the OAuth flow's states:
the tables of slack_sdk's SQLAlchemy stores (installs.py), as slack_sdk builds them, with their
own columns and naive UTC times. They are on the project's metadata, beside the core's tables,
so that the schema the models describe is the schema the migrations build (0014;
tests/integration/test_storage.py); the core never reads them."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlmodel import SQLModel

SLACK_INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(SQLModel.metadata, "slack_installations")
SLACK_BOTS = SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, "slack_bots")
SLACK_OAUTH_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(SQLModel.metadata, "slack_oauth_states")
