"""The charts: each a PNG that decodes, under 200 KB, of its stated size and not blank, with
alt text that states the numbers drawn; cached by the data shown; drawn off the event loop."""

from __future__ import annotations

import asyncio
import io
import json
import threading
from dataclasses import replace
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from PIL import Image

from bot.charts import (
    Chart,
    change_chart,
    group_practice_chart,
    off_the_loop,
    practice_chart,
    trajectory_chart,
)
from bot.messages import Image as Picture
from bot.messages import Message
from bot.model import PracticeKind
from bot.outcomes import DEFAULT_THRESHOLDS, Band, MonthOfChange, Rating
from handlers.slack import render as slack_render
from handlers.teams import render as teams_render
from tests.pictures import decoded

INTAKE = date(2026, 11, 3)


def ors(*values: int, first: date = INTAKE) -> list[Rating]:
    return [
        Rating(Decimal(v), date.fromordinal(first.toordinal() + 7 * n), n + 1, intake=n == 0)
        for n, v in enumerate(values)
    ]


def srs(*values: int) -> list[Rating]:
    return [Rating(Decimal(v), date.fromordinal(INTAKE.toordinal() + 7 * n), n + 1) for n, v in enumerate(values)]


def test_a_blank_picture_is_told_from_a_drawn_one():
    blank = io.BytesIO()
    Image.new("RGB", (800, 450), "white").save(blank, format="PNG")
    with pytest.raises(AssertionError):
        decoded(Chart("blank.png", "", 800, 450, blank.getvalue))


def test_a_deteriorating_clients_trajectory_states_its_scores_lines_band_and_flags():
    chart = trajectory_chart("C12", ors(30, 22, 14), srs(38, 35), Band.ADULT, DEFAULT_THRESHOLDS)
    decoded(chart)
    assert chart.name == "client-C12.png"
    assert "ORS 30 (intake, 3 Nov, session 1) · 22 (10 Nov, session 2) · 14 (17 Nov, session 3)" in chart.alt
    assert "SRS 38 (3 Nov, session 1) · 35 (10 Nov, session 2)" in chart.alt
    assert "clinical cutoff 25 (adult band)" in chart.alt
    assert "SRS concern threshold 36" in chart.alt
    assert "no reliable change from the intake ORS 30, 25 to 35" in chart.alt
    assert "Flags: reliable deterioration, alliance concern, alliance drop." in chart.alt


def test_a_trajectory_follows_the_band_and_the_groups_thresholds():
    thresholds = replace(DEFAULT_THRESHOLDS, ors_reliable_change=6, srs_alliance_concern=35)
    chart = trajectory_chart("C7", ors(37, 39), srs(36), Band.CHILD, thresholds)
    decoded(chart)
    assert "clinical cutoff 32 (child band)" in chart.alt
    assert "SRS concern threshold 35" in chart.alt
    assert "intake ORS 37, 31 to 40" in chart.alt  # the band stops at the scale's top
    assert chart.alt.endswith("No flags.")


def test_a_trajectory_of_srs_only_has_no_intake_band():
    chart = trajectory_chart("C3", [], srs(34), Band.ADULT, DEFAULT_THRESHOLDS)
    decoded(chart)
    assert "SRS 34 (3 Nov, session 1)" in chart.alt
    assert "Shaded" not in chart.alt
    assert "Flags: alliance concern." in chart.alt


def test_the_trajectory_cache_keeps_a_chart_by_the_scores_shown():
    first = trajectory_chart("C12", ors(30, 22), srs(38), Band.ADULT, DEFAULT_THRESHOLDS)
    recorded_later = [replace(r, at=datetime(2026, 11, 3, 15, tzinfo=timezone.utc)) for r in ors(30, 22)]
    assert trajectory_chart("C12", recorded_later, srs(38), Band.ADULT, DEFAULT_THRESHOLDS) is first
    changed = trajectory_chart("C12", ors(30, 23), srs(38), Band.ADULT, DEFAULT_THRESHOLDS)
    assert changed is not first and changed.png != first.png
    assert "23 (10 Nov, session 2)" in changed.alt


MINUTES = (
    (PracticeKind.RECORDING_REVIEW, (30, 0, 45, 60, 0, 30, 30, 0, 20, 40, 60, 30)),
    (PracticeKind.READING, (20, 20, 0, 0, 15, 0, 30, 0, 0, 20, 0, 10)),
)
PROGRESS = ((date(2026, 11, 2), 2), (date(2026, 11, 9), 3), (date(2026, 11, 16), 4))


