"""What a therapist setting an objective is told of the recordings their coach reviewed, and
which objectives the coach's digest names as set without knowing the work."""

from __future__ import annotations

import pytest

from bot.knowing import RECORDINGS_FOR_AN_OBJECTIVE, reviewed_recordings, too_few


@pytest.mark.parametrize(
    ("reviewed", "told"),
    [
        (
            0,
            "Your coach hasn't reviewed any of your session recordings in the last 12 weeks; an objective"
            " shaped after 3 or 4 fits your work better — ask them to listen to one.",
        ),
        (
            1,
            "Your coach has reviewed 1 of your session recordings in the last 12 weeks; an objective"
            " shaped after 3 or 4 fits your work better — ask them to listen to one.",
        ),
        (2, "Your coach has reviewed 2 of your session recordings in the last 12 weeks; an objective"),
        (3, "Your coach has reviewed 3 of your session recordings in the last 12 weeks."),
        (5, "Your coach has reviewed 5 of your session recordings in the last 12 weeks."),
    ],
)
def test_fewer_than_three_recordings_reviewed_tells_the_therapist_to_ask_for_more(reviewed, told):
    assert reviewed_recordings(reviewed).startswith(told)
    assert ("ask them to listen to one" in reviewed_recordings(reviewed)) is (reviewed < 3)


def test_an_objective_is_set_without_the_work_known_below_three_but_not_when_never_counted():
    assert RECORDINGS_FOR_AN_OBJECTIVE == 3
    assert [too_few(n) for n in (0, 1, 2, 3, 4)] == [True, True, True, False, False]
    assert too_few(None) is False
