"""What every use case is given and gives back: who is asking, when, and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.forms import Errors, Form
from bot.messages import Message
from bot.model import Group, Platform
from bot.ports import MessageRef, Recipient
from bot.privacy import Flag


@dataclass(frozen=True)
class Caller:
    """Who is asking, and from where. `address` and `channel_address` are what the front-end
    needs to reach the caller privately and the channel, and `installation_id` what it names the
    install that holds the channel (all opaque to the core, kept for sending and for uninstalls)."""

    platform: Platform
    tenant_id: str
    user_id: str
    channel_id: str | None = None
    in_direct_message: bool = False
    is_admin: bool = False  # looked up only for what needs it
    address: str | None = None
    channel_address: str | None = None
    installation_id: str | None = None  # where the app is installed that holds the channel (Teams: the team)

    @property
    def person(self) -> Recipient:
        return Recipient(self.platform, self.tenant_id, self.user_id, self.address)

    def shares_tenant_with(self, group: Group) -> bool:
        return group.platform == self.platform and group.tenant_id == self.tenant_id


@dataclass(frozen=True)
class Context:
    session: Session
    caller: Caller
    now: datetime
    settings: Settings
    override: bool = False  # the caller said flagged text is not identifying


@dataclass
class Result:
    """What a use case answers. The front-end shows `reply` privately or opens `form`;
    the core itself applies `updates` to earlier messages and sends `notices`."""

    reply: Message | None = None
    form: Form | None = None
    errors: Errors = field(default_factory=dict)
    updates: list[tuple[MessageRef, Message]] = field(default_factory=list)
    notice: Message | None = None
    dispatch_now: bool = False
    identifying: list[Flag] = field(default_factory=list)  # why nothing was stored
    files: list[tuple[str, bytes]] = field(default_factory=list)  # sent to the caller with `notice`
    shows_home: bool = False  # `reply` is the caller's Home: where the platform has a Home tab, it goes there
