"""A therapist's clients: each one's record and trajectory from intake, the client and
caseload views, and recording a score with the flags it raises."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import select

from bot.availability import zone_of
from bot.charts import trajectory_chart
from bot.grammar import CloseClient, RecordOutcome, ReopenClient, SetClientBand, ShowCaseload, ShowClient, refuse
from bot.messages import Bold, Code, Command, Image, Line, Mention, Message, Section, day_label, line
from bot.model import ADVICE_OUTCOMES, Advice, Client, Group, Score, ScoreKind
from bot.outcomes import (
    ALLIANCE_FLAGS,
    MIN_CLIENTS_FOR_A_MEAN,
    Classification,
    Flag,
    FlagKind,
    Movement,
    Rating,
    classify_client,
    describe,
    describe_since_advice,
    points,
    shown,
    signed,
    trajectory_line,
)
from bot.services.caller import Context, Result
from bot.services.membership import my_group, require_member


@dataclass
class Trajectory:
    """A client's scores in the order recorded, each dated in the therapist's zone."""

    ors: list[Rating]
    srs: list[Rating]


def find_client(ctx: Context, group: Group, therapist: str, code: str) -> Client | None:
    return ctx.session.exec(
        select(Client).where(Client.group_id == group.id, Client.therapist_id == therapist, Client.code == code)
    ).first()


def client_record(ctx: Context, group: Group, therapist: str, code: str) -> Client:
    """The client's record, made the first time the code is used (a score, advice, a band)."""
    client = find_client(ctx, group, therapist, code)
    if client is None:
        client = Client(group_id=group.id, therapist_id=therapist, code=code, created_at=ctx.now)
        ctx.session.add(client)
        ctx.session.flush()
    return client


def open_client(ctx: Context, group: Group, therapist: str, code: str, usage_of: str) -> Client:
    """The client's record, refused if its treatment was closed: reopen it first."""
    client = client_record(ctx, group, therapist, code)
    if client.closed_at is not None:
        raise refuse(
            line(
                f"{code} is closed (treatment ended {day_label(client.closed_at)}), so nothing was recorded."
                " If treatment has started again, run ",
                Command(f"client {code} reopen"),
                " first.",
            ),
            usage_of,
        )
    return client


def record_score(
    ctx: Context,
    client: Client,
    kind: ScoreKind,
    value: Decimal,
    session: int | None = None,
    intake: bool = False,
) -> None:
    ctx.session.add(
        Score(
            group_id=client.group_id,
            user_id=client.therapist_id,
            client_code=client.code,
            kind=kind,
            value=value,
            session=session,
            intake=intake,
            recorded_at=ctx.now,
        )
    )
    ctx.session.flush()


def trajectories(ctx: Context, group: Group, therapist: str, codes: Iterable[str]) -> dict[str, Trajectory]:
    """The trajectories of these clients of one therapist, in one query."""
    wanted = list(codes)
    where = zone_of(ctx.session, group, therapist)
    found = {code: Trajectory([], []) for code in wanted}
    scores = ctx.session.exec(
        select(Score)
        .where(Score.group_id == group.id, Score.user_id == therapist, Score.client_code.in_(wanted))
        .order_by(Score.recorded_at, Score.id)
    )
    for score in scores:
        local_day = score.recorded_at.astimezone(where).date()
        rating = Rating(points(score.value), local_day, score.session, score.intake, score.recorded_at)
        kept = found[score.client_code]
        (kept.ors if score.kind is ScoreKind.ORS else kept.srs).append(rating)
    return found


def classify(group: Group, client: Client, trajectory: Trajectory) -> Classification:
    return classify_client(trajectory.ors, trajectory.srs, client.band, group.thresholds)


def chart_of(client: Client, group: Group, trajectory: Trajectory) -> tuple[Image, ...]:
    """The client's trajectory drawn, once there is a score to draw."""
    if not trajectory.ors and not trajectory.srs:
        return ()
    return (trajectory_chart(client.code, trajectory.ors, trajectory.srs, client.band, group.thresholds),)


