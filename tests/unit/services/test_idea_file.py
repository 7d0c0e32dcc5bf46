"""Reading a CSV of ideas from paper or a meeting: dialects, encodings and problems named by
line and column (nothing is read from a bad file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.domain import model
from core.services.idea_file import MAX_ROWS, InvalidIdeaFile, read_ideas

WIJKEN = ["Oosterwijk-Noord", "Oosterwijk-Zuid"]
PAPER = Path(__file__).parents[2] / "fixtures" / "ideas" / "paper.csv"


def problems(data: bytes, wijken: list[str] | None = None) -> list[str]:
    with pytest.raises(InvalidIdeaFile) as caught:
        read_ideas(data, wijken or [])
    return [str(p) for p in caught.value.problems]


def test_dutch_excel_writes_semicolons_and_a_byte_order_mark():
    data = "\ufefftekst;Wijk;Bron\r\nMeer bankjes;oosterwijk-noord;bijeenkomst 12 mei\r\n"
    (row,) = read_ideas(data.encode("utf-8"), WIJKEN)
    assert (row.line, row.text, row.wijk, row.source) == (
        2,
        "Meer bankjes",
        "Oosterwijk-Noord",
        "bijeenkomst 12 mei",
    )


def test_commas_quotes_and_line_breaks_inside_a_text_are_read():
    data = b'source,text\npapier,"Bomen, veel bomen"\n,"Een lange\nzin"\n\n'
    rows = read_ideas(data)
    assert [(r.line, r.text, r.source, r.wijk) for r in rows] == [
        (2, "Bomen, veel bomen", "papier", None),
        (3, "Een lange\nzin", None, None),
    ]


def test_the_fixture_of_three_hundred_paper_ideas_is_read_whole():
    rows = read_ideas(PAPER.read_bytes(), WIJKEN)
    assert len(rows) == 300
    assert {r.wijk for r in rows} == {"Oosterwijk-Noord", "Oosterwijk-Zuid", None}


def test_a_file_without_a_text_column_is_refused_at_line_one():
    assert problems(b"idee_nummer;wijk\n1;Noord\n") == [
        "line 1, column text: the first line needs a column named text"
    ]


def test_every_bad_line_is_named_with_its_column():
    data = (
        "text;wijk\n"
        "Meer groen;Oosterwijk-Noord\n"
        ";Oosterwijk-Zuid\n"
        f"{'x' * (model.MAX_TEXT_LENGTH + 1)};\n"
        "Een speeltuin;Westwijk\n"
    ).encode()
    assert problems(data, WIJKEN) == [
        "line 3, column text: the text is empty",
        f"line 4, column text: the text is longer than {model.MAX_TEXT_LENGTH} characters",
        "line 5, column wijk: unknown wijk Westwijk (known: Oosterwijk-Noord, Oosterwijk-Zuid)",
    ]


def test_without_wijken_configured_any_wijk_is_kept():
    (row,) = read_ideas(b"text,wijk\nMeer groen,Westwijk\n")
    assert row.wijk == "Westwijk"


def test_a_file_in_another_encoding_names_the_line():
    data = "text\nMeer groen\nCaf\u00e9 op het plein\n".encode("cp1252")
    assert problems(data) == ["line 3: the file is not UTF-8: save it as CSV UTF-8 and try again"]


def test_too_many_rows_are_refused():
    data = ("text\n" + "Meer groen\n" * (MAX_ROWS + 1)).encode()
    assert problems(data) == [f"line {MAX_ROWS + 2}: at most {MAX_ROWS} ideas per file"]


def test_a_file_with_only_a_header_has_no_ideas():
    assert problems(b"text;wijk\n") == [
        "line 2, column text: the file has no ideas below its first line"
    ]


def test_an_unclosed_quote_is_named():
    data = b'text\n"Meer groen\n' + b"x" * 200_000
    assert problems(data)[0].startswith("line 2: this line cannot be read as CSV")
