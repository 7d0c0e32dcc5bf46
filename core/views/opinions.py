"""View-model of a statements round's opinion analysis for the summary page.

``opinion_summary`` returns plain frozen data ready for a template: each group with its size
and representative statements, the consensus and divisive statements with their percentages,
the 2-D opinion map as SVG and its text alternative. Texts are translated here (gettext), so a
template only prints. Include it in a Jinja template with::

    {% if opinion %}
      <figure>{{ opinion.map_svg | safe }}<figcaption>{{ opinion.map_text }}</figcaption></figure>
      {% for group in opinion.groups %} {{ group.name }} ({{ group.size }}) ... {% endfor %}
    {% endif %}

``map_svg`` is safe to mark ``| safe``: :mod:`core.views.opinion_map` escapes every text it
writes. Imports numpy and scikit-learn: import it by its path, :mod:`core.views` does not
re-export it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.analysis.polis import MIN_CLUSTERED
from core.analysis.rounds import RoundAnalysis
from core.i18n import gettext_for
from core.views.opinion_map import PALETTE, group_letter, map_description, opinion_map_svg
from core.views.reading import Analyses, ReadUnit


@dataclass(frozen=True)
class StatementLine:
    """One statement with how many agreed and disagreed (percent of those who voted on it)."""

    id: str
    text: str
    votes: int
    agree_pct: int
    disagree_pct: int
    direction: str = ""  # for representative statements: "agree" or "disagree"
    by_group: tuple[int, ...] = ()  # agree percent per group (divisive statements)


@dataclass(frozen=True)
class GroupSummary:
    id: int
    name: str
    size: int
    statements: tuple[StatementLine, ...]  # representative, with the group's own percentages
    colour: str = ""  # the group's colour on the map (its letter is always shown too)


@dataclass(frozen=True)
class OpinionSummary:
    round_id: int
    participants: int
    clustered: int
    groups: tuple[GroupSummary, ...]
    consensus_agree: tuple[StatementLine, ...]
    consensus_disagree: tuple[StatementLine, ...]
    divisive: tuple[StatementLine, ...]
    map_svg: str
    map_text: str
    needed: int = MIN_CLUSTERED  # residents needed before groups are formed


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


Counts = dict[str, list[int]]  # statement -> [agree, disagree, total]
GroupCounts = dict[tuple[str, int], list[int]]  # (statement, group) -> [agree, disagree, total]


def _counts(analysis: RoundAnalysis) -> tuple[Counts, GroupCounts]:
    """Agree, disagree and total votes per statement, overall and per group."""
    result = analysis.result
    group_of = {m: g.id for g in result.groups for m in g.members}
    overall: Counts = {}
    per_group: GroupCounts = {}
    for voter, statement, value in analysis.votes.votes:
        counts = overall.setdefault(statement, [0, 0, 0])
        group = group_of.get(voter)
        targets = [counts]
        if group is not None:
            targets.append(per_group.setdefault((statement, group), [0, 0, 0]))
        for target in targets:
            target[0] += value == 1
            target[1] += value == -1
            target[2] += 1
    return overall, per_group


@dataclass(frozen=True)
class _Lines:
    """Builds the statement lines of one analysis from its vote counts."""

    texts: dict[str, str]
    overall: Counts
    per_group: GroupCounts
    n_groups: int

    def line(self, sid: str, direction: str = "", group: int | None = None) -> StatementLine:
        empty = [0, 0, 0]
        agree, disagree, total = (
            self.overall.get(sid, empty)
            if group is None
            else self.per_group.get((sid, group), empty)
        )
        by_group = tuple(
            _pct(self.per_group.get((sid, g), empty)[0], self.per_group.get((sid, g), empty)[2])
            for g in range(self.n_groups)
        )
        return StatementLine(
            id=sid,
            text=self.texts.get(sid, sid),
            votes=total,
            agree_pct=_pct(agree, total),
            disagree_pct=_pct(disagree, total),
            direction=direction,
            by_group=by_group,
        )


def _map_text(analysis: RoundAnalysis, names: dict[int, str], language: str) -> str:
    """The opinion map's text alternative, in the visitor's language."""
    _ = gettext_for(language).gettext
    result = analysis.result
    unplaced = result.participants_total - sum(len(g.members) for g in result.groups)
    return map_description(
        [(names[g.id], len(g.members)) for g in result.groups],
        unplaced,
        {
            "group": _("{name}: {size} residents"),
            "groups": _(
                "Opinion map with {count} groups of residents who answered alike: {groups}."
            ),
            "none": _("Too few residents have answered enough statements to form opinion groups."),
            "unplaced": _("{count} residents answered too few statements to be placed."),
        },
    )


def summarise_opinions(analysis: RoundAnalysis, language: str = "nl") -> OpinionSummary:
    """Turn an analysis into the summary page's view-model (pure)."""
    _ = gettext_for(language).gettext
    votes, result = analysis.votes, analysis.result
    lines = _Lines(votes.texts, *_counts(analysis), len(result.groups))
    names = {g.id: _("Group {letter}").format(letter=group_letter(g.id)) for g in result.groups}
    groups = tuple(
        GroupSummary(
            id=g.id,
            name=names[g.id],
            size=len(g.members),
            statements=tuple(lines.line(s.id, s.direction, g.id) for s in reps),
            colour=PALETTE[g.id % len(PALETTE)],
        )
        for g, reps in zip(result.groups, result.representative, strict=True)
    )
    map_text = _map_text(analysis, names, language)
    return OpinionSummary(
        round_id=votes.round_id,
        participants=result.participants_total,
        clustered=result.participants_clustered,
        groups=groups,
        consensus_agree=tuple(lines.line(s) for s in result.consensus_agree),
        consensus_disagree=tuple(lines.line(s) for s in result.consensus_disagree),
        divisive=tuple(lines.line(s) for s in result.divisive),
        map_svg=opinion_map_svg(
            result,
            title=_("Opinion map"),
            description=map_text,
            group_names=names,
            ident=f"opinion-map-{votes.round_id}",
        ),
        map_text=map_text,
    )


async def opinion_summary(
    uow: ReadUnit, analyses: Analyses, round_id: int, language: str = "nl"
) -> OpinionSummary:
    """The summary page's view-model of a statements round (analysis cached, off the loop)."""
    return summarise_opinions(await analyses.result(uow, round_id), language)


async def opinion_summaries(
    uow: ReadUnit, analyses: Analyses, round_ids: Iterable[int], language: str = "nl"
) -> dict[int, OpinionSummary]:
    """The view-models of several statements rounds, by round id (one analysis each, cached).

    Args:
        uow: a read-only unit of work (``container.reading()``).
        analyses: the process's shared cache (the container's ``analyses``).
        round_ids: statements rounds only; the caller decides which may be shown.
        language: the visitor's language for names and the map's text alternative.
    """
    return {rid: await opinion_summary(uow, analyses, rid, language) for rid in round_ids}
