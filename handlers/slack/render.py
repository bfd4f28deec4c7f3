"""Core messages and forms in Block Kit, within Slack's limits."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from bot.forms import FieldKind, Form, FormField, Values
from bot.messages import (
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
    Term,
    as_line,
)
from bot.services.home import PICK_GROUP_ACTION

COMMAND = "/practice"
WORDS = {Term.TENANT: "workspace", Term.COACH_HANDOVER: "the coach or a workspace admin"}
# Slack has no escape for its formatting characters, so in user text each becomes a look-alike
# that does not format; a quote mark at a line's start is kept from it by a soft hyphen.
# Between two letters or digits (snake_case, 2*3) a marker cannot open or close formatting,
# so there it stays, except inside bold, whose own marker it could end.
LOOK_ALIKES = {"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"}
ALL_MARKERS = str.maketrans(LOOK_ALIKES)
MARKER_AT_A_WORD_EDGE = re.compile(r"`|(?<![^\W_])[*_~]|[*_~](?![^\W_])")
QUOTE_AT_LINE_START = re.compile(r"^(\s*)&gt;", re.MULTILINE)
EMOJI_CODE = re.compile(r":(?=[a-z][a-z0-9_ˍ+'-]*:)")  # :smile:, :thumbs_up:
MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_SECTION_CHARS = 3000
# Slack refuses a message whose blocks hold more than about 12,000 characters in all
# (msg_blocks_too_long; undocumented, slackapi/bolt-js#2509), so a part keeps well below that.
MAX_PART_CHARS = 10_000
MAX_TITLE_CHARS = 24
MAX_OPTION_CHARS = 75
MAX_ALT_TEXT_CHARS = 2000  # an image block's alt_text
HOME_PAGE_ACTION = "home:page"  # Slack's own: a Home tab's pages are Slack's limit, not the core's


def escape(text: str) -> str:
    """No <!channel>, mentions or links can be smuggled in."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def literal(text: str, in_bold: bool = False) -> str:
    """Text shown as it is in mrkdwn: escaped, and with nothing in it that formats."""
    text = escape(text)
    if in_bold:
        text = text.translate(ALL_MARKERS)
    else:
        text = MARKER_AT_A_WORD_EDGE.sub(lambda marker: LOOK_ALIKES[marker.group()], text)
    return EMOJI_CODE.sub("꞉", QUOTE_AT_LINE_START.sub("\\1\u00ad&gt;", text))


def mrkdwn(spans: Line) -> str:
    return "".join(_mrkdwn(span) for span in spans)


def _mrkdwn(span) -> str:
    if isinstance(span, Mention):
        return f"<@{span.user_id}>"
    if isinstance(span, ChannelLink):
        return f"<#{span.channel_id}>"
    if isinstance(span, Bold):
        return _bold(span.text.called_as(COMMAND) if isinstance(span.text, Command) else span.text)
    if isinstance(span, Command):
        return _code(span.called_as(COMMAND))
    if isinstance(span, Code):
        return _code(span.text)
    if isinstance(span, Term):
        return WORDS[span]
    return literal(span)


def _code(text: str) -> str:
    return f"`{escape(text).replace('`', 'ˋ')}`"  # a backtick would end the code early


def _bold(text: str) -> str:
    # Slack only bolds *text* whose asterisks touch the words, so spaces go outside.
    core = text.strip()
    if not core:
        return text
    leading = text[: len(text) - len(text.lstrip())]
    trailing = text[len(text.rstrip()) :]
    return f"{leading}*{literal(core, in_bold=True)}*{trailing}"


def plain(spans: str | Line, code_mark: str = "") -> str:
    """A line as Slack's plain text (a hint, a notification): no markup but `code_mark` around code."""
    return "".join(_plain_span(span, code_mark) for span in as_line(spans))


def _plain_span(span, code_mark: str) -> str:
    if isinstance(span, Mention):
        return f"@{span.user_id}"
    if isinstance(span, ChannelLink):
        return f"#{span.channel_id}"
    if isinstance(span, Bold):
        return _plain_span(span.text, "")
    if isinstance(span, Command):
        return f"{code_mark}{span.called_as(COMMAND)}{code_mark}"
    if isinstance(span, Code):
        return f"{code_mark}{span.text}{code_mark}"
    if isinstance(span, Term):
        return WORDS[span]
    return span


# Where Slack finds each picture shown as an image block: {"slack_file": {"id": …}} or
# {"image_url": …}. A picture without one is shown as its alt text.
Sources = Mapping[Image, dict]


