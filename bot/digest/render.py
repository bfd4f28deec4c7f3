"""The weekly digest's rendering half: the gathered data laid out as a platform-neutral message.

A small group's digest is one message, everything in it. A larger group's is a summary the coach
takes in within a minute (the counts, what needs attention with the first few names, the order of
business), and its detail for its thread: each therapist's week with their clients' counts, each
flagged client, what worked when that is a short list, and learning notes."""

from __future__ import annotations

from datetime import timedelta

from bot.digest.gather import ClientWeek, DigestData, MemberWeek, Undelivered
from bot.knowing import RECORDINGS_FOR_AN_OBJECTIVE, too_few
from bot.meetings import FEEDBACK_FIGURES_FROM, REQUESTS, summarise_feedback
from bot.messages import Bold, ChannelLink, Code, Command, Line, Mention, Message, Section, Span, day_label, line
from bot.model import ADVICE_OUTCOMES, DeliveryKind
from bot.outcomes import ALLIANCE_FLAGS, Flag, FlagKind, Movement, describe, describe_since_advice, shown

OBJECTIVE_LINE_LIMIT = 140
REVIEW_HORIZON = timedelta(days=7)
# A supervision group that meets round one table has up to about a dozen therapists; its whole
# digest reads at a glance and fits in one Slack message, so it stays one message.
SMALL_GROUP = 12
NAMES_SHOWN = 10  # of each exception in a larger group's summary; the rest are in the thread
ADVICE_TEXT_LIMIT = 40  # advice named on a client's line
# A large group's thread lists reliable improvements only when they are this few, a handful to
# share at the meeting; more are counted on each therapist's line, not read one by one.
WHAT_WORKED_LISTED = 12
# The client flags on the agenda, most urgent first.
URGENCY = (
    ("Reliable deteriorations", (FlagKind.DETERIORATION,)),
    ("Alliance concerns and drops", ALLIANCE_FLAGS),
    ("Not on track or on early watch", (FlagKind.NOT_ON_TRACK, FlagKind.EARLY_WATCH)),
)


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
        _movement(data, for_coach_only),
        agenda(data, for_coach_only),
    ]
    sections.append(_supervision_feedback(data, for_coach_only))
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
            line("• ", Mention(m.user_id), ": ", _shorten(m.objective), *_progress(m))
            if m.objective
            else line("• ", Mention(m.user_id), ": no objective yet")
            for m in data.members
        ),
        "Learning objectives",
    )


def _progress(member: MemberWeek) -> tuple[str, ...]:
    return (f" · progress {member.progress}",) if member.progress else ()


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


def _movement(data: DigestData, for_coach_only: bool) -> Section:
    if not _client_lines_shown(data, for_coach_only):
        return Section((line(_outcome_counts(data), ". ", *_kept_for_the_coach(data)),), "Outcome movement")
    return Section(tuple(_client_line(data, client) for client in data.clients), "Outcome movement")


def _client_line(data: DigestData, client: ClientWeek) -> Line:
    """One line per client: its change from intake, its SRS, its flags, and the advice about it
    with the change since each advice, named so."""
    judged = client.judged
    if judged.change is not None:
        change = f"from intake, {describe(judged.change)}"
    elif judged.intake is not None:
        change = f"ORS {shown(judged.intake.value)} at intake, no later ORS yet"
    else:
        change = "no ORS yet"
    spans: list[Span] = ["• ", Mention(client.therapist_id), f" · {client.code}: {change}", *_srs_and_flags(client)]
    for advice in client.advice:
        said = f" · advice “{_shorten(advice.text, ADVICE_TEXT_LIMIT)}” ({ADVICE_OUTCOMES[advice.status]})"
        if advice.baseline_ors is None or advice.latest_ors_since is None:
            spans.append(f"{said}, given {day_label(advice.given_on)}")
        else:
            since = describe_since_advice(
                advice.baseline_ors, advice.latest_ors_since, data.thresholds, advice.given_on
            )
            spans.append(f"{said}: {since}")
    return line(*spans)


def _srs_and_flags(client: ClientWeek) -> list[Span]:
    srs: list[Span] = [f" · SRS {shown(client.latest_srs)}"] if client.latest_srs is not None else []
    # A deterioration is said by the change itself.
    kinds = ", ".join(dict.fromkeys(f.kind.value for f in client.judged.flags if f.kind is not FlagKind.DETERIORATION))
    return srs + ([f" · ⚠️ {kinds}"] if kinds else [])


def _client_lines_shown(data: DigestData, for_coach_only: bool) -> bool:
    return data.outcomes_in_channel or for_coach_only


