"""The priority matrix of a rating round for a page: the geometry from core, the words in the
page's language."""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from dataclasses import dataclass

from core.analysis.charts import Matrix, Quadrant, importance_and_feasibility, priority_matrix
from core.analysis.spread import MIN_ANSWERS
from core.i18n import N_
from core.views.results import ItemResult

# When the criteria are importance (on x) and feasibility (on y): what to do with each quadrant.
PLAIN = {
    Quadrant.BOTH_HIGH: N_("Important and feasible: do first"),
    Quadrant.X_ONLY: N_("Important, hard to do"),
    Quadrant.Y_ONLY: N_("Less important, easy to do"),
    Quadrant.BOTH_LOW: N_("Less important, hard to do"),
}
MOST = 30  # points in one matrix: more would hide each other (the tables list every item)
SWAPPED = {Quadrant.X_ONLY: Quadrant.Y_ONLY, Quadrant.Y_ONLY: Quadrant.X_ONLY}


def quadrant_texts(
    criteria: Sequence[str], catalog: gettext.NullTranslations
) -> dict[Quadrant, str]:
    """A short name for each quadrant, plain words for importance × feasibility."""
    _ = catalog.gettext
    x, y = criteria[0], criteria[1]
    importance = importance_and_feasibility(x, y)
    if importance is None:
        return {
            Quadrant.BOTH_HIGH: _("High on both"),
            Quadrant.X_ONLY: _("High on %(high)s, low on %(low)s") % {"high": x, "low": y},
            Quadrant.Y_ONLY: _("High on %(high)s, low on %(low)s") % {"high": y, "low": x},
            Quadrant.BOTH_LOW: _("Low on both"),
        }
    return {
        which: _(PLAIN[SWAPPED.get(which, which) if importance == "y" else which])
        for which in Quadrant
    }


@dataclass(frozen=True)
class MatrixView:
    """What the page draws: the layout, the quadrants' names, the items in the chart (the
    first ``MOST``; items come best first) and the numbers of those with too few answers."""

    matrix: Matrix
    texts: dict[Quadrant, str]
    items: Sequence[ItemResult]
    few: frozenset[int]
    min_answers: int = MIN_ANSWERS


def matrix_for(
    items: Sequence[ItemResult],
    criteria: Sequence[str],
    scale: tuple[int, int],
    *,
    catalog: gettext.NullTranslations,
) -> MatrixView | None:
    """The matrix of a round with two criteria; None with any other number."""
    if len(criteria) != 2:
        return None
    texts = quadrant_texts(criteria, catalog)

    def mean(item: ItemResult, index: int) -> float | None:
        found = item.criteria[index] if index < len(item.criteria) else None
        return found.mean if found is not None and found.n else None

    shown = items[:MOST]
    points = [(item.text, mean(item, 0), mean(item, 1)) for item in shown]
    few = frozenset(
        n for n, item in enumerate(shown, start=1) if any(s.too_few for s in item.criteria[:2])
    )
    return MatrixView(priority_matrix(points, scale[0], scale[1], texts), texts, shown, few)
