"""From a Bolt request to the core's Caller, and from the core's Result back to Slack."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chart_links import ChartLinks
from bot.core import Core
from bot.messages import Message, images_of
from bot.model import Platform
from bot.ports import SendFailed
from bot.services import Caller, Result
from handlers.slack import pictures, render
from handlers.slack.failures import SLACK_FAILURES, reason

log = logging.getLogger(__name__)

FORM_NOT_OPENED = "I couldn't open the form, so nothing changed. Please run the command again."
MAX_REPLIES = 5  # Slack takes at most five replies on one response_url
SENT_AS_DM = "That is too long to show here, so I've sent it to you as a direct message."
HOME_NOT_SHOWN = "I couldn't show your Home just now. Please open it again in a minute."
NOT_SENT_AS_DM = "That is too long to show here, and I couldn't send it to you as a direct message. Please try again."


def tenant_of(context: AsyncBoltContext) -> str:
    """The Slack workspace (or, for an org-wide app, the Enterprise Grid org) of a request."""
    return context.team_id or context.enterprise_id or ""


Work = Callable[..., Awaitable[None]]  # (body, payload, context, client, respond)
Answer = Callable[..., Awaitable[dict]]  # (body, payload, context): what the ack carries
HANDLED_ONCE = "_handled_once"  # marks a listener built here: tests/unit/test_slack_listeners.py


def acked_once(core: Core, work: Work):
    """A listener that acks at once, then does `work` unless the request is a retry of one
    already handled: Slack retries a request it thinks went unanswered, and a retry changes
    nothing twice. It asks after the ack, so that the database never delays it. Every
    listener is built here or by `answered_once`, so none can forget to ask."""

    async def listener(ack, body, payload, context, client, respond):
        await ack()
        if await first_time(core, body):
            await work(body, payload, context, client, respond)

    setattr(listener, HANDLED_ONCE, True)
    return listener


def answered_once(core: Core, answer: Answer):
    """A listener whose ack carries `answer` (a form's submission), asked before the ack; a
    retry of a request already handled is acked with nothing."""

    async def listener(ack, body, payload, context):
        await ack(**(await answer(body, payload, context) if await first_time(core, body, before_ack=True) else {}))

    setattr(listener, HANDLED_ONCE, True)
    return listener


async def first_time(core: Core, body: dict, before_ack: bool = False) -> bool:
    """Whether this request is new, not a retry of one already handled."""
    key = _request_key(body)
    return key is None or await core.first_time(key, before_ack)


def _request_key(body: dict) -> str | None:
    if body.get("event_id"):
        return f"slack:event:{body['event_id']}"
    if body.get("trigger_id"):  # slash commands, button clicks and form submissions each have their own
        return f"slack:trigger:{body['trigger_id']}"
    return None


def caller_from(context: AsyncBoltContext) -> Caller:
    channel = context.channel_id
    return Caller(
        platform=Platform.SLACK,
        tenant_id=tenant_of(context),
        user_id=context.user_id,
        channel_id=channel,
        in_direct_message=bool(channel and channel.startswith("D")),
    )


async def present(
    core: Core,
    caller: Caller,
    result: Result,
    client: AsyncWebClient,
    respond,
    trigger_id: str | None,
    from_home: bool = False,
    coached_id: int | None = None,
) -> None:
    """Show a result to the person who asked: open its form, show their Home on its tab, or
    reply only to them (from the Home tab, which has nowhere to reply, in a direct message).
    Every failure to show it ends in a reply that says so."""
    if result.shows_home and result.reply is not None:
        if from_home:
            await show_home(core, caller, client, result.reply, coached_id=coached_id)
            return
        await publish_home(client, caller.user_id, result.reply, coached_id=coached_id, links=core.chart_links)

    async def reply(message: Message) -> None:
        if from_home:
            await _direct(core, caller, message)
        else:
            await _reply(core, caller, respond, await _within_replies(core, caller, message))

    if result.form is not None and trigger_id:
        try:
            await client.views_open(trigger_id=trigger_id, view=render.modal(result.form))
        except SLACK_FAILURES as error:
            # Such as expired_trigger_id: a trigger lasts three seconds after the click.
            log.warning("could not open a form: %s", reason(error))
            await reply(Message.text(FORM_NOT_OPENED))
    if result.reply is not None:
        await reply(result.reply)


async def show_home(
    core: Core, caller: Caller, client: AsyncWebClient, message: Message, page: int = 0, coached_id: int | None = None
) -> None:
    """The caller's Home on its tab, for something they did there (opened it, pressed a button
    on it); if Slack will not show it, a direct message says so."""
    if not await publish_home(client, caller.user_id, message, page, coached_id, core.chart_links):
        await _direct(core, caller, Message.text(HOME_NOT_SHOWN))


async def publish_home(
    client: AsyncWebClient,
    user_id: str,
    message: Message,
    page: int = 0,
    coached_id: int | None = None,
    links: ChartLinks | None = None,
) -> bool:
    """The user's Home tab shows `message`, at `page` (from 0), its pictures as image blocks
    (handlers/slack/pictures.py); whether it was published (a failure is logged)."""
    sources = await pictures.sources(client, images_of(message), links)
    try:
        await _published(client, user_id, render.home_view(message, page, coached_id, sources))
    except SLACK_FAILURES as error:
        if not (sources and isinstance(error, SlackApiError) and error.response.get("error") == "invalid_blocks"):
            log.warning("could not publish a Home tab: %s", reason(error))
            return False
        return await _alt_text_meanwhile(client, user_id, message, page, coached_id, sources, pictures.not_ready(error))
    return True


async def _alt_text_meanwhile(
    client: AsyncWebClient,
    user_id: str,
    message: Message,
    page: int,
    coached_id: int | None,
    sources: dict,
    processing: bool,
) -> bool:
    """The Home with its pictures' alt text at once and, if Slack is still `processing` their
    files, with the pictures once it has; never over a Home published since (Slack checks the
    view's hash). Pictures Slack cannot show (a link it could not fetch) stay their alt text.
    Whether the Home was published, with its pictures or their alt text."""
    try:
        shown = await _published(client, user_id, render.home_view(message, page, coached_id))
    except SLACK_FAILURES as error:
        log.warning("could not publish a Home tab: %s", reason(error))
        return False
    if not processing:
        log.warning("Slack could not show a Home tab's pictures, so it shows their alt text")
        return True
    try:
        for wait in pictures.READY_WAITS:
            await asyncio.sleep(wait)
            try:
                view = render.home_view(message, page, coached_id, sources)
                await _published(client, user_id, view, shown["view"].get("hash"))
                return True
            except SlackApiError as error:
                if not pictures.not_ready(error):
                    raise
        pictures.forget(sources)
        log.warning("a Home tab's pictures were not ready in time; it shows their alt text")
    except SLACK_FAILURES as error:
        log.warning("could not publish a Home tab's pictures, so it shows their alt text: %s", reason(error))
    return True


async def _published(client: AsyncWebClient, user_id: str, view: dict, view_hash: str | None = None):
    return await client.views_publish(user_id=user_id, view=view, hash=view_hash)


def from_home_tab(body: dict) -> bool:
    return (body.get("view") or {}).get("type") == "home"


async def _direct(core: Core, caller: Caller, message: Message) -> None:
    """A reply where a request has none (a button on the Home tab): in the person's direct messages."""
    try:
        await core.messengers.of(Platform.SLACK).send_direct(caller.person, message)
    except SendFailed as failure:
        log.warning("could not send a reply from the Home tab: %s", failure.reason)


async def _within_replies(core: Core, caller: Caller, message: Message) -> Message:
    """The message, if it fits in the replies Slack allows; else it goes to the person's
    direct messages (continued in its thread) and the reply says so."""
    if len(render.message_parts(message)) <= MAX_REPLIES:
        return message
    try:
        await core.messengers.of(Platform.SLACK).send_direct(caller.person, message)
    except SendFailed as failure:
        log.warning("could not send a long reply as a direct message: %s", failure.reason)
        return Message.text(NOT_SENT_AS_DM)
    return Message.text(SENT_AS_DM)


async def _reply(core: Core, caller: Caller, respond, message: Message) -> None:
    """A reply only the person who asked sees; in their direct messages if its response_url
    refuses it (expired after 30 minutes, or used up)."""
    for blocks in render.message_parts(message):
        try:
            response = await respond(
                text=render.fallback_text(message),
                blocks=blocks,
                response_type="ephemeral",
                replace_original=False,
            )
            refused = None if response.status_code == 200 else f"{response.status_code} {response.body}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            refused = type(error).__name__
        if refused is not None:
            log.warning("a reply's response_url refused it, so it goes as a direct message: %s", refused)
            await _direct(core, caller, message)
            return
