"""Fixtures for end-to-end tests."""

from __future__ import annotations

import pytest

from tests.e2e.steps import Group


@pytest.fixture
def group(slack, fake_slack) -> Group:
    """A coach in Berlin and two therapists, in New York and Sydney, in channel CGROUP."""
    coach = fake_slack.add_user("UCOACH", "Europe/Berlin")
    therapists = [fake_slack.add_user("UALICE", "America/New_York"), fake_slack.add_user("UBOB", "Australia/Sydney")]
    created = Group(slack, "CGROUP", coach, therapists)
    assert "now a supervision group" in created.say(coach, "setup")
    for therapist in therapists:
        assert "Welcome" in created.say(therapist, "join")
    return created
