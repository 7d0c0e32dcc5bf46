"""Exports an official opens without help: CSV that Dutch Excel splits into columns (and plain
RFC 4180 beside it), and XLSX and ODS workbooks with Dutch names, a frozen header, widths, real
Amsterdam dates, comments beside their scores and sheets per wijk and age band."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

import httpx
from openpyxl import load_workbook

from inspraak.bootstrap import Container
from tests.web.conftest import client_for, login, make_user
from tests.web.public_states import build_every_state

BASE = "/manage/projects/KLAAR"


async def _download(container: Container, *paths: str) -> list[httpx.Response]:
    await build_every_state(container)
    admin = await make_user(container, "beheer@voorbeeld.nl", "admin")
    async with client_for(container) as client:
        assert (await login(client, admin.email)).status_code == 303
        return [await client.get(path) for path in paths]


async def test_the_dutch_csv_opens_in_columns_in_dutch_excel(container: Container):
    dutch, plain = await _download(
        container,
        f"{BASE}/rounds/reactie/results.csv",
        f"{BASE}/rounds/reactie/results.csv?dialect=rfc4180",
    )
    assert dutch.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    rows = list(csv.DictReader(io.StringIO(dutch.content.decode("utf-8-sig")), delimiter=";"))
    assert rows and rows[0]["soort"] == "reacties"
    assert [r["gemiddeld"] for r in rows if r["gemiddeld"]] == ["6,5"]  # a decimal comma
    assert not plain.content.startswith(b"\xef\xbb\xbf") and b"\r\n" in plain.content
    plain_rows = list(csv.DictReader(io.StringIO(plain.text)))
    assert [r["gemiddeld"] for r in plain_rows if r["gemiddeld"]] == ["6.5"]  # a decimal point
    assert 'filename="KLAAR-reactie-rfc4180.csv"' in plain.headers["content-disposition"]


async def test_the_workbook_has_dutch_sheets_a_frozen_header_and_amsterdam_dates(
    container: Container,
):
    (response,) = await _download(container, f"{BASE}/results.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Overzicht" and book.sheetnames[-2:] == [
        "Per wijk", "Per leeftijdsgroep",
    ]  # fmt: skip
    ideas = book["ideeen"]
    assert [c.value for c in ideas[1]] == ["Nr.", "Idee", "Status", "Ingediend"]
    assert ideas.freeze_panes == "A2" and ideas["A1"].font.b
    assert ideas.column_dimensions["B"].width > ideas.column_dimensions["A"].width
    submitted = [row[3].value for row in ideas.iter_rows(min_row=2)]
    assert submitted and all(isinstance(d, datetime) for d in submitted)
    assert all(d.microsecond == 0 and d.tzinfo is None for d in submitted)
    assert datetime(2026, 12, 2, 11, 0) in submitted  # stored 10:00 UTC, shown 11:00 here
    statuses = {row[2].value for row in ideas.iter_rows(min_row=2)}
    assert statuses <= {"nieuw", "goedgekeurd"}
    feedback = book["reactie"]
    assert [c.value for c in feedback[1]] == ["Score", "Reactie"]
    beside = [(r[0].value, r[1].value) for r in feedback.iter_rows(min_row=2) if r[1].value]
    assert any(isinstance(score, int) and text for score, text in beside[:1])


async def test_the_ods_workbook_holds_the_same_sheets(container: Container):
    xlsx, ods = await _download(container, f"{BASE}/results.xlsx", f"{BASE}/results.ods")
    assert ods.headers["content-type"] == "application/vnd.oasis.opendocument.spreadsheet"
    with zipfile.ZipFile(io.BytesIO(ods.content)) as book:
        assert book.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        content = book.read("content.xml").decode()
        settings = book.read("settings.xml").decode()
    for name in load_workbook(io.BytesIO(xlsx.content)).sheetnames:
        assert f'table:name="{name}"' in content
        # every sheet's first row frozen, as LibreOffice keeps it in its view settings
        entry = settings[settings.index(f'config:config-item-map-entry config:name="{name}"') :]
        entry = entry[: entry.index("</config:config-item-map-entry>")]
        assert 'config:name="VerticalSplitMode" config:type="short">2<' in entry
        assert 'config:name="VerticalSplitPosition" config:type="int">1<' in entry
    assert 'office:value-type="date"' in content and "2026-12-02T11:00:00" in content
    assert "table:table-header-rows" in content and "style:column-width" in content