def _kept_for_the_coach(data: DigestData) -> Line:
    flags = len(_flagged(data, *(kind for _, kinds in URGENCY for kind in kinds)))
    return line(
        f"{_count(flags, 'client flag')} and each client's line are in the coach's ",
        Code("digest preview"),
        " (this group keeps client outcome lines to its coach).",
    )


def _outcome_counts(data: DigestData) -> str:
    moved = {kind: 0 for kind in Movement}
    for client in data.clients:
        if client.judged.change is not None:
            moved[client.judged.change.movement] += 1
    significant = sum(1 for c in data.clients if c.judged.change and c.judged.change.clinically_significant)
    alliance = sum(1 for c in data.clients if c.judged.has(*ALLIANCE_FLAGS))
    off_track = sum(1 for c in data.clients if c.judged.has(FlagKind.NOT_ON_TRACK, FlagKind.EARLY_WATCH))
    return (
        f"{_count(len(data.clients), 'client')} scored, judged from intake:"
        f" {_count(moved[Movement.RELIABLE_IMPROVEMENT], 'reliable improvement')}"
        f" ({significant} clinically significant)"
        f" · {_count(moved[Movement.RELIABLE_DETERIORATION], 'reliable deterioration')}"
        f" · {moved[Movement.NO_RELIABLE_CHANGE]} no reliable change"
        f" · {_count(alliance, 'alliance concern')} or drops · {off_track} not on track or on early watch"
    )


def _flagged(data: DigestData, *kinds: FlagKind) -> list[tuple[ClientWeek, Flag]]:
    """The flags of these kinds, client by client in the digest's order."""
    return [(client, flag) for client in data.clients for flag in client.judged.flags if flag.kind in kinds]


def agenda(data: DigestData, for_coach_only: bool) -> Section:
    """The order of business, most urgent first: client flags, open loops, objectives."""
    items: list[Line] = []
    if _client_lines_shown(data, for_coach_only):
        for _, kinds in URGENCY:
            items += [
                line(
                    f"• {flag.kind.value.capitalize()}: ", Mention(client.therapist_id), f" · {client.code}: {flag.why}"
                )
                for client, flag in _flagged(data, *kinds)
            ]
    elif any(_flagged(data, *kinds) for _, kinds in URGENCY):
        items.append(line("• ", *_kept_for_the_coach(data)))
    show_codes = _client_lines_shown(data, for_coach_only)
    items += _request_lines(data, show_codes)
    for loop in data.open_loops:
        client = f" ({loop.client_code})" if loop.client_code and show_codes else ""
        items.append(
            line("• Open loop: ", Mention(loop.therapist_id), ": ", _shorten(loop.advice), client, f", {loop.reason}")
        )
    for member in _reviews_due(data):
        items.append(
            line("• Objective due for review: ", Mention(member.user_id), f" on {day_label(member.review_on)}")
        )
    for member in data.members:
        if member.objective is None:
            items.append(line("• No objective yet: ", Mention(member.user_id)))
    if for_coach_only:
        items += [
            line(
                f"• Objective set with {_count(m.recordings_reviewed or 0, 'recording')} reviewed: ", Mention(m.user_id)
            )
            for m in _objectives_without_the_work_known(data)
        ]
    if not items:
        items.append(line("Nothing pressing: a good week to share what worked."))
    return Section(tuple(items), "Agenda for the next meeting")


def _request_lines(data: DigestData, show_codes: bool) -> list[Line]:
    """What the therapists asked of the meeting, each with their name and, for a case, its client code."""
    return [
        line(
            f"• {REQUESTS[request.kind]}: ",
            Mention(request.therapist_id),
            f" · {request.client_code}" if request.client_code and show_codes else "",
            ": ",
            request.text,
        )
        for request in data.requests
    ]


def _supervision_feedback(data: DigestData, for_coach_only: bool) -> Section:
    """How useful the meeting was, for the coach alone: the figures only from a few answers up,
    and without names unless the group chose them."""
    if not for_coach_only or not data.feedback:
        return Section(())
    summary = summarise_feedback(data.feedback, data.feedback_named)
    if summary.answers is None:
        lines = [line(f"Fewer than {FEEDBACK_FIGURES_FROM} answers, so only the suggestions are shown.")]
    else:
        lines = [
            line(
                f"{_count(summary.answers, 'answer')} · median {summary.median:g} of 10"
                f" · range {summary.lowest}–{summary.highest}"
            )
        ]
    for author, suggestion in summary.suggestions:
        lines.append(line("• ", *((Mention(author), ": ") if author else ()), suggestion))
    return Section(tuple(lines), "Feedback on the supervision (only you see this)")


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
        f"'s next supervision meeting: {len(data.members)} therapists. Each one's week and every"
        " client flag are in the thread.",
    )
    summary = (
        Section((intro,), heading),
        _at_a_glance(data),
        _needs_attention(data, for_coach_only),
        _order_of_business(data),
        _supervision_feedback(data, for_coach_only),
    )
    shown = _client_lines_shown(data, for_coach_only)
    requests = Section(tuple(_request_lines(data, shown)), "Requests for the meeting")
    detail = (
        requests,
        _each_therapist(data, shown),
        *(_outcomes(data) if shown else []),
        _learning(data, for_coach_only),
    )
    if len(data.undelivered) > NAMES_SHOWN:
        detail += (_not_delivered(data),)
    return Message(
        summary=heading, sections=tuple(s for s in summary if s.lines), detail=tuple(s for s in detail if s.lines)
    )


