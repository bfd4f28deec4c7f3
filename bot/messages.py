"""Platform-neutral messages. Each front-end renders them in its own format.

User text is kept apart from the bot's own formatting, so that every renderer can
escape it: plain `str` spans are always shown literally, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Mention:
    user_id: str


@dataclass(frozen=True)
class Bold:
    text: str


@dataclass(frozen=True)
class ChannelLink:
    channel_id: str


Span = str | Mention | Bold | ChannelLink
Line = tuple[Span, ...]


def line(*spans: Span) -> Line:
    return tuple(spans)


@dataclass(frozen=True)
class Section:
    lines: tuple[Line, ...]
    heading: str | None = None


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    value: str
    style: str | None = None  # "primary" or "danger"


@dataclass(frozen=True)
class Message:
    """What the bot says: a summary line for notifications, sections, and buttons."""

    summary: str
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()

    @classmethod
    def text(cls, *lines: Line | str, heading: str | None = None) -> Message:
        normalised = tuple((item,) if isinstance(item, str) else item for item in lines)
        summary = plain_text(normalised[0]) if normalised else ""
        return cls(summary=summary, sections=(Section(normalised, heading),))


def plain_text(spans: Line) -> str:
    """A line without any markup, for notification summaries and logs."""
    parts = []
    for span in spans:
        if isinstance(span, Mention):
            parts.append(f"@{span.user_id}")
        elif isinstance(span, ChannelLink):
            parts.append(f"#{span.channel_id}")
        elif isinstance(span, Bold):
            parts.append(span.text)
        else:
            parts.append(span)
    return "".join(parts)


def day_label(day: date) -> str:
    """A short, unambiguous day: "Tue 8 Dec"."""
    return f"{day:%a} {day.day} {day:%b}"
