"""The App Home tab shows a whole status, within Slack's 100 blocks for a Home view."""

from __future__ import annotations

import json

from bot.messages import Message, Section, line
from handlers.slack import render


def _status(advice_count: int) -> Message:
    lines = tuple(line(f"• Advice {n}: " + "slow down and listen " * 20) for n in range(advice_count))
    return Message(summary="Your practice", sections=(Section(lines, heading="Your practice"),))


def test_a_long_status_shows_whole_on_the_home_tab():
    status = _status(60)  # some 25,000 characters: beyond one message part
    assert len(render.message_parts(status)) > 1  # so a view of the first part alone would cut it

    view = render.home_view(status)

    assert view["type"] == "home" and len(view["blocks"]) <= render.MAX_HOME_BLOCKS
    shown = json.dumps(view)
    assert all(f"Advice {n}:" in shown for n in range(60))


def test_what_cannot_fit_in_a_home_view_ends_with_a_note_that_more_is_held_back():
    many = Message(summary="Your practice", sections=tuple(Section((line(f"Group {n}"),)) for n in range(150)))

    blocks = render.home_view(many)["blocks"]

    assert len(blocks) == render.MAX_HOME_BLOCKS
    assert "Group 98" in json.dumps(blocks[-2]) and "Group 99" not in json.dumps(blocks)
    assert "does not fit" in blocks[-1]["text"]["text"]
