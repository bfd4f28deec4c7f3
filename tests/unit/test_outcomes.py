"""ORS reliable change and clinical significance, SRS alliance concerns (bot.outcomes)."""

from __future__ import annotations

import pytest

from bot.outcomes import Movement, OrsChange, Thresholds, alliance_concern, classify_ors, describe

IMPROVED = Movement.RELIABLE_IMPROVEMENT
UNCHANGED = Movement.NO_RELIABLE_CHANGE
DETERIORATED = Movement.RELIABLE_DETERIORATION

# Adolescent norms as an example of configured thresholds.
ADOLESCENT = Thresholds(ors_clinical_cutoff=28, ors_reliable_change=6, srs_alliance_concern=38)


def test_default_thresholds():
    assert Thresholds() == Thresholds(ors_clinical_cutoff=25, ors_reliable_change=5, srs_alliance_concern=36)


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
