"""What the terminal shows: each message labelled with who sees it, its pictures written to
files, and its buttons numbered so that typing the number clicks one."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.forms import FieldKind, FormField
from bot.messages import Bold, ChannelLink, Code, Command, Image, Line, Mention, Message, Section, Term, day_label

COMMAND = "/practice"
WORDS = {
    Term.TENANT: "workspace",
    Term.COACH_HANDOVER: "the coach or a workspace admin",
}  # as it reads on Slack, which the shell stands in for


@dataclass(frozen=True)
class ShownButton:
    owner: str | None
    action: str
    value: str
    label: str


Numbered = tuple[int, ShownButton]


class Screen:
    def __init__(self, out: TextIO | None = None, colour: bool | None = None, pictures: Path = Path("charts")):
        self.out = out or sys.stdout
        self.pictures = pictures  # the folder a message's pictures are written to
        self.colour = self.out.isatty() if colour is None else colour
        self.quiet = False
        self.buttons: dict[int, ShownButton] = {}

    def say(self, text: str = "") -> None:
        if not self.quiet:
            print(text, file=self.out, flush=True)

    def show(self, label: str, message: Message, owner: str | None = None, when: str | None = None) -> None:
        """Print a message under its label; number its buttons for `owner` to click."""
        by_section = [[self._number(owner, button) for button in section.buttons] for section in message.sections]
        numbered = [self._number(owner, button) for button in message.buttons]
        if self.quiet:
            return
        heading = f"── {label}" + (f" · {when}" if when else "") + " "
        self.say(self._style(heading.ljust(60, "─"), "36"))
        self._sections(message.sections, by_section)
        for image in message.images:
            self._picture(image)
        self._buttons(numbered)
        if message.detail:
            self.say(self._style("  ── in its thread ".ljust(60, "─"), "36"))
            self._sections(message.detail)

    def _sections(
        self, sections: tuple[Section, ...], buttons: list[list[tuple[int, ShownButton]]] | None = None
    ) -> None:
        for section, numbered in zip(sections, buttons or [[] for _ in sections], strict=True):
            if section.heading:
                self.say("  " + self._style(section.heading, "1"))
            for spans in section.lines:
                self.say("  " + self.text(spans))
            if section.image is not None:
                self._picture(section.image)
            self._buttons(numbered)

    def _buttons(self, numbered: list[Numbered]) -> None:
        if numbered:
            self.say("  " + "   ".join(f"[{number}] {button.label}" for number, button in numbered))

    def _picture(self, image: Image) -> None:
        """The picture written to its file (a newer one of the same name replaces it), and its
        path and alt text shown."""
        self.pictures.mkdir(parents=True, exist_ok=True)
        path = self.pictures / image.name
        path.write_bytes(image.png)
        self.say("  " + self._style(f"Chart: {path.resolve()}", "1"))
        self.say(f"  {image.alt}")

    def note(self, text: str) -> None:
        self.say(self._style(text, "2"))

    def problem(self, text: str) -> None:
        self.say(self._style(f"  ! {text}", "31"))

    def text(self, spans: Line) -> str:
        parts = []
        for span in spans:
            if isinstance(span, Mention):
                parts.append(self._style(f"@{span.user_id}", "33"))
            elif isinstance(span, ChannelLink):
                parts.append(self._style(f"#{span.channel_id}", "33"))
            elif isinstance(span, Bold):
                text = span.text.called_as(COMMAND) if isinstance(span.text, Command) else span.text
                parts.append(self._style(text, "1"))
            elif isinstance(span, Command):
                parts.append(f"`{span.called_as(COMMAND)}`")
            elif isinstance(span, Code):
                parts.append(f"`{span.text}`")
            elif isinstance(span, Term):
                parts.append(WORDS[span])
            else:
                parts.append(span)
        return "".join(parts)

    def field_prompt(self, field: FormField) -> str:
        prompt = field.label
        if field.kind is FieldKind.CHOICE:
            choices = ", ".join(f"{value} = {label}" for value, label in field.choices)
            prompt += f" ({choices})"
        elif field.kind is FieldKind.DATE:
            prompt += " (YYYY-MM-DD)"
        elif field.kind is FieldKind.USER:
            prompt += " (@name)"
        elif field.kind is FieldKind.TICK:
            value, label = field.choices[0]
            prompt = f"{label}? Type {value} to tick it ({field.label[:1].lower()}{field.label[1:]})"
        if field.initial:
            prompt += f" [{field.initial}]"
        elif not field.required:
            prompt += " [skip]"
        return f"  {prompt}: "

    def _number(self, owner: str | None, button) -> tuple[int, ShownButton]:
        number = max(self.buttons, default=0) + 1
        shown = ShownButton(owner, button.action, button.value, button.label)
        self.buttons[number] = shown
        return number, shown

    def _style(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour else text


def when_label(moment, zone_name: str) -> str:
    from bot.calendar import zone

    local = moment.astimezone(zone(zone_name))
    return f"{day_label(local)} {local:%H:%M} {zone_name}"