def message_parts(message: Message) -> list[list[dict]]:
    """The blocks of a message, split into parts of at most 50 blocks and MAX_PART_CHARS: the
    first part is the message itself, the rest go in its thread. Its detail follows in parts of
    its own, packed line by line, so that the message in the channel holds none of it."""
    parts = _packed(_blocks(message, {}))
    if message.detail:
        parts += _packed_lines([text for section in message.detail for text in _section_texts(section)])
    return parts


def _packed(blocks: list[dict]) -> list[list[dict]]:
    parts: list[list[dict]] = [[]]
    size = 0
    for block in blocks:
        length = len(block.get("text", {}).get("text", ""))
        if parts[-1] and (len(parts[-1]) == MAX_BLOCKS or size + length > MAX_PART_CHARS):
            parts.append([])
            size = 0
        parts[-1].append(block)
        size += length
    return parts


def _packed_lines(texts: list[str]) -> list[list[dict]]:
    """Lines as few parts as fit: each section block filled to MAX_SECTION_CHARS, each part to MAX_PART_CHARS."""
    parts: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if parts[-1] and size + 1 + len(text) > MAX_PART_CHARS:
            parts.append([])
            size = 0
        blocks = parts[-1]
        if blocks and len(blocks[-1]) + 1 + len(text) <= MAX_SECTION_CHARS:
            blocks[-1] += "\n" + text
        elif len(blocks) < MAX_BLOCKS:
            blocks.append(text)
        else:
            parts.append([text])
            size = 0
        size += 1 + len(text)
    return [[_text_block(text) for text in part] for part in parts]


def home_view(message: Message, page: int = 0, coached_id: int | None = None, sources: Sources | None = None) -> dict:
    """A Home tab is one view, not a thread: the message in pages of at most 100 blocks,
    each beyond the first reached from the one before by its "More" button; each picture with
    a source in `sources` as an image block."""
    pages = _home_pages(_blocks(message, sources or {}))
    shown = min(max(page, 0), len(pages) - 1)
    blocks = pages[shown]
    turns = []
    if shown > 0:
        turns.append(_page_button("Back", coached_id, shown - 1))
    if shown < len(pages) - 1:
        turns.append(_page_button(f"More ({shown + 2} of {len(pages)})", coached_id, shown + 1))
    if turns:
        blocks = [*blocks, {"type": "actions", "elements": turns}]
    return {"type": "home", "blocks": blocks}


def _home_pages(blocks: list[dict]) -> list[list[dict]]:
    per_page = MAX_HOME_BLOCKS - 1  # one left for the page's buttons
    return [blocks[start : start + per_page] for start in range(0, len(blocks), per_page)] or [[]]


def _page_button(label: str, coached_id: int | None, page: int) -> dict:
    return _button(Button(label, HOME_PAGE_ACTION, home_page_value(coached_id, page)))


def home_page_value(coached_id: int | None, page: int) -> str:
    return f"{coached_id if coached_id is not None else ''}:{page}"


def home_page_of(value: str) -> tuple[int | None, int]:
    """The coached group and the page a "More" button names; what is not a number is the first."""
    group, _, page = value.partition(":")
    return (int(group) if group.isdigit() else None), (int(page) if page.isdigit() and len(page) < 4 else 0)


def _blocks(message: Message, sources: Sources) -> list[dict]:
    blocks = [block for section in message.sections for block in _section_blocks(section, sources)]
    blocks += [picture_block(image, sources) for image in message.images]
    return blocks + _actions(message.buttons)


def _actions(buttons: tuple[Button, ...]) -> list[dict]:
    """Buttons as an actions block; a group picker's options as one static select."""
    if not buttons:
        return []
    picked = [button for button in buttons if button.action == PICK_GROUP_ACTION]
    elements = [_button(button) for button in buttons if button.action != PICK_GROUP_ACTION]
    if picked:
        elements.insert(0, _group_select(picked))
    return [{"type": "actions", "elements": elements}]


def _group_select(options: list[Button]) -> dict:
    choices = [{"text": _plain(option.label[:MAX_OPTION_CHARS]), "value": option.value} for option in options]
    select = {"type": "static_select", "action_id": PICK_GROUP_ACTION, "options": choices}
    chosen = next((choice for choice, option in zip(choices, options, strict=True) if option.style), None)
    select["placeholder"] = _plain("Choose a group")
    if chosen:
        select["initial_option"] = chosen
    return select


