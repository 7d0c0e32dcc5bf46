"""The analysis's plain data: vote and result types, and the constants of Pol.is's math."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

Direction = Literal["agree", "disagree"]
Vote = tuple[str, str, int]
FloatArray = NDArray[np.float64]

Z_90 = 1.2815515655446004  # one-sided 90 % critical value, scipy.stats.norm.ppf(0.9)
MIN_VOTES = 7
MIN_CLUSTERED = 15
BASE_CLUSTERS = 100
MAX_GROUPS = 5
PICK_MAX = 5
MIN_PARTICIPANTS_FOR_COMPARISON = 10
RANDOM_STATE = 0
N_INIT = 10
BASE_N_INIT = 10  # k-means++ runs for the base clusters; the tightest is kept


@dataclass(frozen=True)
class Group:
    """One opinion group: its members and the mean of their 2-D coordinates."""

    id: int
    members: tuple[str, ...]
    centroid: tuple[float, float]


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement that sets a group apart, with the statistics that chose it."""

    id: str
    direction: Direction
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float


@dataclass(frozen=True)
class AnalysisResult:
    """Everything the analysis found, as plain immutable data."""

    participants_total: int
    participants_clustered: int
    statement_ids: tuple[str, ...]
    groups: tuple[Group, ...]
    representative: tuple[tuple[RepresentativeStatement, ...], ...]
    consensus_agree: tuple[str, ...]
    consensus_disagree: tuple[str, ...]
    group_aware_consensus: Mapping[str, float]
    group_aware_consensus_disagree: Mapping[str, float]
    divisive: tuple[str, ...]
    coordinates: Mapping[str, tuple[float, float]]
    majority: Mapping[str, tuple[int, float]] = field(default_factory=dict)
    pca_center: tuple[float, ...] = ()
    pca_components: tuple[tuple[float, ...], ...] = ()
    zeroed_statement_ids: tuple[str, ...] = ()

    def summary_json(self) -> dict[str, Any]:
        """Return exactly the agreed JSON shape of ``inspraak analyse`` (ids as strings)."""
        full = self.to_json()
        return {
            "participants_clustered": full["participants_clustered"],
            "groups": [{"id": g["id"], "members": g["members"]} for g in full["groups"]],
            "consensus": full["consensus"],
            "representative": full["representative"],
            "group_aware_consensus": full["group_aware_consensus"],
        }

    def to_json(self) -> dict[str, Any]:
        """Return the result as JSON-ready plain data (ids as strings)."""
        return {
            "participants_clustered": self.participants_clustered,
            "participants_total": self.participants_total,
            "groups": [
                {"id": g.id, "members": list(g.members), "centroid": list(g.centroid)}
                for g in self.groups
            ],
            "consensus": {
                "agree": list(self.consensus_agree),
                "disagree": list(self.consensus_disagree),
            },
            "representative": [
                {
                    "group": g.id,
                    "statements": [{"id": s.id, "direction": s.direction} for s in reps],
                }
                for g, reps in zip(self.groups, self.representative, strict=True)
            ],
            "group_aware_consensus": dict(self.group_aware_consensus),
            "group_aware_consensus_disagree": dict(self.group_aware_consensus_disagree),
            "divisive": list(self.divisive),
            "coordinates": {pid: list(xy) for pid, xy in self.coordinates.items()},
        }
