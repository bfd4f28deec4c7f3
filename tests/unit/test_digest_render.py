"""The digest's layout (bot/digest/render.py) from gathered data: a small group's is one
message with everything in it; a larger group's message is a summary a coach takes in within a
minute (the counts, each exception with its count and first names, the agenda), and each
therapist's line and every outcome are its detail, for its thread."""

from __future__ import annotations

import pytest

from bot.digest.render import NAMES_SHOWN, SMALL_GROUP, render
from bot.messages import Message, Section, plain_text
from testkit.digests import digest_data, therapist


def lines_of(sections: tuple[Section, ...]) -> list[str]:
    return [plain_text(spans) for section in sections for spans in section.lines]


def headings(sections: tuple[Section, ...]) -> list[str | None]:
    return [section.heading for section in sections]


def line_starting(message: Message, start: str) -> str:
    [found] = [text for text in lines_of(message.sections) if text.startswith(start)]
    return found


@pytest.mark.parametrize("size", [1, SMALL_GROUP])
def test_a_small_groups_digest_is_one_message_with_each_therapist_in_it(size):
    digest = render(digest_data(size))

    assert digest.detail == ()
    assert "Learning objectives" in headings(digest.sections) and "Agenda for the next meeting" in headings(
        digest.sections
    )
    assert all(f"• @{therapist(n)}: " in "\n".join(lines_of(digest.sections)) for n in range(size))


def test_a_larger_groups_message_is_the_summary_and_each_therapists_line_is_in_its_detail():
    size = SMALL_GROUP + 1
    digest = render(digest_data(size))

    assert headings(digest.sections)[1:] == ["At a glance", "Needs attention", "Agenda for the next meeting"]
    assert [text for text in lines_of(digest.sections) if text.startswith("• @")] == []
    [weeks] = [section for section in digest.detail if section.heading == "Each therapist's week"]
    assert [text.split(":")[0] for text in lines_of((weeks,))] == [f"• @{therapist(n)}" for n in range(size)]
    assert lines_of((weeks,))[:2] == [
        "• @U0000: not checked in · 30 min · no objective yet · 1 open loop",
        "• @U0001: checked in · 31 min · name ruptures in the alliance, 1 (review Sun 3 Jan)",
    ]


def test_the_summary_counts_the_week():
    digest = render(digest_data(300))

    assert line_starting(digest, "Participation:") == "Participation: 200 of 300 checked in · 0 away"
    assert line_starting(digest, "Follow-ups:") == (
        "Follow-ups: Applied: 3 · Partly: 1 · Open loops: 100 · Awaiting an answer: 5 · Not due yet: 2"
    )
    assert line_starting(digest, "Outcomes:") == (
        "Outcomes: 75 reliable improvements (75 clinically significant) · 75 reliable deteriorations"
        " · 150 no reliable change · 150 alliance concerns"
    )


def test_each_exception_shows_its_count_and_its_first_names_and_says_where_the_rest_are():
    digest = render(digest_data(300))

    first_ten = ", ".join(f"@{therapist(n)}" for n in range(0, 3 * NAMES_SHOWN, 3))
    assert line_starting(digest, "Not checked in") == f"Not checked in (100): {first_ten} and 90 more, in the thread"
    assert line_starting(digest, "Reliable deteriorations").startswith("Reliable deteriorations (75): @U0000 · C1, ")
    assert line_starting(digest, "⚠ Not delivered") == "⚠ Not delivered (1): a follow-up to @U0001 (channel_not_found)"


def test_the_exceptions_come_most_urgent_first():
    digest = render(digest_data(300))

    [attention] = [section for section in digest.sections if section.heading == "Needs attention"]
    labels = [text.split(" (")[0] for text in lines_of((attention,))]
    assert labels == [
        "⚠ Not delivered",
        "Reliable deteriorations",
        "Alliance concerns",
        "Open loops",
        "Objectives due for review",
        "No objective yet",
        "Not checked in",
    ]


def test_the_agenda_takes_up_the_exceptions_then_what_worked():
    digest = render(digest_data(300))

    [agenda] = [section for section in digest.sections if section.heading == "Agenda for the next meeting"]
    assert lines_of((agenda,)) == [
        "• Reliable deteriorations: 75 clients",
        "• Alliance concerns: 150 clients",
        "• Open loops: 100 pieces of advice",
        "• Objectives due for review: 51 therapists",
        "• No objective yet: 43 therapists",
        "• What worked: 75 reliable improvements, 75 clinically significant",
    ]


def test_every_outcome_is_in_the_detail_under_its_kind():
    data = digest_data(300)
    digest = render(data)

    kinds = {section.heading: lines_of((section,)) for section in digest.detail}
    assert kinds["Reliable deteriorations (ORS): 75"][0] == "• @U0000 · C1: 20 → 12"
    assert len(kinds["Alliance concerns (SRS below 36): 150"]) == len(data.alliance_concerns)
    outcomes = sum(len(lines) for heading, lines in kinds.items() if heading and "(ORS)" in heading)
    assert outcomes == len(data.movements)


def test_unshared_learning_notes_are_only_in_the_coachs_preview():
    channel, preview = render(digest_data(300)), render(digest_data(300), for_coach_only=True)

    assert "• @U0000: pacing 0" in lines_of(channel.detail)  # shared
    assert "• @U0001: pacing 1" not in lines_of(channel.detail)
    assert "• @U0001: pacing 1" in lines_of(preview.detail)
    assert "pacing" not in "\n".join(lines_of(preview.sections))