def picture_block(image: Image, sources: Sources) -> dict:
    """A picture as an image block from its source, with its alt text; without a source, as its
    alt text, which states all it shows."""
    if image in sources:
        return {"type": "image", **sources[image], "alt_text": _cut(image.alt, MAX_ALT_TEXT_CHARS)}
    text = f":bar_chart: {literal(image.alt)}"
    if len(text) > MAX_SECTION_CHARS:
        text = text[: MAX_SECTION_CHARS - 1] + "…"
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _text_block(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def fallback_text(message: Message) -> str:
    return escape(plain(message.summary_line, code_mark="`"))


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _section_blocks(section: Section, sources: Sources) -> list[dict]:
    chunks: list[str] = []
    for text in _section_texts(section):
        if chunks and len(chunks[-1]) + 1 + len(text) <= MAX_SECTION_CHARS:
            chunks[-1] += "\n" + text
        else:
            chunks.append(text)
    blocks = [_text_block(chunk) for chunk in chunks]
    if section.image is not None:
        blocks.append(picture_block(section.image, sources))
    if len(section.buttons) == 1 and section.image is None:  # beside the section's text: one block, not two
        blocks[-1]["accessory"] = _button(section.buttons[0])
        return blocks
    return blocks + _actions(section.buttons)


def _section_texts(section: Section) -> list[str]:
    """A section's heading and lines as mrkdwn, each within a section block's MAX_SECTION_CHARS."""
    heading = [f"*{literal(section.heading, in_bold=True)}*"] if section.heading else []
    texts = [text or " " for text in heading + [mrkdwn(spans) for spans in section.lines]]
    return [text if len(text) <= MAX_SECTION_CHARS else text[: MAX_SECTION_CHARS - 1] + "…" for text in texts]


def _button(button) -> dict:
    element = {
        "type": "button",
        "action_id": button.action,
        "value": button.value,
        "text": {"type": "plain_text", "text": button.label, "emoji": True},
    }
    if button.style:
        element["style"] = button.style
    return element


def modal(form: Form) -> dict:
    blocks = []
    if form.intro:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": literal(form.intro)}})
    blocks += [_input(field) for field in form.fields]
    return {
        "type": "modal",
        "callback_id": form.kind,
        "title": _plain(form.title[:MAX_TITLE_CHARS]),
        "submit": _plain(form.submit_label),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps(form.context),
        "blocks": blocks,
    }


def notice_modal(message: Message) -> dict:
    return {
        "type": "modal",
        "title": _plain("Supervision bot"),
        "close": _plain("Close"),
        "blocks": message_parts(message)[0],
    }


def _plain(text: str) -> dict:
    return {"type": "plain_text", "text": text, "emoji": True}


def _input(field: FormField) -> dict:
    block = {
        "type": "input",
        "block_id": field.name,
        "label": _plain(field.label),
        "optional": not field.required,
        "element": _element(field),
    }
    if field.hint:
        block["hint"] = _plain(plain(field.hint))
    return block


def _element(field: FormField) -> dict:
    element: dict = {"action_id": field.name}
    if field.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        element.update(type="plain_text_input", multiline=field.kind is FieldKind.LONG_TEXT)
        if field.max_length:
            element["max_length"] = field.max_length
        if field.initial:
            element["initial_value"] = field.initial
    elif field.kind is FieldKind.NUMBER:
        element.update(type="number_input", is_decimal_allowed=field.decimal)
        if field.low is not None:
            element.update(min_value=str(field.low), max_value=str(field.high))
        if field.initial:
            element["initial_value"] = field.initial
    elif field.kind is FieldKind.DATE:
        element["type"] = "datepicker"
        if field.initial:
            element["initial_date"] = field.initial
    elif field.kind is FieldKind.CHOICE:
        options = _options(field)
        element.update(type="static_select", options=options)
        initial = next((option for option in options if option["value"] == field.initial), None)
        if initial:
            element["initial_option"] = initial
    elif field.kind is FieldKind.TICK:
        element.update(type="checkboxes", options=_options(field))
    elif field.kind is FieldKind.USER:
        element["type"] = "users_select"
        if field.initial:
            element["initial_user"] = field.initial
    return element


def _options(field: FormField) -> list[dict]:
    return [{"text": _plain(label), "value": value} for value, label in field.choices]


def submitted_values(view: dict) -> Values:
    """A view submission's state, as the plain field values the core checks."""
    values: Values = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for state in actions.values():
            values[block_id] = _state_value(state)
    return values


def _state_value(state: dict) -> str | None:
    kind = state.get("type")
    if kind == "datepicker":
        return state.get("selected_date")
    if kind == "static_select":
        return (state.get("selected_option") or {}).get("value")
    if kind == "users_select":
        return state.get("selected_user")
    if kind == "checkboxes":
        return next((option["value"] for option in state.get("selected_options") or []), None)
    return state.get("value")
