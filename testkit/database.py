"""Engines on test databases, and the deliveries they hold."""

from __future__ import annotations

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
