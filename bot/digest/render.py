"""The weekly digest's rendering half: the gathered data laid out as a platform-neutral message.

A small group's digest is one message, everything in it. A larger group's is a summary the coach
takes in within a minute (the counts, what needs attention with the first few names, the order of
business), and its detail (each therapist's week, every outcome, learning notes) for its thread."""

from __future__ import annotations

from datetime import timedelta

from bot.digest.gather import ClientMovement, DigestData, MemberWeek, Undelivered
from bot.messages import Bold, ChannelLink, Command, Line, Mention, Message, Section, Span, day_label, line
from bot.model import DeliveryKind
from bot.outcomes import Movement, describe, shown

OBJECTIVE_LINE_LIMIT = 140
DETAIL_OBJECTIVE_LIMIT = 80  # each therapist's line in a large group's thread stays one line
REVIEW_HORIZON = timedelta(days=7)
# A supervision group that meets round one table has up to about a dozen therapists; its whole
# digest reads at a glance and fits in one Slack message, so it stays one message.
SMALL_GROUP = 12
NAMES_SHOWN = 10  # of each exception in a larger group's summary; the rest are in the thread


def render(data: DigestData, for_coach_only: bool = False) -> Message:
    """The digest; learning notes are added only where the coach alone will read it."""
    heading = f"Practice digest, {day_label(data.period_start)} – {day_label(data.period_end)}"
    if len(data.members) > SMALL_GROUP:
        return _summary_and_detail(data, heading, for_coach_only)
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
    intro = Section((line("For ", ChannelLink(data.channel_id), "'s next supervision meeting."),), heading=heading)
    return Message(summary=heading, sections=(intro, *[s for s in sections if s.lines]))


def _participation(data: DigestData) -> Section:
    if not data.members:
        return Section((line("No therapists have joined yet: they join with ", Command("join"), "."),), "Participation")
    done = [m for m in data.members if m.checked_in]
    away = [m for m in data.members if m.away_until and not m.checked_in]
    missing = [m for m in data.members if _missing(m)]
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
    return Section((line(_follow_up_counts(data)),), "Follow-ups")


