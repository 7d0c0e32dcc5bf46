"""Groups of a similarity index's ideas as the organise page and the chat keep them: ordered by
how well each idea fits its group, and grown one new idea at a time between two clusterings
(:mod:`core.services.similar_ideas` keeps them per round and strictness)."""

from __future__ import annotations

from core.analysis.similarity import SimilarityIndex, threshold_for


def attach(
    index: SimilarityIndex, groups: dict[float, list[list[int]]], new: list[tuple[int, str]]
) -> dict[float, list[list[int]]]:
    """The groups with each new idea added to the group of the indexed idea most like it
    (when they score at least the strictness's threshold, opposites never), else on its own:
    a new idea or an approval costs one look-up instead of clustering the round again."""
    nearest = {}
    for idea_id, text in new:
        found = [(i, score) for i, score in index.similar(text, 3, threshold=0.0) if i != idea_id]
        nearest[idea_id] = found[0] if found else None
    attached = {}
    for strictness, old in groups.items():
        grown = [list(group) for group in old]
        where = {i: n for n, group in enumerate(grown) for i in group}
        for idea_id, _ in new:
            best = nearest[idea_id]
            if best is not None and best[0] in where and best[1] >= threshold_for(strictness):
                where[idea_id] = where[best[0]]
                grown[where[idea_id]].append(idea_id)
            else:
                where[idea_id] = len(grown)
                grown.append([idea_id])
        attached[strictness] = grown
    return attached


def ordered_groups(
    index: SimilarityIndex, strictness: float
) -> tuple[list[list[int]], dict[int, float]]:
    """The index's groups at ``strictness``, each ordered by how well its ideas fit it (the most
    central first), and each idea's fit."""
    groups = index.clusters(strictness)
    fits: dict[int, float] = {}
    ordered = []
    for group, fit in zip(groups, index.cohesion(groups), strict=True):
        fits.update(zip(group, fit, strict=True))
        ordered.append(sorted(group, key=lambda i: (-fits[i], i)))
    return ordered, fits
