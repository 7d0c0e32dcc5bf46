"""Spread of scores in rating rounds, checked by hand."""

from __future__ import annotations

import math

import pytest

from core.analysis.spread import MIN_ANSWERS, Agreement, agreement, spread, too_few


def test_unanimous_scores_have_no_dissent() -> None:
    result = spread([4, 4, 4, 4], lo=1, hi=5)
    assert (result.n, result.mean, result.median, result.std) == (4, 4.0, 4.0, 0.0)
    assert result.dissent == 0.0
    assert not result.dissent_flag
    assert result.extreme_share == 0.0
    assert result.histogram == {1: 0, 2: 0, 3: 0, 4: 4, 5: 0}


def test_a_split_between_the_extremes_is_full_dissent() -> None:
    result = spread([1, 5, 1, 5], lo=1, hi=5)
    assert result.mean == 3.0
    assert result.median == 3.0
    assert result.std == 2.0  # population std; the maximum on [1, 5] is (5 - 1) / 2
    assert result.dissent == 0.5  # the std as a share of the range: 2 / 4
    assert result.dissent_flag
    assert result.extreme_share == 1.0


def test_moderate_spread_is_measured_against_the_range_and_is_not_divided() -> None:
    # scores 2, 3, 4 on [1, 5]: mean 3, variance 2/3, std 0.8165, dissent 0.204 (issue 16: the
    # scores 3, 4 and 5 were called divided under the old half-range rule)
    result = spread([2, 3, 4], lo=1, hi=5)
    assert result.std == pytest.approx(math.sqrt(2 / 3))
    assert result.dissent == pytest.approx(math.sqrt(2 / 3) / 4)
    assert not result.dissent_flag
    assert agreement(result.dissent) is Agreement.SOME
    assert not spread([3, 4, 5], lo=1, hi=5).dissent_flag
    assert result.extreme_share == 0.0
    assert result.histogram == {1: 0, 2: 1, 3: 1, 4: 1, 5: 0}


def test_dissent_above_three_tenths_is_flagged_and_below_is_not() -> None:
    # On [0, 10] the range is 10. Scores 0, 10, 2, 8: mean 5, variance (25+25+9+9) / 4 = 17,
    # std 4.123, dissent 0.412.
    result = spread([0, 10, 2, 8], lo=0, hi=10)
    assert result.dissent == pytest.approx(math.sqrt(17) / 10)
    assert result.dissent_flag
    quiet = spread([5, 5, 2, 8], lo=0, hi=10)  # std 2.121, dissent 0.212
    assert quiet.dissent == pytest.approx(math.sqrt(4.5) / 10)
    assert not quiet.dissent_flag


def test_half_ones_and_half_fours_are_divided_on_a_five_point_scale() -> None:
    result = spread([1, 4] * 5, lo=1, hi=5)  # std 1.5, dissent 0.375
    assert result.dissent_flag
    assert agreement(result.dissent) is Agreement.DIVIDED


def test_close_scores_are_strong_agreement_and_nobody_is_no_agreement() -> None:
    assert agreement(spread([4, 4, 4, 5], lo=1, hi=5).dissent) is Agreement.STRONG
    assert agreement(None) is None


def test_a_handful_of_answers_is_too_few_but_none_is_not() -> None:
    assert too_few(MIN_ANSWERS - 1)
    assert not too_few(MIN_ANSWERS)
    assert not too_few(0)


def test_even_count_median_and_extreme_share() -> None:
    result = spread([1, 2, 3, 5], lo=1, hi=5)
    assert result.median == 2.5
    assert result.mean == 2.75
    assert result.extreme_share == 0.5


def test_no_scores_give_empty_statistics() -> None:
    result = spread([], lo=1, hi=3)
    assert result.n == 0
    assert result.mean is None and result.dissent is None
    assert not result.dissent_flag
    assert result.histogram == {1: 0, 2: 0, 3: 0}


def test_scores_outside_the_scale_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the scale"):
        spread([1, 6], lo=1, hi=5)
    with pytest.raises(ValueError, match="hi > lo"):
        spread([1], lo=3, hi=3)
