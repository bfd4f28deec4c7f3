"""What a claimed delivery becomes: the dispatcher sends, skips or defers it as the domain
decides (bot/deliveries.py), and lets the domain record what a sent one changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.messages import Message
from bot.model import Delivery, DeliveryStatus
from bot.ports import MessageRef, Recipient


@dataclass(frozen=True)
class Send:
    message: Message
    to: Recipient
    direct: bool  # to a person privately, or else to a channel
    reports_failures: tuple[int, ...] = ()  # a digest: the given-up deliveries it tells the coach about


@dataclass(frozen=True)
class Skip:
    reason: str
    status: DeliveryStatus = DeliveryStatus.SKIPPED


@dataclass(frozen=True)
class Defer:
    """Later: at the recipient's next working time (an expiry moves with it), or after their pause."""

    until: datetime
    for_pause: bool = False


Prepare = Callable[[Session, Delivery, datetime, Settings], Send | Skip | Defer]
AfterSent = Callable[[Session, Delivery, datetime, Send, MessageRef, Settings], None]
