"""Platform-neutral messages. Each front-end renders them in its own format.

User text is kept apart from the bot's own formatting, so that every renderer can
escape it: plain `str` spans are always shown literally, never as markup. What a platform
says its own way (its command prefix, its word for a tenant) is a span the front-end renders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from functools import cached_property


@dataclass(frozen=True)
class Mention:
    user_id: str
    name: str | None = None  # the person's display name, where their platform told it (Teams shows names)


COMMAND_NAME = "practice"


@dataclass(frozen=True)
class Command:
    """A command to type, by its words after the command name (`log 30 …`; none for the
    bare name): each front-end calls it its own way, e.g. `/practice log 30 …` on Slack."""

    words: str = ""

    def called_as(self, name: str) -> str:
        """The command as typed when the platform calls it `name`."""
        return f"{name} {self.words}" if self.words else name


@dataclass(frozen=True)
class Bold:
    text: str | Command  # a Command here is the command's name in bold, not code


@dataclass(frozen=True)
class Code:
    """Something to type as it is shown, e.g. an option: `client C12`."""

    text: str


@dataclass(frozen=True)
class ChannelLink:
    channel_id: str


class Term(Enum):
    """A thing each platform names its own way."""

    TENANT = "tenant"  # on Slack, "workspace"
    # Who may hand a group's coach role over: on Slack "the coach or a workspace admin"; only the
    # coach where the platform does not tell the bot who administers it (Teams).
    COACH_HANDOVER = "the coach or an admin"


Span = str | Mention | Bold | Code | Command | ChannelLink | Term
Line = tuple[Span, ...]


def line(*spans: Span) -> Line:
    return tuple(spans)


def as_line(text: str | Line) -> Line:
    return (text,) if isinstance(text, str) else text


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    value: str
    style: str | None = None  # "primary" or "danger"


@dataclass(frozen=True)
class Image:
    """A picture the message shows after its sections, such as a chart: its PNG, drawn the
    first time a front-end asks for it (one that shows only the alt text never draws it), and
    the alt text that says all it shows to anyone who cannot see it."""

    name: str  # a file name for it, e.g. "client-C12.png"
    alt: str
    width: int
    height: int
    draw: Callable[[], bytes] = field(repr=False, compare=False)

    @cached_property
    def png(self) -> bytes:
        return self.draw()


@dataclass(frozen=True)
class Section:
    lines: tuple[Line, ...]
    heading: str | None = None
    buttons: tuple[Button, ...] = ()  # about this section alone, shown right after it
    image: Image | None = None  # a picture of what its lines say (such as a chart), shown under them


@dataclass(frozen=True)
class Message:
    """What the bot says: a summary line for notifications, sections, images and buttons; and
    its detail, which each front-end shows after it (Slack and Teams in the message's thread)."""

    summary: str | Line
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()
    detail: tuple[Section, ...] = ()
    images: tuple[Image, ...] = ()

    @classmethod
    def text(cls, *lines: Line | str, heading: str | None = None) -> Message:
        normalised = tuple(as_line(item) for item in lines)
        return cls(summary=normalised[0] if normalised else "", sections=(Section(normalised, heading),))

    @property
    def summary_line(self) -> Line:
        return as_line(self.summary)

    @property
    def every_section(self) -> tuple[Section, ...]:
        """The message's sections, then its detail's."""
        return self.sections + self.detail


def images_of(message: Message) -> tuple[Image, ...]:
    """Every picture a message shows, its sections' first, in order."""
    sections = tuple(section.image for section in message.every_section if section.image is not None)
    return sections + message.images


def buttons_of(message: Message) -> tuple[Button, ...]:
    """Every button a message carries, its sections' first, in order."""
    return tuple(button for section in message.every_section for button in section.buttons) + message.buttons


def mentioned(message: Message) -> set[str]:
    """The ids of everyone a message mentions, in its detail too."""
    lines = [message.summary_line, *(spans for section in message.every_section for spans in section.lines)]
    return {span.user_id for spans in lines for span in spans if isinstance(span, Mention)}


def with_names(message: Message, names: Mapping[str, str]) -> Message:
    """The message with each mention of someone in `names` carrying their display name."""

    def named(spans: Line) -> Line:
        return tuple(
            replace(span, name=names[span.user_id]) if isinstance(span, Mention) and span.user_id in names else span
            for span in spans
        )

    def named_sections(sections: tuple[Section, ...]) -> tuple[Section, ...]:
        return tuple(replace(s, lines=tuple(named(spans) for spans in s.lines)) for s in sections)

    summary = message.summary if isinstance(message.summary, str) else named(message.summary)
    return replace(
        message, summary=summary, sections=named_sections(message.sections), detail=named_sections(message.detail)
    )


def plain_text(spans: str | Line) -> str:
    """A line without any markup or platform's words, for logs and tests."""
    return "".join(_plain_span(span) for span in as_line(spans))


def _plain_span(span: Span) -> str:
    if isinstance(span, Mention):
        return f"@{span.user_id}"
    if isinstance(span, ChannelLink):
        return f"#{span.channel_id}"
    if isinstance(span, Bold):
        return span.text.called_as(COMMAND_NAME) if isinstance(span.text, Command) else span.text
    if isinstance(span, Command):
        return f"`{span.called_as(COMMAND_NAME)}`"
    if isinstance(span, Code):
        return f"`{span.text}`"
    if isinstance(span, Term):
        return span.value
    return span


def day_label(day: date) -> str:
    """A short, unambiguous day: "Tue 8 Dec"."""
    return f"{day:%a} {day.day} {day:%b}"
