"""A client's trajectory drawn in `client <CODE>` and `prep <CODE>`: the core's reply carries
the chart, a PNG with alt text stating the scores, once there is a score to draw. Real
databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.core_harness import CoreHarness
from tests.integration.test_client_queries import START, ZONES
from tests.pictures import decoded

SCORES = "ORS 30 (intake, 2 Nov, session 1) · 22 (2 Nov, session 2) · 14 (2 Nov, session 3); SRS 35 (2 Nov)"


@pytest.fixture
def harness(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    harness.say("UCOACH", "setup")
    harness.say("UALICE", "join")
    yield harness
    harness.close()


def scored(harness: CoreHarness) -> None:
    for session, score in enumerate((30, 22, 14), start=1):
        harness.say("UALICE", f"outcome C12 ors {score} session {session}")
    harness.say("UALICE", "outcome C12 srs 35")


@pytest.mark.parametrize("command", ["client C12", "prep C12"])
def test_the_view_carries_the_clients_trajectory_drawn(harness, command):
    scored(harness)
    [chart] = harness.result("UALICE", command).reply.images
    decoded(chart)
    assert chart.name == "client-C12.png"
    assert f"Client C12's scores: {SCORES}." in chart.alt
    assert "the clinical cutoff 25 (adult band) and the SRS concern threshold 36" in chart.alt
    assert "Flags: reliable deterioration, alliance concern." in chart.alt


def test_the_coach_sees_a_members_client_drawn_too(harness):
    scored(harness)
    [chart] = harness.result("UCOACH", "client C12 <@UALICE>").reply.images
    assert f"Client C12's scores: {SCORES}." in chart.alt


def test_nothing_is_drawn_before_the_first_score(harness):
    harness.say("UALICE", "client C12 band child")
    assert "Client C12" in harness.say("UALICE", "client C12")
    assert harness.result("UALICE", "client C12").reply.images == ()
    assert harness.result("UALICE", "prep C12").reply.images == ()
    harness.say("UALICE", "outcome C12 srs 38")
    [chart] = harness.result("UALICE", "prep C12").reply.images
    assert "SRS 38 (2 Nov)" in chart.alt and "clinical cutoff 32 (child band)" in chart.alt
