"""Spread of scores in a rating round on a closed scale ``[lo, hi]``.

Standard deviation is the population one (divide by n): the scores are the whole round, not a
sample. The largest possible population standard deviation on ``[lo, hi]`` is ``(hi - lo) / 2``
(half the scores at each end), so ``dissent = std / ((hi - lo) / 2)`` runs from 0 (everyone
gave the same score) to 1 (a perfect split between the extremes).

Opinions are *divided* when the dissent is above :data:`DISSENT_THRESHOLD` (0.3), judged on the
exact value, never on a rounded one (README, "Results and publishing"). :func:`is_divided` is the
one definition: the analysis, the results page, the summary and the exports all use it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DISSENT_THRESHOLD = 0.3


@dataclass(frozen=True)
class Spread:
    """Summary of one item's scores; the statistics are ``None`` when nobody rated it."""

    lo: int
    hi: int
    n: int
    mean: float | None
    median: float | None
    std: float | None
    dissent: float | None
    dissent_flag: bool
    extreme_share: float | None
    histogram: dict[int, int]


def is_divided(dissent: float | None) -> bool:
    """Whether a dissent score means divided opinions: above the threshold, exactly."""
    return (
        dissent is not None
        and dissent > DISSENT_THRESHOLD
        and not math.isclose(dissent, DISSENT_THRESHOLD)
    )


def spread(scores: Sequence[int], lo: int, hi: int) -> Spread:
    """Summarise scores on the scale ``[lo, hi]``.

    Args:
        scores: one score per resident, each an integer in ``[lo, hi]``.
        lo: lowest score on the scale.
        hi: highest score on the scale; must exceed ``lo``.

    Raises:
        ValueError: when the scale is empty or a score falls outside it.
    """
    _check_scale(lo, hi)
    outside = [s for s in scores if not lo <= s <= hi]
    if outside:
        raise ValueError(f"score {outside[0]} outside the scale [{lo}, {hi}]")
    counts: dict[int, int] = {}
    for score in scores:
        counts[score] = counts.get(score, 0) + 1
    return spread_of_counts(counts, lo, hi)


def spread_of_counts(counts: Mapping[int, int], lo: int, hi: int) -> Spread:
    """Summarise scores given as residents per score (what a grouped query returns).

    Args:
        counts: residents per score; scores outside ``[lo, hi]`` are left out.
        lo: lowest score on the scale.
        hi: highest score on the scale; must exceed ``lo``.

    Raises:
        ValueError: when the scale is empty.
    """
    _check_scale(lo, hi)
    histogram = {score: counts.get(score, 0) for score in range(lo, hi + 1)}
    n = sum(histogram.values())
    if n == 0:
        return Spread(lo, hi, 0, None, None, None, None, False, None, histogram)
    mean = sum(score * count for score, count in histogram.items()) / n
    variance = sum(count * (score - mean) ** 2 for score, count in histogram.items()) / n
    std = math.sqrt(variance)
    dissent = std / ((hi - lo) / 2)
    return Spread(
        lo=lo,
        hi=hi,
        n=n,
        mean=mean,
        median=_median(histogram, n),
        std=std,
        dissent=dissent,
        dissent_flag=is_divided(dissent),
        extreme_share=(histogram[lo] + histogram[hi]) / n,
        histogram=histogram,
    )


def _check_scale(lo: int, hi: int) -> None:
    if hi <= lo:
        raise ValueError(f"scale must have hi > lo, got [{lo}, {hi}]")


def _median(histogram: Mapping[int, int], n: int) -> float:
    """The median of the scores a histogram (in score order) counts."""

    def nth(k: int) -> int:
        seen = 0
        for score, count in histogram.items():
            seen += count
            if seen > k:
                return score
        raise IndexError(k)

    if n % 2:
        return float(nth(n // 2))
    return (nth(n // 2 - 1) + nth(n // 2)) / 2
