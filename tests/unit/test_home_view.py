"""The App Home tab within Slack's limits: at most 100 blocks a view and 3000 characters a
section, in pages beyond them, each reached by the page before's "More" button."""

from __future__ import annotations

import json
import re

from bot.messages import Button, Image, Message, Section, line
from bot.services.home import PICK_GROUP_ACTION
from handlers.slack import render


def _status(advice_count: int) -> Message:
    lines = tuple(line(f"• Advice {n}: " + "slow down and listen " * 20) for n in range(advice_count))
    return Message(summary="Your practice", sections=(Section(lines, heading="Your practice"),))


def pages_of(message: Message, coached_id: int | None = None) -> list[dict]:
    first = render.home_view(message, 0, coached_id)
    views = [first]
    while (more := _button(views[-1], "More")) is not None:
        group, page = render.home_page_of(more["value"])
        assert group == coached_id
        views.append(render.home_view(message, page, group))
    return views


def _button(view: dict, label: str) -> dict | None:
    return next(
        (
            element
            for block in view["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
            if element.get("action_id") == render.HOME_PAGE_ACTION and element["text"]["text"].startswith(label)
        ),
        None,
    )


def within_slacks_limits(view: dict) -> bool:
    sections = [block["text"]["text"] for block in view["blocks"] if block["type"] == "section"]
    images = [block for block in view["blocks"] if block["type"] == "image"]
    return (
        view["type"] == "home"
        and len(view["blocks"]) <= render.MAX_HOME_BLOCKS
        and all(len(text) <= render.MAX_SECTION_CHARS for text in sections)
        and all(_a_valid_image_block(image) for image in images)
        and all(
            len(e["text"]["text"]) <= 75
            for b in view["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if "text" in e
        )
    )


def _a_valid_image_block(block: dict) -> bool:
    """Slack's image block: alt text of 1–2,000 characters and exactly one source, a file by its id
    (F and at least 8 capitals or digits) or a URL of at most 3,000 characters."""
    sources = {"slack_file", "image_url"} & set(block)
    fields_known = set(block) <= {"type", "alt_text", "slack_file", "image_url", "title", "block_id"}
    if len(sources) != 1 or not fields_known or not 0 < len(block["alt_text"]) <= 2000:
        return False
    if "image_url" in block:
        return len(block["image_url"]) <= 3000 and block["image_url"].startswith(("https://", "http://"))
    return set(block["slack_file"]) == {"id"} and re.fullmatch(r"F[A-Z0-9]{8,}", block["slack_file"]["id"]) is not None


def _picture(alt: str) -> Image:
    return Image("practice.png", alt, 800, 450, lambda: b"")


def test_a_section_with_a_picture_shows_it_under_its_lines_as_an_image_block_with_its_alt_text():
    picture = _picture("Practice minutes: " + "30, " * 800)  # longer than an image block's alt text
    message = Message(
        summary="Home", sections=(Section((line("Practice"),), buttons=(Button("Log", "a", "v"),), image=picture),)
    )

    text, image, actions = render.home_view(message, sources={picture: {"slack_file": {"id": "F0123ABCD9"}}})["blocks"]

    assert text["type"] == "section" and "accessory" not in text and actions["type"] == "actions"
    assert image == {"type": "image", "slack_file": {"id": "F0123ABCD9"}, "alt_text": picture.alt[:1999] + "…"}
    assert within_slacks_limits({"type": "home", "blocks": [image]})


def test_a_picture_slack_cannot_find_is_shown_as_its_alt_text():
    picture = _picture("Practice minutes in each of the last 12 weeks: 0, 30 (30 in all).")
    message = Message(summary="Home", sections=(Section((line("Practice"),), image=picture),))

    _, alt = render.home_view(message)["blocks"]

    assert alt == {"type": "context", "elements": [{"type": "mrkdwn", "text": f":bar_chart: {picture.alt}"}]}
    assert not _a_valid_image_block({"type": "image", "slack_file": {"id": "F1"}, "alt_text": "x"})  # the check sees


def test_a_long_status_shows_whole_on_the_home_tab():
    status = _status(60)  # some 25,000 characters: beyond one message part
    assert len(render.message_parts(status)) > 1  # so a view of the first part alone would cut it

    view = render.home_view(status)

    assert within_slacks_limits(view) and _button(view, "More") is None
    shown = json.dumps(view)
    assert all(f"Advice {n}:" in shown for n in range(60))


def test_what_cannot_fit_in_one_view_goes_on_pages_reached_by_more_and_back():
    many = Message(summary="Your practice", sections=tuple(Section((line(f"Group {n}"),)) for n in range(250)))

    views = pages_of(many, coached_id=7)

    assert len(views) == 3 and all(within_slacks_limits(view) for view in views)
    shown = [json.dumps(view) for view in views]
    assert all(sum(f'"Group {n}"' in page for page in shown) == 1 for n in range(250))
    assert _button(views[0], "Back") is None and _button(views[1], "Back") is not None
    assert _button(views[0], "More")["text"]["text"] == "More (2 of 3)"


def test_a_page_beyond_the_last_shows_the_last_and_a_forged_value_the_first():
    many = Message(summary="Your practice", sections=tuple(Section((line(f"Group {n}"),)) for n in range(250)))

    assert render.home_view(many, 40) == render.home_view(many, 2)
    assert render.home_page_of("x:<script>") == (None, 0)


def test_one_button_sits_beside_its_section_and_a_group_picker_is_one_select():
    picker = tuple(Button(f"#C{n}", PICK_GROUP_ACTION, str(n), "primary" if n == 2 else None) for n in range(1, 4))
    message = Message(
        summary="Home",
        sections=(
            Section((line("C1: ORS 20"),), buttons=(Button("Open C1", "home:client", "1:C1"),)),
            Section((line("Groups"),), buttons=picker),
        ),
    )

    client, groups, select = render.home_view(message)["blocks"]

    assert client["accessory"]["action_id"] == "home:client"
    assert groups["type"] == "section" and select["type"] == "actions"
    [chosen] = select["elements"]
    assert chosen["type"] == "static_select" and [o["value"] for o in chosen["options"]] == ["1", "2", "3"]
    assert chosen["initial_option"]["value"] == "2"
