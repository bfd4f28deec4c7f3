"""Knowing the work: a coach can only help shape a good objective after listening to or
watching some of the therapist's session recordings, three or four by the usual advice."""

from __future__ import annotations

from datetime import timedelta

RECORDINGS_FOR_AN_OBJECTIVE = 3
RECORDINGS_WINDOW = timedelta(weeks=12)
WINDOW_WEEKS = RECORDINGS_WINDOW.days // 7


def too_few(reviewed: int | None) -> bool:
    """Whether an objective set after `reviewed` recordings reviewed was shaped without knowing
    the work; None: set before the bot counted them, so nothing is known."""
    return reviewed is not None and reviewed < RECORDINGS_FOR_AN_OBJECTIVE


def reviewed_recordings(reviewed: int) -> str:
    """What the therapist setting an objective is told of the recordings their coach reviewed."""
    if reviewed == 0:
        said = f"Your coach hasn't reviewed any of your session recordings in the last {WINDOW_WEEKS} weeks"
    else:
        said = f"Your coach has reviewed {reviewed} of your session recordings in the last {WINDOW_WEEKS} weeks"
    if not too_few(reviewed):
        return said + "."
    return (
        f"{said}; an objective shaped after {RECORDINGS_FOR_AN_OBJECTIVE} or {RECORDINGS_FOR_AN_OBJECTIVE + 1}"
        " fits your work better — ask them to listen to one."
    )
