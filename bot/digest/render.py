"""The weekly digest's rendering half: the gathered data laid out as a platform-neutral message."""

from __future__ import annotations

from datetime import timedelta

from bot.digest.gather import DigestData, MemberWeek
from bot.messages import Bold, ChannelLink, Command, Line, Mention, Message, Section, day_label, line
from bot.model import DeliveryKind
from bot.outcomes import Movement, describe, shown

OBJECTIVE_LINE_LIMIT = 140
REVIEW_HORIZON = timedelta(days=7)


def render(data: DigestData, for_coach_only: bool = False) -> Message:
    """The digest; learning notes are added only where the coach alone will read it."""
    sections = [
        _participation(data),
        _objectives(data),
        _practice(data),
        _follow_ups(data),
        _movement(data),
        _agenda(data),
    ]
    sections.append(_learning(data, for_coach_only))
    sections.append(_not_delivered(data))
    heading = f"Practice digest, {day_label(data.period_start)} – {day_label(data.period_end)}"
    intro = Section((line("For ", ChannelLink(data.channel_id), "'s next supervision meeting."),), heading=heading)
    return Message(summary=heading, sections=(intro, *[s for s in sections if s.lines]))


def _participation(data: DigestData) -> Section:
    if not data.members:
        return Section((line("No therapists have joined yet: they join with ", Command("join"), "."),), "Participation")
    done = [m for m in data.members if m.checked_in]
    away = [m for m in data.members if m.away_until and not m.checked_in]
    missing = [m for m in data.members if not m.checked_in and not m.away_until]
    lines = [line(f"{len(done)} of {len(data.members) - len(away)} checked in.")]
    if done:
        lines.append(line(Bold("Checked in: "), *_people(done)))
    if missing:
        lines.append(line(Bold("Not yet: "), *_people(missing)))
    for member in away:
        lines.append(line(Bold("Away: "), Mention(member.user_id), f" until {day_label(member.away_until)}"))
    return Section(tuple(lines), "Participation")


def _people(members: list[MemberWeek]) -> list:
    spans: list = []
    for index, member in enumerate(members):
        spans.extend([", "] if index else [])
        spans.append(Mention(member.user_id))
    return spans


def _objectives(data: DigestData) -> Section:
    return Section(
        tuple(
            line("• ", Mention(m.user_id), ": ", _shorten(m.objective))
            if m.objective
            else line("• ", Mention(m.user_id), ": no objective yet")
            for m in data.members
        ),
        "Learning objectives",
    )


def _practice(data: DigestData) -> Section:
    if not data.members:
        return Section(())
    total = sum(m.minutes for m in data.members)
    lines = [line("• ", Mention(m.user_id), f": {m.minutes} min") for m in data.members]
    return Section((line(Bold(f"{total} min in all")), *lines), "Deliberate practice")


def _follow_ups(data: DigestData) -> Section:
    return Section(
        (
            line(
                f"Applied: {data.applied} · Partly: {data.partly} · Open loops: {len(data.open_loops)}"
                f" · Awaiting an answer: {data.awaiting} · Not due yet: {data.not_due}"
            ),
        ),
        "Follow-ups",
    )


def _movement(data: DigestData) -> Section:
    lines = [line("• ", Mention(m.therapist_id), f" · {m.client_code}: {describe(m.change)}") for m in data.movements]
    lines += [
        line(
            "• ",
            Mention(c.therapist_id),
            f" · {c.client_code}: SRS {shown(c.srs)}, alliance concern (below {data.thresholds.srs_alliance_concern})",
        )
        for c in data.alliance_concerns
    ]
    return Section(tuple(lines), "Outcome movement")


def _agenda(data: DigestData) -> Section:
    items: list[Line] = []
    for loop in data.open_loops:
        client = f" ({loop.client_code})" if loop.client_code else ""
        items.append(
            line("• Open loop: ", Mention(loop.therapist_id), ": ", _shorten(loop.advice), client, f", {loop.reason}")
        )
    for m in data.movements:
        if m.change.movement is Movement.RELIABLE_DETERIORATION:
            items.append(
                line("• Deterioration: ", Mention(m.therapist_id), f" · {m.client_code}: {describe(m.change)}")
            )
    for c in data.alliance_concerns:
        items.append(line("• Alliance concern: ", Mention(c.therapist_id), f" · {c.client_code}: SRS {shown(c.srs)}"))
    for member in data.members:
        if member.review_on and member.review_on <= data.today + REVIEW_HORIZON:
            items.append(
                line("• Objective due for review: ", Mention(member.user_id), f" on {day_label(member.review_on)}")
            )
        if member.objective is None:
            items.append(line("• No objective yet: ", Mention(member.user_id)))
    if not items:
        items.append(line("Nothing pressing: a good week to share what worked."))
    return Section(tuple(items), "Agenda for the next meeting")


def _learning(data: DigestData, for_coach_only: bool) -> Section:
    notes = [note for note in data.learning if for_coach_only or note.shared]
    heading = "Learning notes (only you see these)" if for_coach_only else "Learning notes"
    return Section(
        tuple(
            line(
                "• ", Mention(note.therapist_id), f" ({note.client_code})" if note.client_code else "", ": ", note.note
            )
            for note in notes
        ),
        heading,
    )


UNDELIVERED_KINDS = {
    DeliveryKind.FOLLOW_UP: "a follow-up",
    DeliveryKind.CHECK_IN: "a check-in",
    DeliveryKind.REVIEW: "an objective review",
    DeliveryKind.DIGEST: "a digest",
}


def _not_delivered(data: DigestData) -> Section:
    lines = []
    for item in data.undelivered:
        to = (" to ", Mention(item.recipient_id)) if item.recipient_id else ()
        lines.append(line(f"⚠ Could not deliver {UNDELIVERED_KINDS[item.kind]}", *to, f" ({item.reason})"))
    return Section(tuple(lines), "Not delivered")


def _shorten(text: str) -> str:
    return text if len(text) <= OBJECTIVE_LINE_LIMIT else text[: OBJECTIVE_LINE_LIMIT - 1].rstrip() + "…"
