"""Who took part compared with who lives there: rates, a score and reweighted results.

- A group's **participation rate** is its participants divided by its population.
- The **representativeness score** is the lowest group's rate divided by the highest's (as Go
  Vocal computes it): 1 when every group took part equally, near 0 when one group is missing.
- **Post-stratification** weights each participant's answers by their group's share of the
  population divided by its share of the participants, so an under-represented wijk or age band
  counts as much as it would with a fair turnout. Groups without a population figure, and
  participants whose group is unknown, are left out of the reweighted figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class GroupRate:
    group: str
    population: int
    participants: int

    @property
    def rate(self) -> float:
        """Participants per inhabitant (0.012 is 1.2 %)."""
        return self.participants / self.population if self.population else 0.0


def rates(population: Mapping[str, int], participants: Mapping[str, int]) -> list[GroupRate]:
    """The rate of every group with a population figure above 0, in the figures' order."""
    return [
        GroupRate(group, people, participants.get(group, 0))
        for group, people in population.items()
        if people > 0
    ]


def score(groups: list[GroupRate]) -> float | None:
    """Lowest rate ÷ highest rate; ``None`` with fewer than two groups or nobody taking part."""
    if len(groups) < 2:
        return None
    values = [g.rate for g in groups]
    highest = max(values)
    return min(values) / highest if highest > 0 else None


def lowest(groups: list[GroupRate]) -> GroupRate | None:
    """The group to reach out to first: the lowest rate (ties: the larger population)."""
    return min(groups, key=lambda g: (g.rate, -g.population)) if groups else None


def weights(population: Mapping[str, int], participants: Mapping[str, int]) -> dict[str, float]:
    """Per group with both a population figure and participants: population share ÷ participant
    share, the shares taken over those groups only."""
    groups = [g for g, n in participants.items() if n > 0 and population.get(g, 0) > 0]
    people = sum(population[g] for g in groups)
    taking_part = sum(participants[g] for g in groups)
    if not people or not taking_part:
        return {}
    return {g: (population[g] / people) / (participants[g] / taking_part) for g in sorted(groups)}


def reweighted_mean(
    cells: Mapping[str, tuple[float, int]], group_weights: Mapping[str, float]
) -> float | None:
    """The mean of answers given as (sum, count) per group, each answer weighted by its group's
    weight; ``None`` when no weighted group answered."""
    total = weight = 0.0
    for group, (value_sum, count) in cells.items():
        w = group_weights.get(group)
        if w is None or count <= 0:
            continue
        total += w * value_sum
        weight += w * count
    return total / weight if weight else None
