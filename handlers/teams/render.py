"""Core messages and forms as Adaptive Cards, within Teams' limits.

Teams reads a TextBlock's text as a subset of CommonMark, and turns `<at>…</at>` into the
mention whose entity has the same text. So user text (plain `str` spans) is escaped before
it goes into a TextBlock: nothing in it can format, link or mention.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from microsoft_teams.api.models.attachment import AdaptiveCardAttachment, card_attachment
from microsoft_teams.api.models.task_module import (
    CardTaskModuleTaskInfo,
    TaskModuleContinueResponse,
    TaskModuleMessageResponse,
    TaskModuleResponse,
)
from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    DateInput,
    MentionedEntity,
    NumberInput,
    SubmitAction,
    TeamsCardProperties,
    TextBlock,
    TextInput,
    ToggleInput,
)
from microsoft_teams.cards import Image as CardImage
from microsoft_teams.cards import Mention as MentionEntity
from microsoft_teams.cards.core import ActionStyle

from bot.forms import Errors, FieldKind, Form, FormField, Values
from bot.messages import (
    COMMAND_NAME,
    Bold,
    Button,
    ChannelLink,
    Code,
    Command,
    Image,
    Line,
    Mention,
    Message,
    Section,
    Span,
    Term,
    as_line,
)

COMMAND = COMMAND_NAME  # a Teams bot has no slash commands: it is called by the bare name
WORDS = {Term.TENANT: "organization", Term.COACH_HANDOVER: "the coach"}  # the roster names no admins
CHANNEL = "the channel"  # Teams gives no channel's name with its id, and the bot cannot link one by id alone
UNNAMED = "a group member"  # for a mention whose name is not known: never a raw id (29:…)
CARD_VERSION: Final = "1.5"
TASK_FETCH = {"type": "task/fetch"}  # a press arrives as task/fetch, which may answer with a dialog
BUTTON_STYLES: dict[str, ActionStyle] = {"primary": "positive", "danger": "destructive"}
REQUIRED = "This is required."
# Teams' stated size limit for one activity has moved (28 KB, 40 KB, about 100 KB now) and it has
# refused activities well under the stated one; a part measured as ASCII-escaped JSON (where one
# non-ASCII character counts 6 bytes) and kept to 28 KB stays under every limit it has had.
MAX_PART_BYTES = 28_000
# A message's detail (such as each therapist's line in a large group's digest) is packed as a
# few lines to a TextBlock, since each TextBlock costs its own JSON; this many bytes of text each.
# People are named there in bold, not mentioned: a mention's entity costs more than its line, and
# the replies in a digest's thread need notify no one.
DETAIL_BLOCK_BYTES = 2_000

# User text is escaped the CommonMark way, with a backslash (a client that does not honour one
# shows it, and formats nothing either); angle brackets become look-alikes instead, since
# clients differ on entities (mobile shows `&lt;` as it is) and a typed `<at>Name</at>` would
# become a mention of anyone the card mentions.
LOOK_ALIKES = str.maketrans({"<": "‹", ">": "›"})
# Emphasis, code, strikethrough and link marks; an entity (`&amp;`); `{{`, which opens a
# DATE()/TIME() function. `(`, `)` and `!` cannot form a link or an image without `[`.
INLINE_MARKUP = re.compile(r"[\\*_`~\[\]]|&(?=#?[0-9A-Za-z]+;)|(?<=\{)\{")
LIST_NUMBER = re.compile(r"^(\d+)([.)])")
BLOCK_MARKERS = ("#", "-", "+")  # a heading, a bullet or a rule at a line's start; `*` is escaped anyway
NEWLINE = re.compile(r"\r\n?|\n")
NUMBER_TEXT = re.compile(r"-?\d+(\.\d+)?")


def literal(text: str, at_line_start: bool = False) -> str:
    """Text that Teams shows as it is. A line break becomes a paragraph break, since one
    newline alone is only a space in Markdown."""
    escaped = INLINE_MARKUP.sub(r"\\\g<0>", text.translate(LOOK_ALIKES))
    lines = NEWLINE.split(escaped)
    return "\n\n".join(
        _literal_line_start(text_line) if index or at_line_start else text_line for index, text_line in enumerate(lines)
    )


def _literal_line_start(text: str) -> str:
    """A line's start that cannot open a list, a heading or a code block (four spaces)."""
    body = text.lstrip(" \t")
    indent = "\u00a0" * (len(text) - len(body))  # no-break spaces do not indent in Markdown
    body = LIST_NUMBER.sub(r"\1\\\2", body, count=1)
    if body.startswith(BLOCK_MARKERS):
        body = "\\" + body
    return indent + body


