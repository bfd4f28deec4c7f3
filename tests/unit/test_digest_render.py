"""The digest's layout (bot/digest/render.py) from gathered data: a small group's is one
message with everything in it; a larger group's message is a summary a coach takes in within a
minute (the counts, each exception with its count and first names, the agenda), and each
therapist's line with their clients' counts and each flagged client are its detail, for its thread."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.digest.gather import AgendaRequest, DigestData
from bot.digest.render import NAMES_SHOWN, SMALL_GROUP, THERAPISTS_WITH_CLIENTS, WHAT_WORKED_LISTED, render
from bot.meetings import FeedbackAnswer, RequestKind
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
    [weeks] = [section for section in digest.detail if section.heading == THERAPISTS_WITH_CLIENTS]
    assert [text.split(":")[0] for text in lines_of((weeks,))] == [f"• @{therapist(n)}" for n in range(size)]
    assert lines_of((weeks,))[:3] == [
        "• @U0000: not checked in · 30 min · no objective yet · 1 open loop · 0 / 0 / 2",
        "• @U0001: checked in · 31 min · 0 / 0 / 1",
        "• @U0002: checked in · 32 min · 1 / 0 / 1",
    ]


def test_the_summary_counts_the_week():
    digest = render(digest_data(300))

    assert line_starting(digest, "Participation:") == "Participation: 200 of 300 checked in · 0 away"
    assert line_starting(digest, "Follow-ups:") == (
        "Follow-ups: Applied: 3 · Partly: 1 · Open loops: 100 · Awaiting an answer: 5 · Not due yet: 2"
    )
    assert line_starting(digest, "Outcomes:") == (
        "Outcomes: 450 clients scored, judged from intake: 75 reliable improvements (75 clinically significant)"
        " · 75 reliable deteriorations · 150 no reliable change · 150 alliance concerns or drops"
        " · 50 not on track or on early watch"
    )


def test_each_exception_shows_its_count_and_its_first_names_and_says_where_the_rest_are():
    digest = render(digest_data(300))

    first_ten = ", ".join(f"@{therapist(n)}" for n in range(0, 3 * NAMES_SHOWN, 3))
    assert line_starting(digest, "Not checked in") == f"Not checked in (100): {first_ten} and 90 more, in the thread"
    assert line_starting(digest, "Reliable deteriorations").startswith("Reliable deteriorations (75): @U0000 · C1, ")
    assert line_starting(digest, "⚠ Not delivered") == "⚠ Not delivered (1): a follow-up to @U0001 (channel_not_found)"


def test_the_exceptions_come_in_the_agendas_order_of_urgency():
    digest = render(digest_data(300))

    [attention] = [section for section in digest.sections if section.heading == "Needs attention"]
    labels = [text.split(" (")[0] for text in lines_of((attention,))]
    assert labels == [
        "⚠ Not delivered",
        "Reliable deteriorations",
        "Alliance concerns and drops",
        "Not on track or on early watch",
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
        "• Alliance concerns and drops: 150 clients",
        "• Not on track or on early watch: 50 clients",
        "• Open loops: 100 pieces of advice",
        "• Objectives due for review: 51 therapists",
        "• No objective yet: 43 therapists",
        "• What worked: 75 reliable improvements, 75 clinically significant",
    ]


def test_each_flagged_client_is_in_the_detail_once_under_its_most_urgent_kind_and_the_others_are_counted():
    data = digest_data(300)
    digest = render(data)

    kinds = {section.heading: lines_of((section,)) for section in digest.detail}
    assert kinds["Reliable deteriorations (ORS from intake): 75"][0] == "• @U0000: C1 20 → 12"
    assert kinds["Alliance concerns and drops (ORS from intake): 150"][:2] == [
        "• @U0000: C2 SRS 30",
        "• @U0002: C2 SRS 30",
    ]
    assert kinds["Not on track or on early watch (ORS from intake): 50"][0] == "• @U0001: C1 24 → 28"
    listed = sum(
        text.count(" C") for heading, texts in kinds.items() if "(ORS from intake)" in (heading or "") for text in texts
    )
    flagged = sum(1 for client in data.clients if client.judged.flags)
    assert listed == flagged == 275
    counts = [text.rsplit(" · ", 1)[1] for text in kinds[THERAPISTS_WITH_CLIENTS]]
    assert sum(sum(map(int, count.split(" / "))) for count in counts) == len(data.clients)


def test_what_worked_lists_the_reliable_improvements_only_when_they_are_few():
    # A clinically significant improvement for every fourth therapist, from the third on.
    few, many = render(digest_data(4 * WHAT_WORKED_LISTED)), render(digest_data(4 * WHAT_WORKED_LISTED + 4))

    [worked] = [s for s in few.detail if (s.heading or "").startswith("Reliable improvements, clinically significant")]
    assert len(worked.lines) == WHAT_WORKED_LISTED and lines_of((worked,))[0] == "• @U0002: C1 20 → 28"
    assert [s.heading for s in many.detail if "improvements" in (s.heading or "")] == []


def test_unshared_learning_notes_are_only_in_the_coachs_preview():
    channel, preview = render(digest_data(300)), render(digest_data(300), for_coach_only=True)

    assert "• @U0000: pacing 0" in lines_of(channel.detail)  # shared
    assert "• @U0001: pacing 1" not in lines_of(channel.detail)
    assert "• @U0001: pacing 1" in lines_of(preview.detail)
    assert "pacing" not in "\n".join(lines_of(preview.sections))


# --- outcome movement and the agenda, one line per client, judged from intake -------------------


def section_lines(message: Message, heading: str) -> list[str]:
    [section] = [section for section in message.sections if section.heading == heading]
    return lines_of((section,))


def test_a_small_groups_outcome_movement_is_a_line_per_client_judged_from_intake_with_its_advice():
    movement = section_lines(render(digest_data(4)), "Outcome movement")

    assert movement == [
        "• @U0000 · C1: from intake, ORS 20 → 12 (-8): reliable deterioration"
        " · advice “try a pause” (applied): ORS 14 → 12 (-2) since the advice of 20 Nov: no reliable change",
        "• @U0000 · C2: no ORS yet · SRS 30 · ⚠️ alliance concern",
        "• @U0001 · C1: from intake, ORS 24 → 28 (+4): no reliable change · ⚠️ not on track",
        "• @U0002 · C1: from intake, ORS 20 → 28 (+8): reliable improvement, clinically significant",
        "• @U0002 · C2: no ORS yet · SRS 30 · ⚠️ alliance concern",
        "• @U0003 · C1: from intake, ORS 24 → 28 (+4): no reliable change"
        " · advice “try a pause” (applied): ORS 14 → 28 (+14) since the advice of 20 Nov: reliable improvement",
    ]


def test_change_since_advice_is_never_called_clinically_significant():
    movement = section_lines(render(digest_data(4)), "Outcome movement")
    [crossing] = [text for text in movement if text.startswith("• @U0003")]  # 14 → 28 since the advice crosses 25

    assert "since the advice of 20 Nov: reliable improvement" in crossing
    assert "clinically significant" not in crossing
    assert "clinically significant" in movement[3]  # the wording it would have, from intake


def test_a_small_groups_agenda_is_in_order_of_urgency_and_each_flag_says_why():
    agenda = section_lines(render(digest_data(4)), "Agenda for the next meeting")

    assert agenda == _expected_small_agenda()


def _expected_small_agenda() -> list[str]:
    return [
        "• Reliable deterioration: @U0000 · C1: ORS 20 → 12 since intake on 6 Nov: reliable deterioration",
        "• Alliance concern: @U0000 · C2: SRS 30 on 2 Dec: below 36, alliance concern",
        "• Alliance concern: @U0002 · C2: SRS 30 on 2 Dec: below 36, alliance concern",
        "• Not on track: @U0001 · C1: ORS 24 → 28 by session 6 (since intake on 6 Nov):"
        " no reliable improvement by session 6, not on track",
        "• Open loop: @U0000: try a pause (C3), answered Not yet",
        "• Open loop: @U0003: try a pause (C3), answered Not yet",
        "• No objective yet: @U0000",
    ]


def coach_only(data: DigestData) -> DigestData:
    return replace(data, outcomes_in_channel=False)


def test_with_outcomes_kept_to_the_coach_the_channel_digest_names_no_client_and_says_where_they_are():
    channel = render(coach_only(digest_data(4)))
    shown = "\n".join(lines_of(channel.sections))

    assert section_lines(channel, "Outcome movement") == [
        "6 clients scored, judged from intake: 1 reliable improvement (1 clinically significant)"
        " · 1 reliable deterioration · 2 no reliable change · 2 alliance concerns or drops"
        " · 1 not on track or on early watch. 4 client flags and each client's line are in the coach's"
        " `digest preview` (this group keeps client outcome lines to its coach).",
    ]
    assert section_lines(channel, "Agenda for the next meeting")[:2] == [
        "• 4 client flags and each client's line are in the coach's `digest preview`"
        " (this group keeps client outcome lines to its coach).",
        "• Open loop: @U0000: try a pause, answered Not yet",
    ]
    assert [code for code in ("C1", "C2", "C3") if code in shown] == []


def test_with_outcomes_kept_to_the_coach_the_coachs_preview_shows_every_client():
    preview = render(coach_only(digest_data(4)), for_coach_only=True)

    assert section_lines(preview, "Outcome movement") == section_lines(render(digest_data(4)), "Outcome movement")
    assert section_lines(preview, "Agenda for the next meeting") == _expected_small_agenda()


def test_with_outcomes_kept_to_the_coach_a_large_groups_summary_and_thread_name_no_client():
    channel, preview = render(coach_only(digest_data(300))), render(coach_only(digest_data(300)), for_coach_only=True)

    assert [text for text in lines_of(channel.sections + channel.detail) if " · C" in text] == []
    assert line_starting(channel, "275 client flags").startswith("275 client flags and each client's line")
    assert line_starting(preview, "Reliable deteriorations").startswith("Reliable deteriorations (75): @U0000 · C1, ")
    assert any("(ORS from intake)" in (section.heading or "") for section in preview.detail)


# --- knowing the work: objectives set with fewer than three recordings reviewed, coach only -----


def with_recordings_reviewed(data: DigestData, reviewed: dict[int, int | None]) -> DigestData:
    members = [replace(m, recordings_reviewed=reviewed.get(n)) for n, m in enumerate(data.members)]
    return replace(data, members=members)


def test_the_coachs_preview_lists_objectives_set_with_fewer_than_three_recordings_reviewed():
    data = with_recordings_reviewed(digest_data(4), {0: 0, 1: 1, 2: 3, 3: None})  # U0000 has no objective

    preview = section_lines(render(data, for_coach_only=True), "Agenda for the next meeting")
    channel = section_lines(render(data), "Agenda for the next meeting")

    assert preview == [*_expected_small_agenda(), "• Objective set with 1 recording reviewed: @U0001"]
    assert channel == _expected_small_agenda()
    two = with_recordings_reviewed(digest_data(4), {1: 2, 2: 0})
    assert section_lines(render(two, for_coach_only=True), "Agenda for the next meeting")[-2:] == [
        "• Objective set with 2 recordings reviewed: @U0001",
        "• Objective set with 0 recordings reviewed: @U0002",
    ]


def test_a_larger_groups_preview_counts_them_among_what_needs_attention_and_its_channel_digest_does_not():
    data = with_recordings_reviewed(digest_data(SMALL_GROUP + 1), {1: 2, 2: 5, 3: 0})
    label = "Objective set with fewer than 3 recordings reviewed (2): "

    preview = section_lines(render(data, for_coach_only=True), "Needs attention")
    channel = section_lines(render(data), "Needs attention")

    assert f"{label}@U0001 (2), @U0003 (0)" in preview
    assert not [text for text in channel if "recordings reviewed" in text]


# --- requests for the meeting and feedback on it ---------------------------------------------------


def with_requests(data: DigestData) -> DigestData:
    return replace(
        data,
        requests=[
            AgendaRequest(therapist(1), RequestKind.CASE, "when to end", "C12"),
            AgendaRequest(therapist(5), RequestKind.QUESTION, "how to refer on"),
        ],
    )


def test_requests_for_the_meeting_come_after_the_urgent_outcome_items_and_before_loops_and_reviews():
    agenda = section_lines(render(with_requests(digest_data(6))), "Agenda for the next meeting")

    flags = [index for index, text in enumerate(agenda) if text.startswith(("• Reliable", "• Alliance", "• Not on"))]
    requests = [agenda.index("• Bring a case: @U0001 · C12: when to end")]
    requests.append(agenda.index("• A question for the coach: @U0005: how to refer on"))
    review = agenda.index("• Objective due for review: @U0005 on Mon 7 Dec")
    assert max(flags) + 1 == requests[0] and requests[1] == requests[0] + 1
    assert agenda[requests[1] + 1].startswith("• Open loop") and review > requests[1]


def test_a_requests_client_code_stays_in_the_coachs_preview_when_outcomes_are_kept_to_the_coach():
    data = coach_only(with_requests(digest_data(6)))

    assert "• Bring a case: @U0001: when to end" in section_lines(render(data), "Agenda for the next meeting")
    preview = section_lines(render(data, for_coach_only=True), "Agenda for the next meeting")
    assert "• Bring a case: @U0001 · C12: when to end" in preview


def test_a_large_groups_agenda_counts_the_requests_and_its_thread_lists_them():
    digest = render(with_requests(digest_data(300)))

    agenda = section_lines(digest, "Agenda for the next meeting")
    assert agenda[3] == "• Requests for the meeting, in the thread: 2 requests"
    [listed] = [section for section in digest.detail if section.heading == "Requests for the meeting"]
    assert lines_of((listed,))[0] == "• Bring a case: @U0001 · C12: when to end"


def test_feedback_on_the_meeting_is_only_in_the_coachs_preview():
    answers = [FeedbackAnswer(therapist(n), 6 + n, f"idea {n}") for n in range(3)]
    data = replace(digest_data(4), feedback=answers)

    assert "Feedback on the supervision (only you see this)" not in headings(render(data).sections)
    feedback = section_lines(render(data, for_coach_only=True), "Feedback on the supervision (only you see this)")
    assert feedback == ["3 answers · median 7 of 10 · range 6–8", "• idea 0", "• idea 1", "• idea 2"]
    large = render(replace(digest_data(300), feedback=answers), for_coach_only=True)
    assert "Feedback on the supervision (only you see this)" in headings(large.sections)
