"""The clusters contract: every approved idea of an ideas round in exactly one suggested cluster.

What ``inspraak organise CODE ROUND --suggest`` and ``GET /api/v1/projects/{code}/rounds/{key}/
clusters`` answer, the same for both::

    {"strictness": 0.5, "clusters": [{"ideas": [12, 40, 7], "label": "Meer bomen"}, ...]}

- ``ideas`` are idea ids, as ``inspraak results CODE --format json`` lists them (``rounds[].
  ideas[].id``); the first is the cluster's most central idea, and ``label`` is its wording (the
  facilitator's, else the resident's text).
- Every *approved* idea of the round is in exactly one cluster. Ideas merged into another are
  not listed themselves: their words help place the idea they were merged into. Ideas not yet
  moderated (status ``new``) and rejected ideas are in no cluster.
- The suggestion comes from the similar-ideas engine over the ideas a resident may be offered
  (:mod:`core.services.similar_ideas`). An approved idea it leaves out, because it carries
  flags (personal details, approved by a facilitator all the same), is a cluster of its own.
- Largest clusters first; ties keep the engine's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.analysis.similarity import DEFAULT_STRICTNESS
from core.services.similar_ideas import Cluster, SimilarIdeas
from core.views.idea_pool import approved_ideas
from core.views.reading import ReadUnit


@dataclass(frozen=True)
class SuggestedClusters:
    strictness: float
    clusters: list[Cluster]
    texts: dict[int, str]  # every approved idea → its shown wording

    def to_json(self) -> dict[str, Any]:
        return {
            "strictness": self.strictness,
            "clusters": [{"ideas": list(c.ideas), "label": c.label} for c in self.clusters],
        }


def valid_strictness(value: float) -> bool:
    """Strictness runs from 0 (loosest) to 1 (strictest); anything else (NaN too) is refused."""
    return 0.0 <= value <= 1.0


async def suggested_clusters(
    uow: ReadUnit,
    similar: SimilarIdeas,
    round_id: int,
    strictness: float = DEFAULT_STRICTNESS,
) -> SuggestedClusters:
    """The round's approved ideas in suggested clusters, each idea exactly once."""
    if not valid_strictness(strictness):
        raise ValueError("strictness runs from 0 to 1")
    strictness = round(strictness, 2)
    texts = await approved_ideas(uow, round_id)
    found: list[Cluster] = []
    placed: set[int] = set()
    for cluster in await similar.clusters(uow, round_id, strictness):
        ids = [i for i in cluster.ideas if i in texts and i not in placed]
        if ids:
            placed.update(ids)
            label = cluster.label if ids[0] == cluster.ideas[0] else texts[ids[0]]
            found.append(Cluster(ids, label))
    found += [Cluster([i], text) for i, text in texts.items() if i not in placed]
    found.sort(key=lambda cluster: -len(cluster.ideas))
    return SuggestedClusters(strictness, found, texts)
