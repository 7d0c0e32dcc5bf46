"""The summary page's view-model and the opinion map SVG."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from core.analysis.polis import analyse
from core.analysis.rounds import RoundAnalysis, RoundVotes, analyse_round
from core.services.polis.files import read_conversation
from core.views.opinion_map import opinion_map_svg
from core.views.opinions import summarise_opinions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "polis"


@cache
def brexit() -> RoundAnalysis:
    conv = read_conversation(FIXTURES / "brexit-consensus")
    votes = RoundVotes(
        round_id=1,
        statement_ids=tuple(conv.statement_ids),
        moderated_out=tuple(conv.moderated_out_ids),
        votes=tuple(conv.vote_triples()),
        texts={s.id: s.text for s in conv.statements},
    )
    return analyse_round(votes)


def test_the_view_model_lists_groups_with_sizes_and_their_representative_statements():
    summary = summarise_opinions(brexit(), "nl")
    assert [g.name for g in summary.groups] == ["Groep A", "Groep B"]
    assert sum(g.size for g in summary.groups) == summary.clustered == 189
    first = summary.groups[0].statements[0]
    assert first.direction == "agree" and first.text and 0 <= first.agree_pct <= 100
    assert summary.consensus_agree and all(s.agree_pct > 50 for s in summary.consensus_agree)
    assert all(len(s.by_group) == 2 for s in summary.divisive)


def test_the_map_has_a_text_alternative_in_the_visitors_language():
    summary = summarise_opinions(brexit(), "en")
    assert summary.map_text.startswith("Opinion map with 2 groups")
    assert "15 residents answered too few statements" in summary.map_text
    assert summary.map_svg.startswith("<svg") and summary.map_svg.endswith("</svg>")
    assert 'role="img"' in summary.map_svg
    assert f'<desc id="opinion-map-1-desc">{summary.map_text}</desc>' in summary.map_svg
    assert summary.map_svg.count("<circle") == 204 + 2  # everyone, plus the two group centres


def test_the_map_escapes_every_text_and_uses_no_inline_style():
    votes = [(f"r{v}", f"s{s}", 1 if (v + s) % 2 else -1) for v in range(20) for s in range(8)]
    result = analyse(votes, [f"s{s}" for s in range(8)])
    svg = opinion_map_svg(
        result, title="<script>", description='a "b" & c', group_names={0: "<b>x</b>"}
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<b>" not in svg and "&amp; c" in svg
    assert "style=" not in svg