# --- recording a score ----------------------------------------------------------------


def record_outcome(ctx: Context, command: RecordOutcome) -> Result:
    group = my_group(ctx, "outcome")
    require_member(ctx, group, "outcome")
    me = ctx.caller.user_id
    client = open_client(ctx, group, me, command.client_code, "outcome")
    kind = ScoreKind(command.kind)
    record_score(ctx, client, kind, command.value, command.session, command.intake)
    notes = [f"session {command.session}"] if command.session else []
    notes += ["intake"] if command.intake else []
    about = f" ({', '.join(notes)})" if notes else ""
    lines: list[Line | str] = [f"Recorded {kind.value.upper()} {shown(command.value)} for {client.code}{about}."]
    if kind is ScoreKind.ORS:
        advice = _latest_advice_with_baseline(ctx, group, client)
        if advice is not None and advice.baseline_ors is not None:
            given = advice.created_at.astimezone(zone_of(ctx.session, group, me)).date()
            lines.append(describe_since_advice(advice.baseline_ors, command.value, group.thresholds, given) + ".")
    trajectory = trajectories(ctx, group, me, [client.code])[client.code]
    raised = [flag for flag in classify(group, client, trajectory).flags if _measured_by(flag.kind) is kind]
    if raised:
        lines += [line("⚠️ ", flag.why) for flag in raised]
        lines.append(line(Bold("Trajectory: "), trajectory_line(trajectory.ors, trajectory.srs)))
        lines.append(line("See it all with ", Command(f"client {client.code}"), "."))
    return Result(reply=Message.text(*lines))


def flags_raised(ctx: Context, group: Group, client: Client, kinds: list[ScoreKind]) -> list[Flag]:
    """The client's flags that scores of these kinds, just recorded, judge."""
    trajectory = trajectories(ctx, group, client.therapist_id, [client.code])[client.code]
    return [flag for flag in classify(group, client, trajectory).flags if _measured_by(flag.kind) in kinds]


def _measured_by(kind: FlagKind) -> ScoreKind:
    return ScoreKind.SRS if kind in ALLIANCE_FLAGS else ScoreKind.ORS


def _latest_advice_with_baseline(ctx: Context, group: Group, client: Client) -> Advice | None:
    return ctx.session.exec(
        select(Advice)
        .where(
            Advice.group_id == group.id,
            Advice.therapist_id == client.therapist_id,
            Advice.client_code == client.code,
            Advice.baseline_ors.is_not(None),
        )
        .order_by(Advice.created_at.desc(), Advice.id.desc())
    ).first()


# --- changing a client's record -------------------------------------------------------


def set_band(ctx: Context, command: SetClientBand) -> Result:
    group = my_group(ctx, "client")
    require_member(ctx, group, "client")
    client = client_record(ctx, group, ctx.caller.user_id, command.client_code)
    client.band = command.band
    ctx.session.add(client)
    cutoff = group.thresholds.cutoff(command.band)
    return Result(reply=Message.text(f"{client.code} is now in the {command.band} band: clinical cutoff {cutoff}."))


def close_client(ctx: Context, command: CloseClient) -> Result:
    client = _existing_own_client(ctx, command.client_code)
    if client.closed_at is not None:
        return Result(reply=Message.text(f"{client.code} is already closed; its record is kept."))
    client.closed_at = ctx.now
    ctx.session.add(client)
    return Result(
        reply=Message.text(
            f"Closed {client.code}: treatment ended. It leaves your active caseload; its record is kept.",
            line("If treatment starts again, run ", Command(f"client {client.code} reopen"), "."),
        )
    )


def reopen_client(ctx: Context, command: ReopenClient) -> Result:
    client = _existing_own_client(ctx, command.client_code)
    if client.closed_at is None:
        return Result(reply=Message.text(f"{client.code} is already open, in your active caseload."))
    client.closed_at = None
    ctx.session.add(client)
    return Result(reply=Message.text(f"Reopened {client.code}: it is back in your active caseload."))