def test_a_therapists_practice_states_each_weeks_minutes_each_kinds_and_the_ratings():
    chart = practice_chart(date(2026, 9, 14), 12, MINUTES, PROGRESS)
    decoded(chart)
    weekly_totals = "50, 20, 45, 60, 15, 30, 60, 0, 20, 60, 60, 40"
    assert f"last 12 weeks, from the week of 14 Sep: {weekly_totals} (460 in all)." in chart.alt
    assert "By kind: recording review 345, reading 115." in chart.alt
    assert "weekly: 2 (2 Nov), 3 (9 Nov), 4 (16 Nov)." in chart.alt


def test_a_therapist_with_no_practice_and_no_ratings_gets_a_chart_saying_so():
    chart = practice_chart(date(2026, 9, 14), 12, (), ())
    decoded(chart)
    assert "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 (0 in all)" in chart.alt
    assert "No progress ratings on a current objective yet." in chart.alt


def test_the_practice_cache_draws_again_when_a_minute_changes():
    first = practice_chart(date(2026, 9, 14), 12, MINUTES, PROGRESS)
    assert practice_chart(date(2026, 9, 14), 12, MINUTES, PROGRESS) is first
    more = ((PracticeKind.RECORDING_REVIEW, (31,) + MINUTES[0][1][1:]), MINUTES[1])
    again = practice_chart(date(2026, 9, 14), 12, more, PROGRESS)
    assert again is not first and "51, 20, 45" in again.alt


def test_the_groups_weeks_state_check_ins_against_members_and_minutes():
    chart = group_practice_chart(date(2026, 10, 12), (3, 4, 0), (4, 4, 5), (120, 200, 0))
    decoded(chart)
    assert "from the week of 12 Oct. Checked in: 3 of 4, 4 of 4, 0 of 5." in chart.alt
    assert "Practice minutes: 120, 200, 0 (320 in all)." in chart.alt
    assert group_practice_chart(date(2026, 10, 12), (3, 4, 0), (4, 4, 5), (120, 200, 0)) is chart
    assert group_practice_chart(date(2026, 10, 12), (3, 4, 1), (4, 4, 5), (120, 200, 0)) is not chart


def test_the_groups_change_by_month_states_each_months_counts():
    months = (MonthOfChange(date(2026, 10, 1), 2, 3, 1), MonthOfChange(date(2026, 11, 1), 4, 2, 0))
    chart = change_chart(months)
    decoded(chart)
    assert "Oct 2026: 2 reliably improved, 3 with no reliable change, 1 reliably deteriorated" in chart.alt
    assert "Nov 2026: 4 reliably improved, 2 with no reliable change, 0 reliably deteriorated" in chart.alt
    assert change_chart(months) is chart
    assert change_chart(months[:1]) is not chart


def test_a_chart_is_drawn_off_the_event_loop_in_the_charts_own_thread():
    drawn_in = []

    def chart_of(code: str) -> Chart:
        drawn_in.append(threading.current_thread().name)
        return trajectory_chart(code, ors(30, 22), [], Band.ADULT, DEFAULT_THRESHOLDS)

    async def on_the_loop() -> Chart:
        return await off_the_loop(chart_of, "C12")

    chart = asyncio.run(on_the_loop())
    assert chart is trajectory_chart("C12", ors(30, 22), [], Band.ADULT, DEFAULT_THRESHOLDS)
    assert drawn_in[0].startswith("charts") and drawn_in[0] != threading.main_thread().name


def undrawable(name: str = "client-C12.png") -> Picture:
    def refuse() -> bytes:
        raise AssertionError("drawn by a front-end that shows only the alt text")

    return Picture(name, "Client C12's scores: ORS 30.", 800, 450, refuse)


def test_a_picture_is_drawn_when_its_png_is_first_asked_for_and_only_then():
    drawings: list[int] = []
    image = Picture("c.png", "alt", 800, 450, lambda: drawings.append(1) or b"PNG")
    assert drawings == []
    assert image.png == image.png == b"PNG" and drawings == [1]
    with pytest.raises(AssertionError, match="drawn by a front-end"):
        _ = undrawable().png  # what the two tests below rely on


def test_slack_and_teams_show_the_alt_text_without_drawing_the_picture():
    message = replace(Message.text("Client C12"), images=(undrawable(),))
    slack = json.dumps(slack_render.message_parts(message))
    teams = json.dumps([teams_render.card_json(card) for card in teams_render.message_cards(message)])
    assert "Client C12's scores: ORS 30." in slack and "Client C12's scores: ORS 30." in teams
