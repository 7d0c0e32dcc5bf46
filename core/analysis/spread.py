"""Spread of scores in a rating round on a closed scale ``[lo, hi]``.

Standard deviation is the population one (divide by n): the scores are the whole round, not a
sample. ``dissent = std / (hi - lo)``, the standard deviation as a share of the scale's range,
runs from 0 (everyone gave the same score) to 0.5 (a perfect split between the extremes).

The one definition of dissent (README, "Results and publishing"): opinions are *divided* when
the dissent is above :data:`DISSENT_THRESHOLD` (0.3) of the range, MeetingSphere's "strong
dissent" rule, judged on the exact value, never on a rounded one. On a 1-5 scale that is a
standard deviation above 1.2: the scores 3, 4 and 5 (sd 0.82) are not divided; half 1s and half
4s (sd 1.5) are. Below it, a dissent up to :data:`STRONG_AGREEMENT` (0.15, sd 0.6 on 1-5) is
"strong agreement", the rest "some difference". :func:`is_divided` and :func:`agreement` are
used by the analysis, the results page, the summary and the exports alike.

An item with fewer than :data:`MIN_ANSWERS` scores gets a caveat wherever it is shown: a mean
of a handful of residents says little.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

DISSENT_THRESHOLD = 0.3  # of the scale's range: above it, opinions are divided
STRONG_AGREEMENT = 0.15  # of the scale's range: up to it, residents broadly agree
MIN_ANSWERS = 10  # fewer scores than this and a figure is shown with a caveat


class Agreement(StrEnum):
    """How much residents agreed about one item, in words a council reads."""

    STRONG = "strong"  # grote overeenstemming
    SOME = "some"  # enige verschillen
    DIVIDED = "divided"  # verdeeld


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


@dataclass(frozen=True)
class DissentRule:
    """The rule's numbers, for pages that state it in a sentence."""

    divided: float = DISSENT_THRESHOLD
    strong: float = STRONG_AGREEMENT
    min_answers: int = MIN_ANSWERS


RULE = DissentRule()


def agreement(dissent: float | None) -> Agreement | None:
    """The plain-language spread of a dissent score; None when nobody answered."""
    if dissent is None:
        return None
    if is_divided(dissent):
        return Agreement.DIVIDED
    if dissent <= STRONG_AGREEMENT or math.isclose(dissent, STRONG_AGREEMENT):
        return Agreement.STRONG
    return Agreement.SOME


def too_few(n: int) -> bool:
    """Whether ``n`` answers are too few to read a mean without a caveat (but some answered)."""
    return 0 < n < MIN_ANSWERS


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
    dissent = std / (hi - lo)
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