def _existing_own_client(ctx: Context, code: str) -> Client:
    group = my_group(ctx, "client")
    require_member(ctx, group, "client")
    client = find_client(ctx, group, ctx.caller.user_id, code)
    if client is None:
        raise refuse(_no_such_client(code, None), "client")
    return client


def _no_such_client(code: str, therapist: str | None) -> Line:
    whose: Line = line(Mention(therapist), " has") if therapist else line("You have")
    return line(
        *whose,
        f" no client {code} in this group. A client's record starts with its first score: ",
        Code(f"outcome {code} ors 18"),
        ".",
    )


# --- the views ------------------------------------------------------------------------


def _whose(ctx: Context, group: Group, therapist: str | None, usage_of: str) -> str:
    """Whose clients the caller may see: their own, or, for the coach, a member's."""
    me = ctx.caller.user_id
    if therapist is None or therapist == me:
        require_member(ctx, group, usage_of)
        return me
    if group.coach_id != me:
        raise refuse(
            line("Only this group's coach (", Mention(group.coach_id), ") can see another therapist's clients."),
            usage_of,
        )
    return therapist


def show_client(ctx: Context, command: ShowClient) -> Result:
    group = my_group(ctx, "client")
    therapist = _whose(ctx, group, command.therapist_id, "client")
    client = find_client(ctx, group, therapist, command.client_code)
    if client is None:
        raise refuse(_no_such_client(command.client_code, command.therapist_id), "client")
    return Result(reply=client_view(ctx, group, client))


def client_view(ctx: Context, group: Group, client: Client) -> Message:
    """A client's record, scores from intake, classification and the advice about them."""
    therapist = client.therapist_id
    trajectory = trajectories(ctx, group, therapist, [client.code])[client.code]
    classified = classify(group, client, trajectory)
    advice = ctx.session.exec(
        select(Advice)
        .where(Advice.group_id == group.id, Advice.therapist_id == therapist, Advice.client_code == client.code)
        .order_by(Advice.created_at, Advice.id)
    ).all()
    where = zone_of(ctx.session, group, therapist)
    sections = (
        Section(_record_lines(group, client, therapist != ctx.caller.user_id), heading=f"Client {client.code}"),
        Section(_trajectory_lines(trajectory), heading="Scores"),
        Section(_classification_lines(classified), heading="From intake"),
        Section(
            tuple(_advice_line(group, a, trajectory, a.created_at.astimezone(where).date()) for a in advice)
            or (line("none yet"),),
            heading="Advice about this client",
        ),
    )
    return Message(summary=f"Client {client.code}", sections=sections, images=chart_of(client, group, trajectory))


def _record_lines(group: Group, client: Client, of_someone_else: bool) -> tuple[Line, ...]:
    lines = [line(Bold("Therapist: "), Mention(client.therapist_id))] if of_someone_else else []
    lines.append(line(Bold("Age band: "), f"{client.band} (clinical cutoff {group.thresholds.cutoff(client.band)})"))
    state = f"closed (treatment ended {day_label(client.closed_at)})" if client.closed_at else "active"
    lines.append(line(Bold("Treatment: "), state))
    return tuple(lines)


def _trajectory_lines(trajectory: Trajectory) -> tuple[Line, ...]:
    if not trajectory.ors and not trajectory.srs:
        return (line("no scores yet"),)
    return (line(trajectory_line(trajectory.ors, trajectory.srs)),)


def _classification_lines(classified: Classification) -> tuple[Line, ...]:
    if classified.intake is None:
        lines = [line("No ORS yet, so no intake.")]
    elif classified.change is None:
        lines = [line(f"Intake ORS {shown(classified.intake.value)}; no later ORS yet.")]
    else:
        lines = [line(describe(classified.change), f" (intake {day_label(classified.intake.on)})")]
    lines += [line("⚠️ ", flag.why) for flag in classified.flags] or [line("No flags.")]
    return tuple(lines)