def markdown(spans: Line, names: Mapping[str, str] | None = None, as_mentions: bool = True) -> str:
    """A line as a TextBlock's text. A mention shows as `<at>name</at>` when `names` has the
    person, and then needs its entity in the card (message_cards adds it); or, not `as_mentions`,
    as their name in bold, which needs none."""
    known = names or {}
    text = ""
    for span in spans:
        text += _markdown(span, known, as_mentions, at_line_start=not text.strip())
    return text


def _markdown(span: Span, names: Mapping[str, str], as_mentions: bool, at_line_start: bool) -> str:
    if isinstance(span, Mention):
        if span.user_id not in names:
            return UNNAMED
        return _at(names[span.user_id]) if as_mentions else _bold(names[span.user_id])
    if isinstance(span, ChannelLink):
        return CHANNEL
    if isinstance(span, Bold):
        return _bold(span.text.called_as(COMMAND) if isinstance(span.text, Command) else span.text)
    if isinstance(span, Command):
        return _to_type(span.called_as(COMMAND))
    if isinstance(span, Code):
        return _to_type(span.text)
    if isinstance(span, Term):
        return WORDS[span]
    return literal(span, at_line_start)


def _at(name: str) -> str:
    return f"<at>{literal(name)}</at>"


def _to_type(text: str) -> str:
    # A TextBlock has no inline code in Teams: what to type is quoted, as the core quotes
    # what someone typed.
    return f"“{literal(text)}”"


def _bold(text: str) -> str:
    # `**` only bolds when it touches the words, so spaces go outside.
    core = text.strip()
    if not core:
        return text
    leading = text[: len(text) - len(text.lstrip())]
    trailing = text[len(text.rstrip()) :]
    return f"{leading}**{literal(core)}**{trailing}"


def plain(spans: str | Line) -> str:
    """A line with no markup, e.g. for a notification."""
    return "".join(_plain_span(span) for span in as_line(spans))


def _plain_span(span: Span) -> str:
    if isinstance(span, Mention):
        return span.name or UNNAMED
    if isinstance(span, ChannelLink):
        return CHANNEL
    if isinstance(span, Bold):
        return _plain_span(span.text)
    if isinstance(span, Command):
        return span.called_as(COMMAND)
    if isinstance(span, Code):
        return span.text
    if isinstance(span, Term):
        return WORDS[span]
    return span


def fallback_text(message: Message) -> str:
    return plain(message.summary_line)


def card_json(card: AdaptiveCard) -> dict[str, Any]:
    return card.model_dump(by_alias=True, exclude_none=True, mode="json")


@dataclass(frozen=True)
class _Piece:
    """One element of a message's body, with the people it mentions by name."""

    element: CardElement
    mentioned: tuple[str, ...] = ()


def message_cards(
    message: Message, names: Mapping[str, str] | None = None, sources: Mapping[Image, str] | None = None
) -> list[AdaptiveCard]:
    """The message as one card, or as several parts in order when it is too large for one;
    its buttons come at the end of its content, and its detail after them, starting a part of
    its own (in a channel, the parts after the first go in its thread). A mention is named by
    `names` (such as a channel's roster), else by the name the core gave it; a picture with an
    address in `sources` (handlers/teams/pictures.py) is shown, any other as its alt text."""
    names = {**_names_given(message), **(names or {})}
    sources = sources or {}
    pieces = [piece for section in _sections(message) for piece in _section_pieces(section, names, sources)]
    pieces += [_picture_piece(image, sources) for image in message.images]
    if message.buttons:
        pieces.append(_Piece(ActionSet(actions=[_button(button) for button in message.buttons])))
    parts = _parts(pieces, names)
    if message.detail:
        parts += _parts([piece for section in message.detail for piece in _dense_pieces(section, names)], names)
    return [_card(part, names) for part in parts]


def _names_given(message: Message) -> dict[str, str]:
    lines = [message.summary_line, *(spans for section in message.every_section for spans in section.lines)]
    return {span.user_id: span.name for spans in lines for span in spans if isinstance(span, Mention) and span.name}


