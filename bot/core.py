"""The one entry point front-ends use: commands, button presses, form submissions and
the home view. It runs each use case in its own transaction off the event loop, turns
refusals into usage replies, and carries out what the use case asks of the platform."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot import deliveries, grammar, installations, services
from bot.chart_links import ChartLinks
from bot.config import Settings
from bot.forms import NOT_IDENTIFYING, Values, not_identifying
from bot.grammar import SUMMARIES, USAGE, UsageError
from bot.measurements import Measurements, NoMeasurements
from bot.messages import Bold, Button, Command, Line, Message, Section, Term, as_line, line
from bot.model import Person, Platform
from bot.ports import Messenger, Messengers, Recipient, SendFailed, UnknownUser
from bot.privacy import (
    PENDING_FOR,
    SAVE_ANYWAY,
    Flag,
    LooksIdentifying,
    keep_pending,
    listed,
    pending_text,
    use_pending,
)
from bot.requests import remember_request
from bot.scheduling.dispatcher import Clock, Dispatcher
from bot.services import Caller, Context, Result
from bot.services.home import home_message
from bot.services.people import named, remember_timezone
from bot.storage import StorageFault, in_transaction, writes_of

log = logging.getLogger(__name__)

HomeTab = Callable[[Recipient, Message], Coroutine[Any, Any, None]]

TIMEZONE_FRESH_FOR = timedelta(days=1)
SORRY = "Something went wrong on my side and nothing was saved. Please try again in a minute."
CANNOT_SAVE = "I can't save right now; nothing was saved. Please try again in a few minutes."
ADMIN_UNKNOWN = "I couldn't check whether you are an admin here, so nothing changed. Please try again in a minute."


def help_message(problem: str | Line | None = None) -> Message:
    lines: list[Line] = []
    if problem is not None:
        lines += [as_line(problem), line("")]
    lines.append(line(Bold(Command()), " helps your supervision group close the loop on deliberate practice:"))
    lines += [line("• ", Command(USAGE[name]), ": ", *as_line(summary)) for name, summary in SUMMARIES.items()]
    return Message.text(*lines)


def usage_message(error: UsageError) -> Message:
    if error.usage == USAGE["help"]:
        return help_message(error.message)
    return Message.text(error.message, line(Bold("Usage: "), Command(error.usage)))


def identifying_message(flags: list[Flag], pending_token: str) -> Message:
    return Message(
        summary="Nothing was saved: this looks identifying",
        sections=(
            Section(
                (
                    line("Nothing was saved. This looks as if it could identify someone: ", listed(flags), "."),
                    line("Clients are only ever codes you choose, like C12. Edit it and run the command again,"),
                    line("or, if it is not about a person, save it as it is (this is recorded, without the text)."),
                    line(f"The button works for {PENDING_FOR.seconds // 60} minutes."),
                ),
                heading="Check for identifying details",
            ),
        ),
        buttons=(Button("It is not identifying: save anyway", SAVE_ANYWAY, pending_token, "danger"),),
    )


def stale_save_anyway() -> UsageError:
    return UsageError(
        "That “save anyway” button is out of date or not yours, so nothing was saved."
        f" Run your command again: its button works for {PENDING_FOR.seconds // 60} minutes.",
        USAGE["help"],
    )


def with_names_in(session: Session, caller: Caller, result: Result) -> Result:
    """The result's messages with each mention carrying the person's display name, if known."""

    def name(message: Message) -> Message:
        return named(session, caller.platform, caller.tenant_id, message)

    return replace(
        result,
        reply=result.reply and name(result.reply),
        notice=result.notice and name(result.notice),
        updates=[(ref, name(message)) for ref, message in result.updates],
    )


def _someone_in_tenant_of(caller: Caller, user_id: str) -> Recipient:
    return Recipient(caller.platform, caller.tenant_id, user_id)


def _address_known(person: Person, who: Recipient) -> bool:
    """Whether what we hold of the person's address is what the front-end just gave."""
    return who.address is None or who.address == person.address


