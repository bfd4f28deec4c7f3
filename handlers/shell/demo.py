"""`--demo`: a sample group with a month of history, played through the shell itself, so
every record comes from the same commands, buttons and forms a user would use.

The demo's clock starts on the latest Wednesday, 12:00 UTC: this week's Monday check-ins
are out in every zone, and Friday's digest is still to come. The group meets on Mondays, set
now, so each therapist is asked on Thursday what they want from Monday's meeting, and after
it how useful it was."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.scheduling.simulation import advance
from handlers.shell.repl import Shell

WEDNESDAY = 2
OBJECTIVES = {  # set on these days of the month, so their reviews (in 4 weeks) are spread ahead
    "alice": (5, "Invite feedback on the alliance at the end of every session"),
    "ravi": (11, "Hold a ten-second silence before responding to strong affect"),
    "mia": (17, "Name ruptures out loud when a client withdraws"),
}
ADVICE = {
    "alice": "Ask what was least helpful today, and thank them for it client A12 ors 19 in 14d",
    "ravi": "Summarise the client's goal in their own words each session client R7 ors 24 in 14d",
    "mia": "Slow down and check in when the client goes quiet client M3 ors 30 in 14d",
}
CHECKED_IN_THIS_WEEK = ("alice", "ravi")
MEETING = "mon 10:00"  # the working day before is Friday, the digest's day
PRACTICE = {  # what each logs, in turn, so that status shows practice of several kinds
    "alice": (
        "reviewed a session recording for alliance markers",
        "read a paper on rupture repair",
        "reviewed my learning notes",
    ),
    "ravi": ("rehearsed responses to strong affect with a colleague", "reviewed a session recording"),
    "mia": ("role-played a withdrawal rupture", "peer consultation on ending well", "read about alliance feedback"),
}
FOLLOW_UPS = {  # who answers how: the button, then the form's answers (learning, ORS, SRS, session, intake)
    "alice": ("follow_up:applied", ["The client named one thing; we repaired it on the spot", "27", "38", "3", "", ""]),
    "mia": ("follow_up:partly", ["Slowing down helped, checking in felt intrusive", "23.5", "33", "3", "", ""]),
    "ravi": ("follow_up:not_yet", []),
}


async def seed(shell: Shell, days: int = 28) -> None:
    """A month of history up to the latest Wednesday; this week two of the three have checked
    in, and the follow-ups are answered now, so the first digest has something in every section."""
    screen, clock = shell.screen, shell.clock
    now = _latest_wednesday_noon(clock.now)
    start = now - timedelta(days=days)
    screen.quiet = True
    try:
        clock.now = start
        await _as(shell, "coach", "/practice setup")
        for name in OBJECTIVES:
            await _as(shell, name, "/practice join")
        await _as(shell, "alice", "/practice notes channel")
        for day in range(2, days - 4, 3):  # up to last Friday, before its digest
            await advance(shell.core.dispatcher, clock, start + timedelta(days=day))
            await _set_objectives(shell, day)
            if day == 8:
                for name, advice in ADVICE.items():
                    await _as(shell, "coach", f"/practice advice @{name} {advice}")
            await _log_practice(shell, day)
            await _answer_check_ins(shell, day, OBJECTIVES)
        await advance(shell.core.dispatcher, clock, now)
        await _log_practice(shell, days)
        await _answer_check_ins(shell, days, CHECKED_IN_THIS_WEEK)
        await _answer_follow_ups(shell)
        await _as(shell, "coach", f"/practice setup meeting {MEETING}")
    finally:
        screen.quiet = False
        shell.state.current = "coach"


def _latest_wednesday_noon(moment: datetime) -> datetime:
    noon = moment.replace(hour=12, minute=0, second=0, microsecond=0)
    wednesday = noon - timedelta(days=(noon.weekday() - WEDNESDAY) % 7)
    return wednesday if wednesday <= moment else wednesday - timedelta(weeks=1)


async def _set_objectives(shell: Shell, day: int) -> None:
    for name, (on_day, objective) in OBJECTIVES.items():
        if on_day == day:
            await _as(shell, name, f"/practice objective {objective}")


async def _log_practice(shell: Shell, day: int) -> None:
    for name, activities in PRACTICE.items():
        activity = activities[day // 3 % len(activities)]  # a log every third day
        await _as(shell, name, f"/practice log {20 + day % 4 * 10} {activity}")


async def _as(shell: Shell, name: str, line: str) -> None:
    await shell.handle(f"/as {name}")
    await shell.handle(line)


async def _press(shell: Shell, name: str, action: str, answers: list[str]) -> bool:
    unanswered = [n for n, b in shell.screen.buttons.items() if b.owner == name and b.action == action]
    if not unanswered:
        return False
    scripted = iter(answers)

    async def answer(_prompt: str) -> str | None:
        return next(scripted, None)

    shell.read_line, reading = answer, shell.read_line
    try:
        await _as(shell, name, str(unanswered[-1]))
    finally:
        shell.read_line = reading
    return True


async def _answer_check_ins(shell: Shell, day: int, names) -> None:
    for name in names:
        answers = [str(3 + day % 2), "", f"Day {day}: small, deliberate steps add up", ""]
        await _press(shell, name, "check_in", answers)


async def _answer_follow_ups(shell: Shell) -> None:
    for name, (action, answers) in FOLLOW_UPS.items():
        await _press(shell, name, action, answers)
