"""Settings read from the environment: the pacing interval per channel."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def test_the_interval_per_channel_is_slacks_second_unless_set():
    assert load_settings({}).slack_channel_interval_seconds == 1.0
    assert load_settings({"SLACK_CHANNEL_INTERVAL_SECONDS": "0.05"}).slack_channel_interval_seconds == 0.05
    assert load_settings({"SLACK_CHANNEL_INTERVAL_SECONDS": "0"}).slack_channel_interval_seconds == 0.0


@pytest.mark.parametrize("raw", ["-1", "61", "soon", "nan"])
def test_an_interval_per_channel_out_of_range_is_named(raw):
    with pytest.raises(ConfigError, match="SLACK_CHANNEL_INTERVAL_SECONDS is malformed"):
        load_settings({"SLACK_CHANNEL_INTERVAL_SECONDS": raw})