class Core:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        messengers: Messengers,
        clock: Clock,
        measurements: Measurements | None = None,
    ):
        self.engine = engine
        self.settings = settings
        self.messengers = messengers
        self.clock = clock
        self.dispatcher = Dispatcher(
            engine,
            messengers,
            settings,
            clock,
            deliveries.prepare,
            deliveries.after_sent,
            measurements=measurements or NoMeasurements(),
        )
        self._background: set[asyncio.Task[None]] = set()
        self._homes_due: dict[tuple[Platform, str, str], Caller] = {}  # Home tabs to show again, in order
        self._showing_homes = False
        self._home_tabs: dict[Platform, HomeTab] = {}
        # Where front-ends that show a picture by its address find charts: only with a public address.
        self.chart_links = ChartLinks(engine, settings.public_url, clock) if settings.public_url else None

    def show_home_on(self, platform: Platform, tab: HomeTab) -> None:
        """The platform has a Home tab, kept current: after each request that changes something of
        the caller's, `tab` shows their Home again."""
        self._home_tabs[platform] = tab

    async def command(self, caller: Caller, text: str, pending_token: str | None = None) -> Result:
        """Run a command; with `pending_token`, the flagged command kept under it, saved anyway."""
        try:
            command = grammar.parse(text)
        except UsageError as error:
            return Result(reply=usage_message(error))
        if isinstance(command, grammar.Help):
            return Result(reply=help_message())
        try:
            await self.learn_timezone(caller.person)
            if isinstance(command, grammar.GiveAdvice):
                await self.learn_timezone(_someone_in_tenant_of(caller, command.therapist_id))
            if isinstance(command, grammar.HandOverCoach):
                await self.learn_timezone(_someone_in_tenant_of(caller, command.new_coach_id))
                caller = replace(caller, is_admin=await self._messenger_of(caller).is_admin(caller.person))
        except UnknownUser:
            unknown = UsageError(line("I can't find that user in this ", Term.TENANT, "."), grammar.usage_for(text))
            return Result(reply=usage_message(unknown))
        except SendFailed as failure:  # the admin lookup; a zone not learned now is learned later
            log.warning("could not look up whether a user is an admin: %s", failure.reason)
            return Result(reply=Message.text(ADMIN_UNKNOWN))

        def use_case(ctx: Context) -> Result:
            if pending_token is not None and not use_pending(ctx.session, ctx.caller.person, pending_token, ctx.now):
                raise stale_save_anyway()
            return services.run_command(ctx, command)

        result = await self._run(caller, use_case, override=pending_token is not None)
        if result.identifying:
            now = self.clock()
            token = await in_transaction(self.engine, lambda session: keep_pending(session, caller.person, text, now))
            return Result(reply=identifying_message(result.identifying, token))
        return result

    async def press(self, caller: Caller, action: str, value: str) -> Result:
        if action == SAVE_ANYWAY:
            return await self._save_anyway(caller, value)
        return await self._run(caller, lambda ctx: services.press(ctx, action, value))

    async def _save_anyway(self, caller: Caller, token: str) -> Result:
        now = self.clock()
        text = await in_transaction(self.engine, lambda session: pending_text(session, caller.person, token, now))
        if text is None:
            return Result(reply=usage_message(stale_save_anyway()))
        return await self.command(caller, text, pending_token=token)

    async def submit(self, caller: Caller, form_kind: str, context: dict[str, str], values: Values) -> Result:
        result = await self._run(
            caller,
            lambda ctx: services.submit(ctx, form_kind, context, values),
            override=not_identifying(values),
            before_ack=True,
        )
        for flag in result.identifying:
            result.errors[flag.field] = (
                f"This looks identifying: {flag}. Edit it, or tick “{NOT_IDENTIFYING.choices[0][1]}” below."
            )
        if result.identifying:
            result.errors[NOT_IDENTIFYING.name] = "Tick this only if what I flagged is not about a person."
        return result

    async def home(self, caller: Caller, coached_id: int | None = None) -> Message:
        """The caller's Home; of the groups they coach, `coached_id`'s."""
        result = await self._run(caller, lambda ctx: Result(reply=home_message(ctx, coached_id)))
        return result.reply or Message.text(SORRY)

    async def learn_timezone(self, who: Recipient) -> None:
        """Ask the platform for the user's zone unless we learned it recently; a zone that
        cannot be saved now is learned on a later request."""
        try:
            await self._learn_timezone(who)
        except StorageFault as fault:
            log.warning("could not keep a user's time zone: %s", fault)

    async def _learn_timezone(self, who: Recipient) -> None:
        now = self.clock()
        key = (who.platform, who.tenant_id, who.id)
        person = await in_transaction(self.engine, lambda session: session.get(Person, key))
        if person is not None and now - person.refreshed_at < TIMEZONE_FRESH_FOR and _address_known(person, who):
            return
        try:
            timezone_name = await self.messengers.of(who.platform).user_timezone(who)
        except SendFailed as failure:
            log.warning("could not look up a user's time zone: %s", failure.reason)
            return
        await self.user_changed(who, timezone_name)

    async def user_changed(self, who: Recipient, timezone_name: str | None, display_name: str | None = None) -> None:
        """The platform says a user's profile changed: keep their zone (and their check-ins) and
        their display name current."""
        now = self.clock()
        window = timedelta(hours=self.settings.checkin_skip_after_hours)
        await in_transaction(
            self.engine,
            lambda session: remember_timezone(session, who, timezone_name, now, window, display_name),
            snapshot=True,
        )

    async def tenant_removed(self, platform: Platform, tenant_id: str, installation_id: str | None = None) -> None:
        """The platform says the app was removed from the tenant (from one install in it, when
        named): nothing more is sent there, and its data goes after UNINSTALLED_RETENTION_DAYS."""
        now = self.clock()
        count = await in_transaction(
            self.engine, lambda session: installations.removed(session, platform, tenant_id, installation_id, now)
        )
        log.warning(
            "the app was removed from %s tenant %s%s: %d group(s) held; their data is deleted in %d days"
            " unless it is installed again",
            platform,
            tenant_id,
            "" if installation_id is None else " (one install)",
            count,
            self.settings.uninstalled_retention_days,
        )

    async def tenant_installed(self, platform: Platform, tenant_id: str, installation_id: str | None = None) -> None:
        """The app is installed in the tenant (in one install in it, when named): groups held
        since it was removed resume."""
        now = self.clock()
        count = await in_transaction(
            self.engine, lambda session: installations.installed(session, platform, tenant_id, installation_id, now)
        )
        if count:
            log.warning("the app is installed again in %s tenant %s: %d group(s) resume", platform, tenant_id, count)

    async def first_time(self, key: str, before_ack: bool = False) -> bool:
        """Whether a platform request with this key is new; a retry of one already handled is not.
        A request that cannot be recorded is handled anyway: while nothing can be written, a
        retry cannot change anything twice."""
        now = self.clock()

        def remember(session: Session) -> bool:
            return remember_request(session, key, now)

        try:
            return await in_transaction(self.engine, remember, before_ack=before_ack)
        except StorageFault as fault:
            log.warning("could not record a request for de-duplication: %s", fault)
            return True

    async def _run(
        self, caller: Caller, use_case: Callable[[Context], Result], override: bool = False, before_ack: bool = False
    ) -> Result:
        def named_result(session: Session) -> tuple[Result, bool]:
            wrote = writes_of(session)
            result = use_case(Context(session, caller, self.clock(), self.settings, override))
            return with_names_in(session, caller, result), wrote()

        try:
            result, changed = await in_transaction(self.engine, named_result, snapshot=True, before_ack=before_ack)
        except UsageError as error:
            return Result(reply=usage_message(error))
        except LooksIdentifying as looks:
            return Result(identifying=looks.flags)
        except StorageFault as fault:
            log.warning("a request could not be saved: %s", fault)
            return Result(reply=Message.text(CANNOT_SAVE))
        except Exception:
            log.exception("a request failed")
            return Result(reply=Message.text(SORRY))
        if result.updates or result.notice or result.files or result.dispatch_now:
            # After the request is answered: the front-end must ack first.
            self._in_background(self._carry_out(caller, result))
        if changed and caller.platform in self._home_tabs:
            self._show_home_soon(caller)
        return result

    def _show_home_soon(self, caller: Caller) -> None:
        """Show the caller's Home again, after the Homes already due: one at a time, so that a
        burst of requests is not slowed by as many Homes drawn at once, and once for a person
        whose Home was still waiting."""
        self._homes_due[(caller.platform, caller.tenant_id, caller.user_id)] = caller
        if not self._showing_homes:
            self._showing_homes = True
            self._in_background(self._show_homes_due())

    async def _show_homes_due(self) -> None:
        try:
            while self._homes_due:
                key = next(iter(self._homes_due))
                await self._show_home_again(self._homes_due.pop(key))
        finally:
            self._showing_homes = False

    async def _show_home_again(self, caller: Caller) -> None:
        home = await self.home(caller)
        try:
            await self._home_tabs[caller.platform](caller.person, home)
        except SendFailed as failure:
            log.warning("could not show a Home tab again: %s", failure.reason)

    async def _carry_out(self, caller: Caller, result: Result) -> None:
        messenger = self._messenger_of(caller)
        try:
            for ref, message in result.updates:
                await messenger.update(ref, message)
            if result.notice is not None and result.files:
                await messenger.send_files(caller.person, result.notice, result.files)
            elif result.notice is not None:
                await messenger.send_direct(caller.person, result.notice)
        except SendFailed as failure:
            log.warning("could not update messages after a request: %s", failure.reason)
        if result.dispatch_now:
            await self.dispatcher.drain_while_due_soon()  # a 429 met now is waited out now, not at the next drain

    def _messenger_of(self, caller: Caller) -> Messenger:
        return self.messengers.of(caller.platform)

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def settled(self) -> None:
        """Wait for follow-up work started by earlier requests, e.g. before shutting down."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