def _at_a_glance(data: DigestData) -> Section:
    checked_in = sum(1 for m in data.members if m.checked_in)
    away = sum(1 for m in data.members if m.away_until and not m.checked_in)
    minutes = sum(m.minutes for m in data.members)
    return Section(
        (
            line(Bold("Participation: "), f"{checked_in} of {len(data.members) - away} checked in · {away} away"),
            line(Bold("Practice: "), f"{minutes:,} min in all"),
            line(Bold("Follow-ups: "), _follow_up_counts(data)),
            line(Bold("Outcomes: "), _outcome_counts(data)),
        ),
        "At a glance",
    )


def _needs_attention(data: DigestData, for_coach_only: bool) -> Section:
    """Each kind of exception with its count and the first few names, in the agenda's order."""
    show_codes = _client_lines_shown(data, for_coach_only)
    flags = [
        _capped(
            label, [(Mention(client.therapist_id), f" · {client.code}") for client in _clients_flagged(data, kinds)]
        )
        for label, kinds in URGENCY
    ]
    if not show_codes:
        flags = [_kept_for_the_coach(data)] if any(flags) else []
    exceptions = [
        _capped("⚠ Not delivered", [_undelivered_item(item) for item in data.undelivered]),
        *flags,
        _capped(
            "Open loops",
            [
                (Mention(o.therapist_id), f" · {o.client_code}" if o.client_code and show_codes else "")
                for o in data.open_loops
            ],
        ),
        _capped("Objectives due for review", [(Mention(m.user_id),) for m in _reviews_due(data)]),
        _capped("No objective yet", [(Mention(m.user_id),) for m in data.members if m.objective is None]),
        _capped(
            f"Objective set with fewer than {RECORDINGS_FOR_AN_OBJECTIVE} recordings reviewed",
            [(Mention(m.user_id), f" ({m.recordings_reviewed})") for m in _objectives_without_the_work_known(data)]
            if for_coach_only
            else [],
        ),
        _capped("Not checked in", [(Mention(m.user_id),) for m in data.members if _missing(m)]),
    ]
    shown = tuple(exception for exception in exceptions if exception)
    return Section(shown or (line("Nothing this week."),), "Needs attention")


def _clients_flagged(data: DigestData, kinds: tuple[FlagKind, ...]) -> list[ClientWeek]:
    return [client for client in data.clients if client.judged.has(*kinds)]


def _order_of_business(data: DigestData) -> Section:
    """What to take up, in the order to take it up: the exceptions, then what worked."""
    improved = [
        c.judged.change
        for c in data.clients
        if c.judged.change and c.judged.change.movement is Movement.RELIABLE_IMPROVEMENT
    ]
    significant = sum(1 for change in improved if change.clinically_significant)
    topics = [(label, len(_clients_flagged(data, kinds)), "client") for label, kinds in URGENCY]
    topics += [
        ("Requests for the meeting, in the thread", len(data.requests), "request"),
        ("Open loops", len(data.open_loops), "piece of advice"),
        ("Objectives due for review", len(_reviews_due(data)), "therapist"),
        ("No objective yet", sum(1 for m in data.members if m.objective is None), "therapist"),
    ]
    items = [line(f"• {topic}: {_count(number, noun)}") for topic, number, noun in topics if number]
    if not items:
        items.append(line("Nothing pressing: a good week to share what worked."))
    if improved:
        worked = f"{_count(len(improved), 'reliable improvement')}, {significant} clinically significant"
        items.append(line(f"• What worked: {worked}"))
    return Section(tuple(items), "Agenda for the next meeting")


def _each_therapist(data: DigestData, with_clients: bool) -> Section:
    loops: dict[str, int] = {}
    for loop in data.open_loops:
        loops[loop.therapist_id] = loops.get(loop.therapist_id, 0) + 1
    clients: dict[str, list[ClientWeek]] = {}
    for client in data.clients:
        clients.setdefault(client.therapist_id, []).append(client)
    return Section(
        tuple(
            _therapist_line(m, loops.get(m.user_id, 0), clients.get(m.user_id, []) if with_clients else [])
            for m in data.members
        ),
        THERAPISTS_WITH_CLIENTS if with_clients else THERAPISTS,
    )


