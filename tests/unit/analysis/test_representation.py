"""Participation rates, the representativeness score and post-stratified means."""

from __future__ import annotations

import pytest

from core.analysis.representation import GroupRate, lowest, rates, reweighted_mean, score, weights


def test_each_group_has_its_participants_per_inhabitant():
    found = rates({"Centrum": 8000, "Noord": 2000, "Leeg": 0}, {"Centrum": 80, "Noord": 40})
    assert [(g.group, g.rate) for g in found] == [("Centrum", 0.01), ("Noord", 0.02)]


def test_the_score_is_the_lowest_rate_divided_by_the_highest():
    found = rates({"Centrum": 8000, "Noord": 2000}, {"Centrum": 80, "Noord": 40})
    assert score(found) == pytest.approx(0.5)
    assert lowest(found) == GroupRate("Centrum", 8000, 80)


def test_a_group_that_nobody_joined_from_gives_a_score_of_zero():
    assert score(rates({"A": 100, "B": 100}, {"A": 5})) == 0


def test_no_score_with_one_group_or_nobody_taking_part():
    assert score(rates({"A": 100}, {"A": 5})) is None
    assert score(rates({"A": 100, "B": 100}, {})) is None


def test_weights_are_population_share_over_participant_share():
    # A is 80 % of the people but 50 % of the participants: weight 1.6; B: 20 % / 50 % = 0.4
    found = weights({"A": 800, "B": 200, "C": 500}, {"A": 10, "B": 10, "": 7})
    assert found == pytest.approx({"A": 1.6, "B": 0.4})


def test_reweighting_lets_the_under_represented_group_count_for_its_size():
    group_weights = weights({"A": 800, "B": 200}, {"A": 10, "B": 10})
    cells = {"A": (10 * 2.0, 10), "B": (10 * 4.0, 10), "": (5 * 5.0, 5)}
    assert reweighted_mean(cells, group_weights) == pytest.approx(0.8 * 2.0 + 0.2 * 4.0)


def test_nothing_to_reweight_without_weighted_answers():
    assert reweighted_mean({"A": (3.0, 1)}, {}) is None