def _sections(message: Message) -> tuple[Section, ...]:
    """What the card shows: the summary is only the notification's, unless there is nothing else."""
    return message.sections or (Section((message.summary_line,)),)


def _section_pieces(section: Section, names: Mapping[str, str], sources: Mapping[Image, str]) -> list[_Piece]:
    pieces = _heading(section) + [_line_piece(spans, names) for spans in section.lines]
    if section.image is not None:
        pieces.append(_picture_piece(section.image, sources))
    if section.buttons:
        pieces.append(_Piece(ActionSet(actions=[_button(button) for button in section.buttons])))
    return pieces


def _dense_pieces(section: Section, names: Mapping[str, str]) -> list[_Piece]:
    """A section as its heading and TextBlocks of several lines each, up to DETAIL_BLOCK_BYTES,
    naming people rather than mentioning them."""
    chunks: list[list[str]] = [[]]
    size = 0
    for text in (markdown(spans, names, as_mentions=False) or " " for spans in section.lines):
        length = len(json.dumps(text))
        if chunks[-1] and size + length > DETAIL_BLOCK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(text)
        size += length
    # A blank line between lines: one newline alone is only a space.
    return _heading(section) + [_Piece(TextBlock(text="\n\n".join(chunk), wrap=True)) for chunk in chunks if chunk]


def _picture_piece(image: Image, sources: Mapping[Image, str]) -> _Piece:
    """A picture from its address, with its alt text; without one, as its alt text, which states all it shows."""
    if image in sources:
        return _Piece(CardImage(url=sources[image], alt_text=image.alt, size="Stretch"))
    return _Piece(TextBlock(text="📊 " + literal(image.alt, at_line_start=True), wrap=True))


def _heading(section: Section) -> list[_Piece]:
    if not section.heading:
        return []
    return [_Piece(TextBlock(text=literal(section.heading, at_line_start=True), weight="Bolder", wrap=True))]


def _line_piece(spans: Line, names: Mapping[str, str]) -> _Piece:
    return _Piece(TextBlock(text=markdown(spans, names) or " ", wrap=True), _named(spans, names))


def _named(spans: Line, names: Mapping[str, str]) -> tuple[str, ...]:
    """The people a line mentions as `<at>name</at>`, each once: those whose name is known."""
    return tuple(dict.fromkeys(span.user_id for span in spans if isinstance(span, Mention) and span.user_id in names))


def _button(button: Button) -> SubmitAction:
    return SubmitAction(
        title=button.label,
        style=BUTTON_STYLES.get(button.style or ""),
        data={"msteams": TASK_FETCH, "action": button.action, "value": button.value},
    )


def _parts(pieces: list[_Piece], names: Mapping[str, str]) -> list[list[_Piece]]:
    """The pieces in order, as many to a card as fit in MAX_PART_BYTES."""
    parts: list[list[_Piece]] = [[]]
    for piece in pieces:
        if parts[-1] and _json_bytes(_card([*parts[-1], piece], names)) > MAX_PART_BYTES:
            parts.append([])
        parts[-1].append(piece)
    return parts


def _card(part: list[_Piece], names: Mapping[str, str]) -> AdaptiveCard:
    mentioned = dict.fromkeys(user_id for piece in part for user_id in piece.mentioned)
    entities = [_entity(user_id, names) for user_id in mentioned]
    return AdaptiveCard(
        version=CARD_VERSION,
        body=[piece.element for piece in part],
        msteams=TeamsCardProperties(entities=entities) if entities else None,
    )


def _entity(user_id: str, names: Mapping[str, str]) -> MentionEntity:
    name = names[user_id]
    return MentionEntity(text=_at(name), mentioned=MentionedEntity(id=user_id, name=name))


def _json_bytes(card: AdaptiveCard) -> int:
    return len(json.dumps(card_json(card)))


InputElement = TextInput | NumberInput | DateInput | ChoiceSetInput | ToggleInput


