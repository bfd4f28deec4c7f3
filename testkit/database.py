"""Engines on test databases."""

from __future__ import annotations

from bot.config import load_settings
from bot.storage import make_engine


def engine_for(database_url: str):
    """An engine on a test database, with the URL normalised as the bot itself does."""
    return make_engine(load_settings({"DATABASE_URL": database_url}).database_url)
