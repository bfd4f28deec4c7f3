"""Every Slack listener asks whether its request is a retry of one already handled (Slack
retries what it thinks went unanswered), since every one is built by `acked_once` or
`answered_once` (handlers/slack/context.py). That a retry then changes nothing is shown over
HTTP, with Slack's retry headers, in tests/e2e/test_idempotency.py."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.config import load_settings
from bot.core import Core
from bot.ports import Messengers
from bot.services import FORM_KINDS
from bot.storage import make_engine
from handlers.slack.app import build_app
from handlers.slack.context import HANDLED_ONCE


def not_asking(app) -> list[str]:
    """The app's listeners not built to ask whether their request is a retry."""
    return [
        listener.ack_function.__qualname__
        for listener in app._async_listeners
        if not getattr(listener.ack_function, HANDLED_ONCE, False)
    ]


def test_every_listener_registered_asks_whether_its_request_is_a_retry():
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test"})
    core = Core(make_engine("sqlite://"), settings, Messengers([]), lambda: datetime.now(timezone.utc))
    app = build_app(settings, core)
    # the command, the buttons, the Home tab's pages, each form and four events: every listener is seen
    assert len(app._async_listeners) == 1 + 1 + 1 + len(FORM_KINDS) + 4

    assert not_asking(app) == []

    @app.shortcut("forgetful")
    async def forgetful(ack):
        await ack()

    assert not_asking(app) == [forgetful.__qualname__]