THERAPISTS = "Each therapist's week"
THERAPISTS_WITH_CLIENTS = f"{THERAPISTS} (clients improved / unchanged / flagged)"


def _therapist_line(member: MemberWeek, open_loops: int, clients: list[ClientWeek]) -> Line:
    """A therapist's week and how many of their clients improved, are unchanged, are flagged, as
    the heading says; short, so that 300 of them fit in a couple of messages."""
    if member.checked_in:
        week = "checked in"
    elif member.away_until:
        week = f"away until {day_label(member.away_until)}"
    else:
        week = "not checked in"
    spans: list[Span] = ["• ", Mention(member.user_id), f": {week} · {member.minutes} min"]
    if member.objective is None:
        spans.append(" · no objective yet")
    spans.extend(_progress(member))
    if open_loops:
        spans.append(f" · {_count(open_loops, 'open loop')}")
    if clients:
        kinds = [_kind_of(client) for client in clients]
        improved = sum(1 for kind in kinds if kind in IMPROVEMENTS)
        flagged = sum(1 for kind in kinds if kind in FLAGGED)
        spans.append(f" · {improved} / {len(kinds) - improved - flagged} / {flagged}")
    return line(*spans)


FLAGGED = tuple(label for label, _ in URGENCY)
ALLIANCE = FLAGGED[1]
IMPROVEMENTS = ("Reliable improvements, clinically significant", "Other reliable improvements")


def _outcomes(data: DigestData) -> list[Section]:
    """Each flagged client under its most urgent kind, and each reliable improvement when they
    are few, a line per therapist; the others are counted on their therapist's line."""
    kinds: dict[str, dict[str, list[ClientWeek]]] = {label: {} for label in FLAGGED + IMPROVEMENTS}
    for client in data.clients:
        kind = _kind_of(client)
        if kind in kinds:
            kinds[kind].setdefault(client.therapist_id, []).append(client)
    if sum(len(clients) for kind in IMPROVEMENTS for clients in kinds[kind].values()) > WHAT_WORKED_LISTED:
        for kind in IMPROVEMENTS:
            del kinds[kind]
    return [
        Section(
            tuple(_clients_line(therapist, clients, kind) for therapist, clients in by_therapist.items()),
            f"{kind} (ORS from intake): {sum(len(clients) for clients in by_therapist.values())}",
        )
        for kind, by_therapist in kinds.items()
    ]


def _clients_line(therapist: str, clients: list[ClientWeek], kind: str) -> Line:
    spans: list[Span] = ["• ", Mention(therapist), ": "]
    for index, client in enumerate(clients):
        spans += ["; "] if index else []
        spans += _dense_client(client, kind)
    return line(*spans)


def _dense_client(client: ClientWeek, kind: str) -> list[Span]:
    """A client under the heading of its kind in a large group's thread: what that kind is
    judged by (its ORS from intake, or for the alliance its SRS), and its flags of other kinds."""
    change = client.judged.change
    if kind == ALLIANCE:
        scores = f"SRS {shown(client.latest_srs)}" if client.latest_srs is not None else "no SRS"
    elif change is not None:
        scores = f"{shown(change.baseline)} → {shown(change.latest)}"
    else:
        scores = "no ORS after intake yet"
    headed = dict(URGENCY).get(kind, ())
    others = dict.fromkeys(flag.kind.value for flag in client.judged.flags if flag.kind not in headed)
    return [f"{client.code} {scores}", f" ⚠️ {', '.join(others)}" if others else ""]


def _kind_of(client: ClientWeek) -> str:
    for label, flags in URGENCY:
        if client.judged.has(*flags):
            return label
    change = client.judged.change
    if change is None:
        return "No ORS after intake yet"
    if change.clinically_significant:
        return IMPROVEMENTS[0]
    if change.movement is Movement.RELIABLE_IMPROVEMENT:
        return IMPROVEMENTS[1]
    return "No reliable change"


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


def _objectives_without_the_work_known(data: DigestData) -> list[MemberWeek]:
    """Members whose objective was set before the coach had reviewed enough of their recordings."""
    return [m for m in data.members if m.objective is not None and too_few(m.recordings_reviewed)]


def _reviews_due(data: DigestData) -> list[MemberWeek]:
    return [m for m in data.members if _review_due(data, m)]


def _review_due(data: DigestData, member: MemberWeek) -> bool:
    return member.review_on is not None and member.review_on <= data.today + REVIEW_HORIZON


def _missing(member: MemberWeek) -> bool:
    return not member.checked_in and not member.away_until


PLURALS = {"piece of advice": "pieces of advice"}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun if number == 1 else PLURALS.get(noun, noun + 's')}"