def form_card(
    form: Form,
    errors: Errors | None = None,
    values: Values | None = None,
    people: Sequence[tuple[str, str]] = (),
    submit_data: Mapping[str, object] = {},
) -> AdaptiveCard:
    """A form as a dialog's card. `values` (what was submitted) show instead of the initial
    ones; an error shows under its field, or at the top when it is not a field's; `people`
    are the (id, display name) a USER field chooses from."""
    errors = errors or {}
    values = values or {}
    field_names = {field.name for field in form.fields}
    body: list[CardElement] = [_error(text) for name, text in errors.items() if name not in field_names]
    if form.intro:
        body.append(TextBlock(text=literal(form.intro, at_line_start=True), wrap=True))
    for field in form.fields:
        body.append(_input(field, values[field.name] if field.name in values else field.initial, people))
        if field.name in errors:
            body.append(_error(errors[field.name]))
        if field.hint:
            body.append(TextBlock(text=markdown(as_line(field.hint)), wrap=True, is_subtle=True))
    kinds = {field.name: field.kind.value for field in form.fields}  # how submitted_values reads each
    submit = {"form_kind": form.kind, "form_context": form.context, "form_fields": kinds, **submit_data}
    return AdaptiveCard(version=CARD_VERSION, body=body, actions=[SubmitAction(title=form.submit_label, data=submit)])


def _error(text: str) -> TextBlock:
    return TextBlock(text=literal(text, at_line_start=True), wrap=True, color="Attention")


def _input(field: FormField, value: str | None, people: Sequence[tuple[str, str]]) -> InputElement:
    element = _element(field, value, people)
    element.with_id(field.name).with_label(field.label).with_is_required(field.required)
    if field.required:
        element.with_error_message(REQUIRED)
    return element


def _element(field: FormField, value: str | None, people: Sequence[tuple[str, str]]) -> InputElement:
    match field.kind:
        case FieldKind.TEXT | FieldKind.LONG_TEXT:
            return TextInput(value=value, is_multiline=field.kind is FieldKind.LONG_TEXT, max_length=field.max_length)
        case FieldKind.NUMBER:
            number = float(value) if value and NUMBER_TEXT.fullmatch(value) else None
            return NumberInput(value=number, min=field.low, max=field.high)
        case FieldKind.DATE:
            return DateInput(value=value)
        case FieldKind.CHOICE:
            return _choices(field.choices, value)
        case FieldKind.USER:
            return _choices(people, value)
        case FieldKind.TICK:
            ticked, title = field.choices[0]
            return ToggleInput(title=title, value_on=ticked, value_off="", value=ticked if value == ticked else "")


def _choices(choices: Sequence[tuple[str, str]], value: str | None) -> ChoiceSetInput:
    options = [Choice(title=title, value=choice) for choice, title in choices]
    return ChoiceSetInput(style="compact", choices=options, value=value)


def submitted_values(data: Mapping[str, object]) -> Values:
    """A dialog's submission (its inputs, and the submit action's data from form_card) as the
    plain values the core checks, None when empty. The core checks every value again."""
    kinds = data.get("form_fields")
    if not isinstance(kinds, dict):
        return {}
    return {str(name): _submitted(str(kind), data.get(name)) for name, kind in kinds.items()}


def _submitted(kind: str, raw: object) -> str | None:
    if raw is None or raw == "":
        return None  # an untouched input, or a toggle left off (its valueOff is "")
    return _whole_number_text(raw) if kind == FieldKind.NUMBER.value else str(raw)


def _whole_number_text(raw: object) -> str:
    """A number as the digits the core checks: 30 for 30.0, whether it came as text or a number."""
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        return str(raw)
    return str(int(number)) if number.is_finite() and number == number.to_integral_value() else str(raw)


def dialog(card: AdaptiveCard, title: str) -> dict[str, Any]:
    """The answer to a task/fetch or task/submit invoke that shows `card` as a dialog."""
    info = CardTaskModuleTaskInfo(title=title, card=card_attachment(AdaptiveCardAttachment(content=card)))
    return _invoke_body(TaskModuleResponse(task=TaskModuleContinueResponse(value=info)))


def dialog_message(text: str) -> dict[str, Any]:
    """The answer to a task/submit invoke that closes the dialog and shows `text`."""
    return _invoke_body(TaskModuleResponse(task=TaskModuleMessageResponse(value=text)))


def _invoke_body(response: TaskModuleResponse) -> dict[str, Any]:
    # An invoke handler's return value is the response body as it is (the SDK's HttpServer).
    body: dict[str, Any] = response.model_dump(by_alias=True, exclude_none=True, mode="json")
    return body
