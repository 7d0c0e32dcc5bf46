"""Spread of scores in rating rounds, checked by hand."""

from __future__ import annotations

import math

import pytest

from core.analysis.spread import spread


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
    assert result.dissent == 1.0
    assert result.dissent_flag
    assert result.extreme_share == 1.0


def test_moderate_spread_is_measured_against_half_the_scale() -> None:
    # scores 2, 3, 4 on [1, 5]: mean 3, variance 2/3, std 0.8165, dissent 0.408
    result = spread([2, 3, 4], lo=1, hi=5)
    assert result.std == pytest.approx(math.sqrt(2 / 3))
    assert result.dissent == pytest.approx(math.sqrt(2 / 3) / 2)
    assert result.dissent_flag
    assert result.extreme_share == 0.0
    assert result.histogram == {1: 0, 2: 1, 3: 1, 4: 1, 5: 0}


def test_dissent_above_three_tenths_is_flagged_and_below_is_not() -> None:
    # On [0, 10] the maximum std is 5. Scores 5, 5, 2, 8: variance (0 + 0 + 9 + 9) / 4 = 4.5,
    # std 2.1213, dissent 0.424.
    result = spread([5, 5, 2, 8], lo=0, hi=10)
    assert result.dissent == pytest.approx(math.sqrt(4.5) / 5)
    assert result.dissent_flag
    quiet = spread([5, 5, 5, 5, 5, 5, 5, 5, 2, 8], lo=0, hi=10)  # std 1.342, dissent 0.268
    assert quiet.dissent == pytest.approx(math.sqrt(1.8) / 5)
    assert not quiet.dissent_flag


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
