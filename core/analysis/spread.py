"""Spread of scores in a rating round on a closed scale ``[lo, hi]``.

Standard deviation is the population one (divide by n): the scores are the whole round, not a
sample. The largest possible population standard deviation on ``[lo, hi]`` is ``(hi - lo) / 2``
(half the scores at each end), so ``dissent = std / ((hi - lo) / 2)`` runs from 0 (everyone
gave the same score) to 1 (a perfect split between the extremes).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
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


def spread(scores: Sequence[int], lo: int, hi: int) -> Spread:
    """Summarise scores on the scale ``[lo, hi]``.

    Args:
        scores: one score per resident, each an integer in ``[lo, hi]``.
        lo: lowest score on the scale.
        hi: highest score on the scale; must exceed ``lo``.

    Raises:
        ValueError: when the scale is empty or a score falls outside it.
    """
    if hi <= lo:
        raise ValueError(f"scale must have hi > lo, got [{lo}, {hi}]")
    outside = [s for s in scores if not lo <= s <= hi]
    if outside:
        raise ValueError(f"score {outside[0]} outside the scale [{lo}, {hi}]")
    histogram = {value: 0 for value in range(lo, hi + 1)}
    for score in scores:
        histogram[score] += 1
    n = len(scores)
    if n == 0:
        return Spread(lo, hi, 0, None, None, None, None, False, None, histogram)
    std = statistics.pstdev(scores)
    dissent = std / ((hi - lo) / 2)
    return Spread(
        lo=lo,
        hi=hi,
        n=n,
        mean=statistics.fmean(scores),
        median=float(statistics.median(scores)),
        std=std,
        dissent=dissent,
        dissent_flag=dissent > DISSENT_THRESHOLD and not math.isclose(dissent, DISSENT_THRESHOLD),
        extreme_share=(histogram[lo] + histogram[hi]) / n,
        histogram=histogram,
    )