def _advice_line(group: Group, advice: Advice, trajectory: Trajectory, given_on: date) -> Line:
    spans: list = [f"• {day_label(given_on)}, from ", Mention(advice.given_by), ": ", advice.text]
    spans.append(f" — {ADVICE_OUTCOMES[advice.status]}")
    after = [rating for rating in trajectory.ors if rating.at and rating.at > advice.created_at]
    if advice.baseline_ors is not None and after:
        spans.append("; " + describe_since_advice(advice.baseline_ors, after[-1].value, group.thresholds, given_on))
    if advice.learning:
        spans += ["; learned: ", advice.learning]
    return tuple(spans)


def show_caseload(ctx: Context, command: ShowCaseload) -> Result:
    group = my_group(ctx, "caseload")
    therapist = _whose(ctx, group, command.therapist_id, "caseload")
    clients = ctx.session.exec(
        select(Client).where(Client.group_id == group.id, Client.therapist_id == therapist).order_by(Client.code)
    ).all()
    active = [client for client in clients if client.closed_at is None]
    found = trajectories(ctx, group, therapist, [client.code for client in active])
    classified = {client.code: classify(group, client, found[client.code]) for client in active}
    heading = "Your caseload" if therapist == ctx.caller.user_id else "Caseload"
    lines: list[Line] = [] if therapist == ctx.caller.user_id else [line(Bold("Therapist: "), Mention(therapist))]
    lines.append(line(Bold("Active clients: "), f"{len(active)} (closed: {len(clients) - len(active)})"))
    lines += _counts(list(classified.values()))
    lines += [client_summary(code, c) for code, c in classified.items()]
    return Result(reply=Message.text(*lines, heading=heading))


def _counts(classified: list[Classification]) -> list[Line]:
    moved: dict[Movement | None, int] = defaultdict(int)
    for c in classified:
        moved[c.change.movement if c.change else None] += 1
    changes = [c.change.delta for c in classified if c.change]
    flagged = {kind: sum(1 for c in classified if c.has(kind)) for kind in FlagKind}
    lines = [
        line(
            Bold("From intake: "),
            f"{moved[Movement.RELIABLE_IMPROVEMENT]} reliably improved, {moved[Movement.NO_RELIABLE_CHANGE]} unchanged,"
            f" {moved[Movement.RELIABLE_DETERIORATION]} deteriorated, {moved[None]} with no ORS after intake yet",
        ),
        line(
            Bold("Flags: "),
            f"{flagged[FlagKind.NOT_ON_TRACK]} not on track, {flagged[FlagKind.EARLY_WATCH]} on early watch,"
            f" {sum(1 for c in classified if c.has(*ALLIANCE_FLAGS))} with alliance concerns or drops",
        ),
    ]
    if len(changes) >= MIN_CLIENTS_FOR_A_MEAN:
        mean = signed(points(sum(changes) / len(changes)))
        over = f"{mean} ORS points, unadjusted, over {len(changes)} clients"
        lines.append(line(Bold("Mean change from intake: "), over))
    else:
        lines.append(
            line(
                Bold("Mean change from intake: "),
                f"not shown below {MIN_CLIENTS_FOR_A_MEAN} clients with an ORS after intake ({len(changes)} so far)",
            )
        )
    return lines


def client_summary(code: str, classified: Classification) -> Line:
    if classified.change is None:
        change = "intake only" if classified.intake else "no ORS yet"
    else:
        found = classified.change
        change = f"ORS {shown(found.baseline)} → {shown(found.latest)} ({signed(found.delta)}), {found.movement}"
    kinds = ", ".join(dict.fromkeys(flag.kind.value for flag in classified.flags))
    return line(f"• {code}: {change}" + (f" · ⚠️ {kinds}" if kinds else ""))
