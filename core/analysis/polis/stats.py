"""Per group and statement counts, pseudocounted probabilities and z-tests (step 5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.analysis.polis.model import FloatArray


@dataclass(frozen=True)
class Stats:
    """Per group (rows) and statement (columns) counts, probabilities and z-scores."""

    na: NDArray[np.int64]
    nd: NDArray[np.int64]
    ns: NDArray[np.int64]
    pa: FloatArray
    pd: FloatArray
    pat: FloatArray
    pdt: FloatArray
    ra: FloatArray
    rd: FloatArray
    rat: FloatArray
    rdt: FloatArray


def statement_stats(matrix: FloatArray, labels: NDArray[np.int64], n_groups: int) -> Stats:
    """Counts, pseudocounted probabilities and z-tests per group and statement."""
    agree = (matrix == 1).astype(np.int64)
    disagree = (matrix == -1).astype(np.int64)
    seen = (~np.isnan(matrix)).astype(np.int64)
    onehot = np.zeros((n_groups, len(labels)), dtype=np.int64)
    onehot[labels, np.arange(len(labels))] = 1
    na, nd, ns = onehot @ agree, onehot @ disagree, onehot @ seen
    na_out, nd_out, ns_out = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns

    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    pa_out, pd_out = (na_out + 1) / (ns_out + 2), (nd_out + 1) / (ns_out + 2)
    return Stats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=_one_prop_test(na, ns),
        pdt=_one_prop_test(nd, ns),
        ra=pa / pa_out,
        rd=pd / pd_out,
        rat=_two_prop_test(na, na_out, ns, ns_out),
        rdt=_two_prop_test(nd, nd_out, ns, ns_out),
    )


def one_group_stats(matrix: FloatArray) -> Stats:
    """The statistics with every row of ``matrix`` in one group."""
    return statement_stats(matrix, np.zeros(len(matrix), dtype=np.int64), 1)


def _one_prop_test(success: NDArray[np.int64], n: NDArray[np.int64]) -> FloatArray:
    """Pol.is's one-proportion z-test against 1/2, with +1 smoothing."""
    s, t = success + 1.0, n + 1.0
    result: FloatArray = 2 * np.sqrt(t) * (s / t - 0.5)
    return result


def _two_prop_test(
    succ_in: NDArray[np.int64],
    succ_out: NDArray[np.int64],
    n_in: NDArray[np.int64],
    n_out: NDArray[np.int64],
) -> FloatArray:
    """Pol.is's two-proportion z-test (group vs the rest), with +1 smoothing."""
    s1, s2, t1, t2 = succ_in + 1.0, succ_out + 1.0, n_in + 1.0, n_out + 1.0
    pi_hat = (s1 + s2) / (t1 + t2)
    denominator = np.sqrt(pi_hat * (1 - pi_hat) * (1 / t1 + 1 / t2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / t1 - s2 / t2) / denominator
    result: FloatArray = np.where(pi_hat == 1, 0.0, z)
    return result
