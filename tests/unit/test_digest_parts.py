"""How Slack and Teams pack a 300-therapist digest: its summary is the message in the channel,
and its detail follows in parts of its own, each within the platform's limits and each filled
close to them, so that the detail is a few thread replies. The shell prints the detail
after the summary."""

from __future__ import annotations

import io
import json
import re

import pytest

from bot.digest.render import render
from handlers.shell.screen import Screen
from handlers.slack import render as slack
from handlers.teams import render as teams
from testkit.digests import digest_data, therapist
from testkit.slack_driver import blocks_text
from testkit.teams_driver import card_text

THERAPISTS = 300
NAMES = {therapist(n): f"Therapist Number {n}" for n in range(THERAPISTS)}  # from the channel's roster
SUMMARY, DETAIL = "At a glance", "Each therapist's week"  # the detail's heading starts so


@pytest.fixture(params=[False, True], ids=["posted", "previewed"])
def digest(request):
    return render(digest_data(THERAPISTS), for_coach_only=request.param)


def test_on_slack_the_detail_is_a_handful_of_full_parts_within_slacks_limits(digest):
    first, *rest = slack.message_parts(digest)
    sizes = [sum(len(block["text"]["text"]) for block in part) for part in rest]

    assert SUMMARY in blocks_text(first) and DETAIL not in blocks_text(first)
    assert len(rest) <= 3  # a line for each of 300 therapists, 275 flagged clients and 150 or 300 notes
    assert all(len(part) <= slack.MAX_BLOCKS for part in [first, *rest])
    assert all(len(block["text"]["text"]) <= slack.MAX_SECTION_CHARS for part in [first, *rest] for block in part)
    assert max(sizes) <= slack.MAX_PART_CHARS and min(sizes[:-1]) > 0.95 * slack.MAX_PART_CHARS
    shown = "\n".join(blocks_text(part) for part in rest)
    weeks = re.findall(r"• <@(U\d+)>: (?:not )?checked in · ", shown)
    assert weeks == [therapist(n) for n in range(THERAPISTS)]  # each therapist's week, once, in order


def test_on_teams_the_detail_is_a_handful_of_full_cards_under_the_size_limit(digest):
    first, *rest = [teams.card_json(card) for card in teams.message_cards(digest, NAMES)]
    sizes = [len(json.dumps(card)) for card in rest]

    assert SUMMARY in card_text(first) and DETAIL not in card_text(first)
    assert len(rest) <= 3
    assert max(sizes) < teams.MAX_PART_BYTES and min(sizes[:-1]) > 0.9 * teams.MAX_PART_BYTES
    shown = "\n".join(card_text(card) for card in rest)
    assert all(f"**Therapist Number {n}**: " in shown for n in range(THERAPISTS))


def test_on_teams_the_summary_mentions_people_and_the_detail_names_them(digest):
    first, *rest = [teams.card_json(card) for card in teams.message_cards(digest, NAMES)]

    assert "<at>Therapist Number 0</at>" in card_text(first) and first["msteams"]["entities"]
    assert all("<at>" not in card_text(card) and "msteams" not in card for card in rest)


def test_the_shell_prints_the_detail_after_the_summary(digest):
    out = io.StringIO()

    Screen(out, colour=False).show("#CGROUP", digest)

    printed = out.getvalue()
    assert printed.index(SUMMARY) < printed.index("── in its thread") < printed.index(DETAIL)
    assert all(f"  • @{therapist(n)}: " in printed for n in range(THERAPISTS))
