"""ORS reliable change and clinical significance, SRS alliance concerns, and each client
judged from intake with its flags (bot.outcomes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.outcomes import (
    DEFAULT_THRESHOLDS,
    Band,
    FlagKind,
    Movement,
    OrsChange,
    Rating,
    Thresholds,
    alliance_concern,
    change_by_month,
    classify_client,
    classify_ors,
    describe,
    describe_since_advice,
    points,
    prep_line,
    shown,
    signed,
    trajectory_line,
)

IMPROVED = Movement.RELIABLE_IMPROVEMENT
UNCHANGED = Movement.NO_RELIABLE_CHANGE
DETERIORATED = Movement.RELIABLE_DETERIORATION

# Adolescent norms as an example of configured thresholds.
ADOLESCENT = Thresholds(ors_clinical_cutoff=28, ors_reliable_change=6, srs_alliance_concern=38)


def test_default_thresholds():
    assert Thresholds() == Thresholds(
        ors_clinical_cutoff=25,
        ors_reliable_change=5,
        srs_alliance_concern=36,
        child_cutoff=32,
        adolescent_cutoff=28,
        on_track_session=6,
        on_track_weeks=6,
        watch_session=3,
        srs_drop=1,
    )


# --- reliable change --------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "latest", "movement"),
    [
        (20, 25, IMPROVED),  # +5: exactly the threshold
        (20, 24, UNCHANGED),  # +4
        (20, 20, UNCHANGED),  # 0
        (20, 16, UNCHANGED),  # -4
        (20, 15, DETERIORATED),  # -5: exactly the threshold
        (10, 30, IMPROVED),  # +20
        (35, 10, DETERIORATED),  # -25
        (0, 40, IMPROVED),  # the whole range
        (40, 0, DETERIORATED),
    ],
)
def test_reliable_change_at_and_around_the_threshold(baseline, latest, movement):
    assert classify_ors(baseline, latest).movement is movement


@pytest.mark.parametrize(
    ("baseline", "latest", "movement"),
    [
        (20, 26, IMPROVED),  # +6
        (20, 25, UNCHANGED),  # +5 is not enough with a threshold of 6
        (20, 15, UNCHANGED),  # -5 neither
        (20, 14, DETERIORATED),  # -6
    ],
)
def test_reliable_change_follows_a_configured_threshold(baseline, latest, movement):
    assert classify_ors(baseline, latest, ADOLESCENT).movement is movement


def test_classification_keeps_the_scores_and_the_signed_delta():
    change = classify_ors(18, 26)
    assert (change.baseline, change.latest, change.delta) == (18, 26, 8)
    assert classify_ors(26, 18).delta == -8


# --- clinical significance --------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "latest", "significant"),
    [
        (24, 30, True),  # reliable improvement from below the cutoff to above it
        (25, 30, True),  # at the cutoff counts as "at or below"
        (20, 26, True),  # just above the cutoff
        (26, 31, False),  # reliable, but already above the cutoff
        (22, 26, False),  # crosses, but +4 is not reliable
        (20, 25, False),  # reliable, but 25 is not above the cutoff
        (30, 20, False),  # reliable deterioration across the cutoff
        (10, 20, False),  # reliable improvement that stays below
    ],
)
def test_clinical_significance_needs_reliable_improvement_across_the_cutoff(baseline, latest, significant):
    assert classify_ors(baseline, latest).clinically_significant is significant


@pytest.mark.parametrize(
    ("baseline", "latest", "significant"),
    [
        (24, 30, True),  # +6 from below 28 to above it
        (28, 34, True),  # from exactly the cutoff
        (22, 28, False),  # +6 but 28 is not above the cutoff of 28
        (20, 27, False),  # +7, above 25 but not above 28 (significant with default thresholds)
        (29, 35, False),  # already above 28
        (24, 29, False),  # crosses 28 but +5 is not reliable with a threshold of 6
    ],
)
def test_clinical_significance_follows_configured_thresholds(baseline, latest, significant):
    assert classify_ors(baseline, latest, ADOLESCENT).clinically_significant is significant


def test_the_same_scores_can_differ_under_different_thresholds():
    assert classify_ors(20, 27).clinically_significant is True
    assert classify_ors(20, 27, ADOLESCENT).clinically_significant is False
    assert classify_ors(20, 25).movement is IMPROVED
    assert classify_ors(20, 25, ADOLESCENT).movement is UNCHANGED


# --- alliance concern -------------------------------------------------------------


@pytest.mark.parametrize(
    ("srs", "concern"),
    [(0, True), (30, True), (35, True), (36, False), (37, False), (40, False)],
)
def test_alliance_concern_below_36(srs, concern):
    assert alliance_concern(srs) is concern


@pytest.mark.parametrize(("srs", "concern"), [(36, True), (37, True), (38, False), (40, False)])
def test_alliance_concern_follows_a_configured_threshold(srs, concern):
    assert alliance_concern(srs, ADOLESCENT) is concern


# --- describe ---------------------------------------------------------------------


def test_describe_a_clinically_significant_improvement():
    assert describe(classify_ors(18, 26)) == "ORS 18 → 26 (+8): reliable improvement, clinically significant"


def test_describe_a_reliable_improvement_that_is_not_clinically_significant():
    text = describe(classify_ors(26, 32))
    assert text == "ORS 26 → 32 (+6): reliable improvement"
    assert "clinically significant" not in text


def test_describe_a_deterioration_has_a_negative_delta():
    assert describe(classify_ors(30, 22)) == "ORS 30 → 22 (-8): reliable deterioration"


def test_describe_no_change_has_a_signed_zero():
    assert describe(classify_ors(20, 20)) == "ORS 20 → 20 (+0): no reliable change"


def test_describe_small_change():
    assert describe(classify_ors(22, 26)) == "ORS 22 → 26 (+4): no reliable change"


def test_describe_uses_the_change_it_is_given():
    change = OrsChange(baseline=24, latest=30, movement=IMPROVED, clinically_significant=False)
    assert describe(change) == "ORS 24 → 30 (+6): reliable improvement"


# --- a client from intake: bot.outcomes.classify_client ----------------------------

NOV_3 = date(2026, 11, 3)


def ors(*values, sessions=None, intake_at=None, weekly=True) -> list[Rating]:
    """ORS totals a week apart from 3 Nov, with sessions 1, 2, … if `sessions`; the one at
    index `intake_at` marked as intake."""
    return [
        Rating(
            points(str(value)),
            NOV_3 + timedelta(weeks=index if weekly else 0),
            session=(index + 1) if sessions else None,
            intake=index == intake_at,
        )
        for index, value in enumerate(values)
    ]


def srs(*values) -> list[Rating]:
    return [Rating(points(str(value)), NOV_3 + timedelta(weeks=index)) for index, value in enumerate(values)]


def kinds(classification) -> list[FlagKind]:
    return [flag.kind for flag in classification.flags]


def test_a_fall_from_30_to_14_without_any_advice_is_a_reliable_deterioration_said_in_plain_words():
    classified = classify_client(ors(30, 22, 14), [])
    assert classified.change.movement is DETERIORATED
    assert [flag.why for flag in classified.flags] == ["ORS 30 → 14 since intake on 3 Nov: reliable deterioration"]


def test_change_is_judged_from_intake_not_from_a_low_point_in_between():
    # 30 at intake, 14 at its lowest, 31 now: +1 from intake, however it looks from 14.
    classified = classify_client(ors(30, 14, 31), [])
    assert (classified.change.delta, classified.change.movement) == (1, UNCHANGED)
    assert not classified.change.clinically_significant


@pytest.mark.parametrize(
    ("intake", "latest", "movement"),
    [
        ("20", "25", IMPROVED),  # exactly +5
        ("20", "24.9", UNCHANGED),
        ("20", "15.1", UNCHANGED),
        ("20", "15", DETERIORATED),  # exactly -5
        ("18.5", "23.5", IMPROVED),  # +5.0 with decimals
        ("18.5", "23.4", UNCHANGED),
    ],
)
def test_reliable_change_from_intake_at_exactly_five_points_with_decimals(intake, latest, movement):
    assert classify_client(ors(intake, latest), []).change.movement is movement


@pytest.mark.parametrize(
    ("band", "intake", "latest", "significant"),
    [
        (Band.ADULT, "25", "30", True),  # from exactly the adult cutoff
        (Band.ADULT, "25.1", "30.1", False),  # from just above it
        (Band.ADULT, "20", "25", False),  # to exactly the cutoff is not above it
        (Band.ADULT, "20", "25.1", True),
        (Band.ADOLESCENT, "23", "28", False),  # 28 is the adolescent cutoff, not above it
        (Band.ADOLESCENT, "28", "33", True),
        (Band.ADOLESCENT, "20", "27", False),  # significant for an adult, not for an adolescent
        (Band.CHILD, "27", "32", False),  # 32 is the children's cutoff
        (Band.CHILD, "32", "37", True),
        (Band.CHILD, "20", "31", False),
    ],
)
def test_clinical_significance_at_each_bands_cutoff(band, intake, latest, significant):
    assert classify_client(ors(intake, latest), [], band).change.clinically_significant is significant


def test_a_group_sets_each_bands_cutoff():
    limits = Thresholds(ors_clinical_cutoff=24, child_cutoff=30, adolescent_cutoff=26)
    assert [limits.cutoff(band) for band in (Band.ADULT, Band.CHILD, Band.ADOLESCENT)] == [24, 30, 26]
    assert classify_client(ors(26, 31), [], Band.ADOLESCENT, limits).change.clinically_significant


def test_intake_is_the_first_ors_unless_another_is_marked():
    assert classify_client(ors(12, 20, 22), []).intake.value == 12
    marked = classify_client(ors(12, 20, 22, intake_at=1), [])
    assert (marked.intake.value, marked.change.delta, marked.change.movement) == (20, 2, UNCHANGED)


def test_of_two_marked_intakes_the_later_counts():
    scores = ors(12, 20, 22)
    scores[0] = replace(scores[0], intake=True)
    scores[1] = replace(scores[1], intake=True)
    assert classify_client(scores, []).intake.value == 20


def test_a_marked_intake_that_is_the_latest_score_has_no_change_yet():
    classified = classify_client(ors(12, 20, intake_at=1), [])
    assert classified.intake.value == 20 and classified.change is None and classified.flags == []


def test_one_ors_is_an_intake_without_change_and_no_ors_is_nothing():
    assert classify_client(ors(20), []).change is None
    empty = classify_client([], [])
    assert (empty.intake, empty.latest, empty.change, empty.flags) == (None, None, None, [])


# not on track


@pytest.mark.parametrize(
    ("values", "flag"),
    [
        ((20, 21, 22, 22, 23, 24), FlagKind.NOT_ON_TRACK),  # session 6, +4
        ((20, 21, 22, 22, 23), None),  # session 5, +3: not yet judged (no improvement at all would be a watch)
        ((20, 21, 22, 22, 23, 25), None),  # session 6, +5: a reliable improvement
        ((20, 21, 22, 22, 23, 24, 25), None),  # improved by session 7: on track again
        ((20, 21, 22, 22, 23, 24, 24.9), FlagKind.NOT_ON_TRACK),
    ],
)
def test_not_on_track_without_a_reliable_improvement_by_session_6(values, flag):
    classified = classify_client(ors(*values, sessions=True), [])
    assert kinds(classified) == ([flag] if flag else [])


def test_not_on_track_says_why():
    [flag] = classify_client(ors(20, 21, 22, 22, 23, 24, sessions=True), []).flags
    assert flag.why == (
        "ORS 20 → 24 by session 6 (since intake on 3 Nov): no reliable improvement by session 6, not on track"
    )


def test_not_on_track_by_weeks_after_intake_when_sessions_are_not_recorded():
    five_weeks = [Rating(Decimal(20), NOV_3), Rating(Decimal(22), NOV_3 + timedelta(days=41))]
    six_weeks = [Rating(Decimal(20), NOV_3), Rating(Decimal(22), NOV_3 + timedelta(days=42))]
    assert classify_client(five_weeks, []).flags == []
    [flag] = classify_client(six_weeks, []).flags
    assert flag.kind is FlagKind.NOT_ON_TRACK
    assert flag.why == "ORS 20 → 22 6 weeks after intake on 3 Nov: no reliable improvement within 6 weeks, not on track"
    assert classify_client(six_weeks, [], thresholds=Thresholds(on_track_weeks=7)).flags == []


@pytest.mark.parametrize(
    ("values", "flag"),
    [
        ((20, 20, 20), FlagKind.EARLY_WATCH),  # session 3, no change at all
        ((20, 21, 19.5), FlagKind.EARLY_WATCH),  # session 3, below intake
        ((20, 20, 20.1), None),  # session 3, some improvement
        ((20, 20), None),  # session 2: too early to watch
        ((20, 21, 22, 20), FlagKind.EARLY_WATCH),  # session 4, back to intake
    ],
)
def test_early_watch_at_session_3_with_no_improvement_at_all(values, flag):
    assert kinds(classify_client(ors(*values, sessions=True), [])) == ([flag] if flag else [])


def test_one_ors_flag_at_most_the_most_urgent():
    # By session 6 and deteriorated: the deterioration, not also "not on track".
    assert kinds(classify_client(ors(30, 28, 27, 26, 25, 24, sessions=True), [])) == [FlagKind.DETERIORATION]


def test_on_track_and_watch_sessions_follow_the_group():
    limits = Thresholds(on_track_session=4, watch_session=2)
    assert kinds(classify_client(ors(20, 20, sessions=True), [], thresholds=limits)) == [FlagKind.EARLY_WATCH]
    assert kinds(classify_client(ors(20, 21, 22, 23, sessions=True), [], thresholds=limits)) == [FlagKind.NOT_ON_TRACK]


# alliance


@pytest.mark.parametrize(("latest", "concern"), [("35.9", True), ("36", False), ("0", True), ("40", False)])
def test_alliance_concern_below_36_to_the_tenth(latest, concern):
    assert (FlagKind.ALLIANCE_CONCERN in kinds(classify_client([], srs(latest)))) is concern


@pytest.mark.parametrize(
    ("previous", "latest", "drop"),
    [("39", "38", True), ("39", "38.1", False), ("38.5", "37.5", True), ("37", "38", False), ("38", "38", False)],
)
def test_alliance_drop_of_at_least_one_point_from_the_previous_srs(previous, latest, drop):
    assert (FlagKind.ALLIANCE_DROP in kinds(classify_client([], srs(previous, latest)))) is drop


def test_alliance_flags_judge_the_latest_srs_and_say_why():
    classified = classify_client([], srs(39, 38, 34))
    assert [flag.why for flag in classified.flags] == [
        "SRS 34 on 17 Nov: below 36, alliance concern",
        "SRS 38 → 34 on 17 Nov: a drop of 4 from the previous SRS",
    ]
    assert classify_client([], srs(30, 38)).flags == []  # a concern earlier, none now


def test_alliance_drop_follows_the_group():
    assert kinds(classify_client([], srs(39, 38), thresholds=Thresholds(srs_drop=2))) == []


# change since advice


def test_change_since_advice_is_named_so_and_never_clinically_significant():
    text = describe_since_advice(Decimal(14), Decimal(31), DEFAULT_THRESHOLDS, NOV_3)
    assert text == "ORS 14 → 31 (+17) since the advice of 3 Nov: reliable improvement"
    assert "clinically significant" not in text


# the one-line trajectory


def test_trajectory_line_marks_the_intake_and_sessions():
    scores = ors(12, "18.5", 22, sessions=True, intake_at=1)
    assert trajectory_line(scores, srs(38, 35)) == (
        "ORS 12 (3 Nov, session 1) · 18.5 (intake, 10 Nov, session 2) · 22 (17 Nov, session 3);"
        " SRS 38 (3 Nov) · 35 (10 Nov)"
    )
    assert trajectory_line([], []) == "no scores yet"


def prep_of(ors_ratings: list[Rating], srs_ratings: list[Rating]) -> str:
    return prep_line(ors_ratings, srs_ratings, classify_client(ors_ratings, srs_ratings))


def test_the_prep_line_shows_the_last_three_ors_the_latest_srs_the_change_and_the_flags():
    assert prep_of(ors(30, 26, 22, 14, sessions=True), srs(38, 33)) == (
        "ORS … 26 → 22 → 14 (24 Nov, session 4), SRS 33;"
        " from intake -16: reliable deterioration; ⚠️ reliable deterioration, alliance concern, alliance drop"
    )


def test_the_prep_line_of_a_client_with_few_scores():
    assert prep_of(ors(18, 26), []) == "ORS 18 → 26 (10 Nov); from intake +8: reliable improvement"
    assert prep_of(ors(18), []) == "ORS 18 (3 Nov); intake only so far"
    assert prep_of([], srs(38)) == "SRS 38"
    assert prep_of([], []) == "no scores yet"


@pytest.mark.parametrize(("value", "text"), [("18", "18"), ("18.0", "18"), ("18.5", "18.5"), ("0", "0")])
def test_scores_are_shown_without_a_needless_decimal(value, text):
    assert shown(Decimal(value)) == text


@pytest.mark.parametrize(("value", "text"), [("8", "+8"), ("-11.5", "-11.5"), ("0", "+0"), ("0.1", "+0.1")])
def test_changes_are_shown_signed(value, text):
    assert signed(Decimal(value)) == text


def test_change_by_month_counts_each_client_by_its_latest_ors_by_the_months_end():
    falling = ors(30, 22, 14)  # 3, 10 and 17 Nov
    rising_from_october = [replace(r, on=r.on - timedelta(weeks=5)) for r in ors(15, 21, 24)]  # 29 Sep, 6 and 13 Oct
    intake_only = ors(20)
    child = ors(30, 36)  # reliably improved, whichever band's cutoff
    clients = [(falling, Band.ADULT), (rising_from_october, Band.ADULT), (intake_only, Band.ADULT), (child, Band.CHILD)]
    months = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    found = change_by_month(clients, months)
    assert [m.month for m in found] == months
    assert [(m.improved, m.unchanged, m.deteriorated) for m in found] == [(0, 0, 0), (1, 0, 0), (2, 0, 1)]


def test_change_by_month_follows_the_groups_reliable_change():
    months = [date(2026, 11, 1), date(2026, 12, 1)]
    found = change_by_month([(ors(20, 25), Band.ADULT)], months, replace(DEFAULT_THRESHOLDS, ors_reliable_change=6))
    assert [(m.improved, m.unchanged, m.deteriorated) for m in found] == [(0, 1, 0), (0, 1, 0)]
