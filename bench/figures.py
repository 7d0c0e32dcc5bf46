"""Figures the benchmarks share: one definition of a percentile for every script."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], p: int) -> float:
    """The ``p``-th percentile (1 to 99) of ``values``, interpolated between the two nearest
    (numpy's default); the value itself for one value, NaN for none."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]
