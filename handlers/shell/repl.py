"""The terminal chat: act as anyone, type the same /practice commands as in Slack, click
numbered buttons, answer forms as prompts, and move the simulated clock."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.calendar import at_local, zone
from bot.core import Core
from bot.forms import FieldKind, Form
from bot.grammar import user_token
from bot.model import Platform
from bot.scheduling.simulation import SimulatedClock, advance
from bot.services import Caller, Result
from handlers.shell.screen import Screen, ShownButton, when_label

CHANNEL = "supervision"
TENANT = "shell"
TYPING = timedelta(microseconds=1)
DEFAULT_PEOPLE = {
    "coach": "Europe/London",
    "alice": "America/New_York",
    "ravi": "Asia/Kolkata",
    "mia": "Australia/Sydney",
}
SHELL_COMMANDS = (
    ("/practice …", "the same commands as in Slack; /practice help lists them"),
    ("NUMBER", "click the button shown with that number"),
    ("/as NAME [Area/City]", "act as NAME; a new name joins the roster, in that time zone"),
    ("/people", "who is here, and their time zones"),
    ("/clock [+N(m|h|d|w) | YYYY-MM-DD HH:MM]", "show the simulated time, or move it on; what falls due is sent"),
    ("/help", "this list"),
    ("/quit", "save and leave (Ctrl-D works too)"),
)
MENTION = re.compile(r"(?<!\w)@([A-Za-z][\w.-]*)")
STEP = re.compile(r"\+(\d{1,4})([mhdw])")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass
class ShellState:
    """What the shell keeps between runs, beside the database."""

    clock: datetime
    current: str = "coach"
    people: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PEOPLE))
    buttons: dict[int, ShownButton] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, now: datetime) -> ShellState:
        if not path.exists():
            return cls(clock=now)
        raw = json.loads(path.read_text())
        return cls(
            clock=datetime.fromisoformat(raw["clock"]),
            current=raw["current"],
            people=raw["people"],
            buttons={int(number): ShownButton(**shown) for number, shown in raw["buttons"].items()},
        )

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps(
                {
                    "clock": self.clock.isoformat(),
                    "current": self.current,
                    "people": self.people,
                    "buttons": {str(number): asdict(shown) for number, shown in self.buttons.items()},
                },
                indent=1,
            )
        )


class Shell:
    def __init__(
        self, core: Core, clock: SimulatedClock, screen: Screen, state: ShellState, state_path: Path, read=None
    ):
        self.read_line = read or read_line
        self.core = core
        self.clock = clock
        self.screen = screen
        self.state = state
        self.state_path = state_path
        screen.buttons = state.buttons

    @property
    def me(self) -> str:
        return self.state.current

    def caller(self) -> Caller:
        return Caller(platform=Platform.SHELL, tenant_id=TENANT, user_id=self.me, channel_id=CHANNEL)

    async def run(self) -> None:
        self.screen.note(f"supervision-bot shell: you are {self.me}, in #{CHANNEL}. {self._now_label()}")
        self.screen.note(
            "Try /practice help, /practice status, /clock +2d, /as alice, /people, /help. Ctrl-D or /quit leaves."
        )
        while (line := await self.read_line(f"{self.me}> ")) is not None:
            if line.strip() == "/quit":
                break
            await self.handle(line.strip())
            self.save()
        self.save()
        self.screen.note("State saved. Bye.")

    def save(self) -> None:
        self.state.clock = self.clock.now
        self.state.save(self.state_path)

    async def handle(self, line: str) -> None:
        command, _, rest = line.partition(" ")
        if not line:
            return
        # Time moves on, if only a little, between two things a person types, as it does on a
        # real platform: what is logged just before a digest preview is inside its period.
        self.clock.now += TYPING
        if line.isdigit():
            await self.click(int(line))
        elif command == "/practice":
            await self.practice(rest)
        elif command == "/as":
            self.act_as(rest.split())
        elif command == "/people":
            self.people()
        elif command == "/clock":
            await self.move_clock(rest.strip())
        elif command == "/help":
            self.help()
        elif command.startswith("/"):
            self.screen.problem(f"{command} is not a shell command.")
            self.help()
        else:
            self.screen.problem("Commands start with a slash: try /practice help, or /help for the shell's own.")

    async def practice(self, text: str) -> None:
        result = await self.core.command(self.caller(), core_text(text))
        await self.present(result)

    async def click(self, number: int) -> None:
        button = self.screen.buttons.get(number)
        if button is None:
            self.screen.problem(f"There is no button [{number}].")
            return
        result = await self.core.press(self.caller(), button.action, button.value)
        await self.present(result)

    async def present(self, result: Result) -> None:
        if result.reply is not None:
            self.screen.show(f"only {self.me} sees this", result.reply, owner=self.me)
        if result.form is not None:
            await self.fill(result.form)
        await self.core.settled()

    async def fill(self, form: Form) -> None:
        """A form as prompts: defaults in brackets, errors shown and asked again in place."""
        self.screen.note(f"── {form.title} (answer each prompt; /cancel to stop)")
        values: dict[str, str | None] = {}
        asking = list(form.fields)
        while asking:
            for spec in asking:
                answer = await self.read_line(self.screen.field_prompt(spec))
                if answer is None or answer.strip() == "/cancel":
                    self.screen.note("Cancelled; nothing was saved.")
                    return
                answer = answer.strip() or spec.initial or ""
                values[spec.name] = answer.lstrip("@") if spec.kind is FieldKind.USER else answer
            result = await self.core.submit(self.caller(), form.kind, form.context, values)
            asking = [spec for spec in form.fields if spec.name in result.errors]
            for spec in asking:
                self.screen.problem(f"{spec.label}: {result.errors[spec.name]}")
            if not asking:
                await self.present(result)

    def act_as(self, words: list[str]) -> None:
        if not words or len(words) > 2 or not re.fullmatch(r"[A-Za-z][\w.-]*", words[0]):
            self.screen.problem("Usage: /as NAME [Area/City], e.g. /as alice or /as dana Europe/Paris")
            return
        name = words[0].lower()
        if len(words) == 2:
            try:
                zone(words[1])
            except ValueError as error:
                self.screen.problem(str(error))
                return
            self.state.people[name] = words[1]
        self.state.people.setdefault(name, "UTC")
        self.state.current = name
        self.screen.note(f"You are now {name} ({self.state.people[name]}).")

    def people(self) -> None:
        for name, zone_name in self.state.people.items():
            marker = " ← you" if name == self.me else ""
            self.screen.say(f"  {name:<10} {zone_name}{marker}")

    async def move_clock(self, argument: str) -> None:
        if not argument:
            self.screen.note(self._now_label())
            return
        target = self._target(argument)
        if target is None:
            self.screen.problem("Usage: /clock +3d (m, h, d or w), or /clock 2026-12-04 15:00 in your own time zone")
            return
        if target < self.clock.now:
            self.screen.problem("The clock only moves forward.")
            return
        await advance(self.core.dispatcher, self.clock, target)
        await self.core.settled()
        self.screen.note(self._now_label())

    def _target(self, argument: str) -> datetime | None:
        if step := STEP.fullmatch(argument):
            return self.clock.now + timedelta(**{UNITS[step.group(2)]: int(step.group(1))})
        try:
            local = datetime.strptime(argument, "%Y-%m-%d %H:%M")
        except ValueError:
            return None
        return at_local(local.date(), local.time(), zone(self.state.people[self.me]))

    def help(self) -> None:
        self.screen.say("The shell's commands:")
        for usage, summary in SHELL_COMMANDS:
            self.screen.say(f"  {usage:<42} {summary}")

    def _now_label(self) -> str:
        return f"Simulated time: {when_label(self.clock.now, self.state.people[self.me])}."


def core_text(text: str) -> str:
    """What was typed, as the core reads it: each @name a user reference."""
    return MENTION.sub(lambda name: user_token(name.group(1)), text)


async def read_line(prompt: str) -> str | None:
    return await asyncio.to_thread(_read_line, prompt)


def _read_line(prompt: str) -> str | None:
    try:
        line = input(prompt)
    except EOFError:
        print(flush=True)
        return None
    if not sys.stdin.isatty():
        print(line, flush=True)  # piped input is echoed, so a scripted session reads like a typed one
    return line