def _follow_up_counts(data: DigestData) -> str:
    return (
        f"Applied: {data.applied} · Partly: {data.partly} · Open loops: {len(data.open_loops)}"
        f" · Awaiting an answer: {data.awaiting} · Not due yet: {data.not_due}"
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
        if _review_due(data, member):
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
    return Section(
        tuple(line("⚠ Could not deliver ", *_undelivered_item(item)) for item in data.undelivered), "Not delivered"
    )


def _shorten(text: str, limit: int = OBJECTIVE_LINE_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- a larger group's digest: a summary, and its detail for the thread ---------------------------


def _summary_and_detail(data: DigestData, heading: str, for_coach_only: bool) -> Message:
    intro = line(
        "For ",
        ChannelLink(data.channel_id),
        f"'s next supervision meeting: {len(data.members)} therapists. Each one's week and every outcome"
        " are in the thread.",
    )
    summary = (Section((intro,), heading), _at_a_glance(data), _needs_attention(data), _order_of_business(data))
    detail = (_each_therapist(data), *_outcomes(data), _learning(data, for_coach_only))
    if len(data.undelivered) > NAMES_SHOWN:
        detail += (_not_delivered(data),)
    return Message(summary=heading, sections=summary, detail=tuple(s for s in detail if s.lines))


def _at_a_glance(data: DigestData) -> Section:
    checked_in = sum(1 for m in data.members if m.checked_in)
    away = sum(1 for m in data.members if m.away_until and not m.checked_in)
    minutes = sum(m.minutes for m in data.members)
    by_movement = {kind: 0 for kind in Movement}
    for movement in data.movements:
        by_movement[movement.change.movement] += 1
    significant = sum(1 for m in data.movements if m.change.clinically_significant)
    outcomes = (
        f"{_count(by_movement[Movement.RELIABLE_IMPROVEMENT], 'reliable improvement')}"
        f" ({significant} clinically significant)"
        f" · {_count(by_movement[Movement.RELIABLE_DETERIORATION], 'reliable deterioration')}"
        f" · {by_movement[Movement.NO_RELIABLE_CHANGE]} no reliable change"
        f" · {_count(len(data.alliance_concerns), 'alliance concern')}"
    )
    return Section(
        (
            line(Bold("Participation: "), f"{checked_in} of {len(data.members) - away} checked in · {away} away"),
            line(Bold("Practice: "), f"{minutes:,} min in all"),
            line(Bold("Follow-ups: "), _follow_up_counts(data)),
            line(Bold("Outcomes: "), outcomes),
        ),
        "At a glance",
    )


def _needs_attention(data: DigestData) -> Section:
    """Each kind of exception with its count and the first few names, the most urgent first."""
    exceptions = [
        _capped("⚠ Not delivered", [_undelivered_item(item) for item in data.undelivered]),
        _capped("Reliable deteriorations", [(Mention(m.therapist_id), f" · {m.client_code}") for m in _worse(data)]),
        _capped(
            "Alliance concerns", [(Mention(c.therapist_id), f" · {c.client_code}") for c in data.alliance_concerns]
        ),
        _capped(
            "Open loops",
            [(Mention(o.therapist_id), f" · {o.client_code}" if o.client_code else "") for o in data.open_loops],
        ),
        _capped("Objectives due for review", [(Mention(m.user_id),) for m in _reviews_due(data)]),
        _capped("No objective yet", [(Mention(m.user_id),) for m in data.members if m.objective is None]),
        _capped("Not checked in", [(Mention(m.user_id),) for m in data.members if _missing(m)]),
    ]
    shown = tuple(exception for exception in exceptions if exception)
    return Section(shown or (line("Nothing this week."),), "Needs attention")


def _order_of_business(data: DigestData) -> Section:
    """What to take up, in the order to take it up: the exceptions, then what worked."""
    improvements = [m for m in data.movements if m.change.movement is Movement.RELIABLE_IMPROVEMENT]
    significant = sum(1 for m in improvements if m.change.clinically_significant)
    topics = [
        ("Reliable deteriorations", len(_worse(data)), "client"),
        ("Alliance concerns", len(data.alliance_concerns), "client"),
        ("Open loops", len(data.open_loops), "piece of advice"),
        ("Objectives due for review", len(_reviews_due(data)), "therapist"),
        ("No objective yet", sum(1 for m in data.members if m.objective is None), "therapist"),
    ]
    items = [line(f"• {topic}: {_count(number, noun)}") for topic, number, noun in topics if number]
    if not items:
        items.append(line("Nothing pressing: a good week to share what worked."))
    if improvements:
        worked = f"{_count(len(improvements), 'reliable improvement')}, {significant} clinically significant"
        items.append(line(f"• What worked: {worked}"))
    return Section(tuple(items), "Agenda for the next meeting")


def _each_therapist(data: DigestData) -> Section:
    loops: dict[str, int] = {}
    for loop in data.open_loops:
        loops[loop.therapist_id] = loops.get(loop.therapist_id, 0) + 1
    return Section(tuple(_therapist_line(m, loops.get(m.user_id, 0)) for m in data.members), "Each therapist's week")


def _therapist_line(member: MemberWeek, open_loops: int) -> Line:
    if member.checked_in:
        week = "checked in"
    elif member.away_until:
        week = f"away until {day_label(member.away_until)}"
    else:
        week = "not checked in"
    spans: list[Span] = ["• ", Mention(member.user_id), f": {week} · {member.minutes} min · "]
    if member.objective is None:
        spans.append("no objective yet")
    else:
        spans.append(_shorten(member.objective, DETAIL_OBJECTIVE_LIMIT))
        spans.append(f" (review {day_label(member.review_on)})" if member.review_on else "")
    if open_loops:
        spans.append(f" · {_count(open_loops, 'open loop')}")
    return line(*spans)


def _outcomes(data: DigestData) -> list[Section]:
    """Every outcome of the period, a section for each kind, the most urgent first."""
    kinds: dict[str, list[Line]] = {
        "Reliable deteriorations (ORS)": [],
        f"Alliance concerns (SRS below {data.thresholds.srs_alliance_concern})": [],
        "Reliable improvements, clinically significant (ORS)": [],
        "Other reliable improvements (ORS)": [],
        "No reliable change (ORS)": [],
    }
    deteriorations, concerns, significant, improvements, unchanged = kinds.values()
    for m in data.movements:
        scores = f"{shown(m.change.baseline)} → {shown(m.change.latest)}"
        item = line("• ", Mention(m.therapist_id), f" · {m.client_code}: {scores}")
        if m.change.movement is Movement.RELIABLE_DETERIORATION:
            deteriorations.append(item)
        elif m.change.clinically_significant:
            significant.append(item)
        elif m.change.movement is Movement.RELIABLE_IMPROVEMENT:
            improvements.append(item)
        else:
            unchanged.append(item)
    concerns += [
        line("• ", Mention(c.therapist_id), f" · {c.client_code}: SRS {c.srs}") for c in data.alliance_concerns
    ]
    return [Section(tuple(items), f"{kind}: {len(items)}") for kind, items in kinds.items()]


def _capped(label: str, entries: list[Line]) -> Line | None:
    """`label (count): ` and the first NAMES_SHOWN entries; None when there are none."""
    if not entries:
        return None
    spans: list[Span] = [Bold(f"{label} ({len(entries)}): ")]
    for index, entry in enumerate(entries[:NAMES_SHOWN]):
        spans.extend([", ", *entry] if index else entry)
    if len(entries) > NAMES_SHOWN:
        spans.append(f" and {len(entries) - NAMES_SHOWN} more, in the thread")
    return line(*spans)


def _undelivered_item(item: Undelivered) -> Line:
    to = (" to ", Mention(item.recipient_id)) if item.recipient_id else ()
    return line(UNDELIVERED_KINDS[item.kind], *to, f" ({item.reason})")


def _worse(data: DigestData) -> list[ClientMovement]:
    return [m for m in data.movements if m.change.movement is Movement.RELIABLE_DETERIORATION]


def _reviews_due(data: DigestData) -> list[MemberWeek]:
    return [m for m in data.members if _review_due(data, m)]


def _review_due(data: DigestData, member: MemberWeek) -> bool:
    return member.review_on is not None and member.review_on <= data.today + REVIEW_HORIZON


def _missing(member: MemberWeek) -> bool:
    return not member.checked_in and not member.away_until


PLURALS = {"piece of advice": "pieces of advice"}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun if number == 1 else PLURALS.get(noun, noun + 's')}"
