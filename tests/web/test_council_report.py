"""The report for the council (issue 16): DEMO with three dozen residents over four rounds, as a
PDF made on the server, on at most four A4 pages, with a cover (gemeente, project, period, the
report's date), "pagina n van N" and the gemeente in the page footer, Dutch decimal commas,
tagged for screen readers with its title, author and language; the facilitator's preview marked
as such; a friendly page, never an error, where the server cannot make PDFs."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import sys

import pytest
from pypdf import PdfReader

from core.domain.commands import SetLogo
from inspraak.bootstrap import Container, load_demo_if_empty
from inspraak.simulation import simulate
from tests.web.conftest import client_for, login, make_user
from tests.web.council_demo import build_council_demo
from tests.web.test_dutch_everywhere import DOT_DECIMAL
from tests.web.test_logos import png
from web.pdf import available
from web.report import css_string

needs_pdf = pytest.mark.skipif(
    not available(), reason="WeasyPrint or Pango is missing (see README: the report)"
)
TITLE = "Groen en leefbaar Oosterwijk"
GEMEENTE = "Gemeente Voorbeeld"


def pages_of(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() for page in reader.pages]


async def simulated(container: Container) -> None:
    """DEMO with forty residents who went through the real conversation, all published."""
    await load_demo_if_empty(container)
    await simulate(container, "DEMO", 40, seed=1, publish=True)


@needs_pdf
@pytest.mark.parametrize("fill", [build_council_demo, simulated], ids=["built", "simulated"])
async def test_the_demo_report_is_a_dutch_pdf_of_at_most_four_pages(container: Container, fill):
    await fill(container)
    async with client_for(container) as client:
        page = (await client.get("/p/DEMO")).text
        response = await client.get("/p/DEMO/rapport.pdf")

    assert 'href="/p/DEMO/rapport.pdf?lang=nl">Download als PDF</a>' in page
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="rapport-DEMO.pdf"' in response.headers["content-disposition"]
    _, texts = pages_of(response.content)
    assert len(texts) <= 4, f"{len(texts)} pages"
    cover = texts[0]
    assert GEMEENTE in cover and TITLE in cover
    assert re.search(r"Periode: \d+ september 2026 tot en met|Datum: \d+ december 2026", cover)
    assert "Rapport van 2 december 2026" in cover  # the test clock's day, in Dutch
    for number, text in enumerate(texts, start=1):
        assert f"pagina {number} van {len(texts)}" in text
        assert f"{GEMEENTE} · {TITLE}" in text  # the footer, with its spaces
    everything = "\n".join(texts)
    assert re.search(r"\b4,\d\b", everything)  # a mean with a decimal comma
    assert not DOT_DECIMAL.findall(everything)
    for heading in ("Deelname", "Meningsgroepen", "Wat bewoners schreven", "Verantwoording"):
        assert heading in everything, heading


@needs_pdf
async def test_the_pdf_is_tagged_with_its_title_author_language_and_embedded_fonts(
    container: Container,
):
    await build_council_demo(container)
    async with client_for(container) as client:
        response = await client.get("/p/DEMO/rapport.pdf?lang=en")

    reader, texts = pages_of(response.content)
    root = reader.trailer["/Root"]
    assert reader.metadata.title == TITLE and reader.metadata.author == GEMEENTE
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged (PDF/UA-1)
    assert f"page 1 of {len(texts)}" in texts[0] and "Report of December 2, 2026" in texts[0]
    assert 'filename="report-DEMO.pdf"' in response.headers["content-disposition"]
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            assert any(k.startswith("/FontFile") for k in described["/FontDescriptor"]), font


@needs_pdf
async def test_the_preview_pdf_is_for_facilitators_and_marked_on_every_page(
    container: Container,
):
    await build_council_demo(container)
    await make_user(container, "beheer@voorbeeld.nl", "admin")
    async with client_for(container) as client:
        anonymous = await client.get("/manage/projects/DEMO/preview/rapport.pdf")
        assert (await login(client, "beheer@voorbeeld.nl")).status_code == 303
        preview = await client.get("/manage/projects/DEMO/preview")
        response = await client.get("/manage/projects/DEMO/preview/rapport.pdf")

    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    assert 'href="/manage/projects/DEMO/preview/rapport.pdf?lang=nl"' in preview.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "private, no-store"
    _, texts = pages_of(response.content)
    assert len(texts) <= 4
    assert "Voorbeeld voor begeleiders" in texts[0]
    for text in texts:
        assert "Concept – voorbeeld, niet gepubliceerd" in text


@needs_pdf
async def test_the_cover_shows_the_gemeentes_logo_when_it_has_one(container: Container):
    await build_council_demo(container)
    async with client_for(container) as client:
        without = (await client.get("/p/DEMO/rapport.pdf")).content
        await container.bus.handle(SetLogo("gemeente-voorbeeld", png(40, 20)))
        page = (await client.get("/p/DEMO")).text
        response = await client.get("/p/DEMO/rapport.pdf")

    assert 'class="org-logo" src="/logo/gemeente-voorbeeld?v=' in page
    reader, texts = pages_of(response.content)
    assert len(reader.pages[0].images) == 1 and GEMEENTE in texts[0]
    assert not PdfReader(io.BytesIO(without)).pages[0].images


async def test_without_the_pdf_library_a_friendly_dutch_page_points_to_printing(
    container: Container, monkeypatch: pytest.MonkeyPatch
):
    await build_council_demo(container)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as on a server without it
    async with client_for(container) as client:
        response = await client.get("/p/DEMO/rapport.pdf")
        unknown = await client.get("/p/NOPE/rapport.pdf")

    assert response.status_code == 503
    assert "De PDF kan op deze server niet worden gemaakt" in response.text
    assert "Afdrukken" in response.text and 'href="/p/DEMO?lang=nl"' in response.text
    assert unknown.status_code == 404


async def test_the_page_footer_style_is_allowed_by_its_hash_and_no_title_escapes_it(
    container: Container,
):
    await build_council_demo(container)
    async with container.uow() as uow:
        await uow.conn.exec_driver_sql(
            "UPDATE projects SET title = 'Plein \"</style><script>alert(1)</script>' "
            "WHERE code = 'DEMO'"
        )
        await uow.commit()
    async with client_for(container) as client:
        response = await client.get("/p/DEMO")

    styles = re.findall(r"<style>(.*?)</style>", response.text, re.S)
    assert len(styles) == 1 and "<" not in styles[0]
    assert "Plein \\22 \\3c \\2f style\\3e " in styles[0]  # the title, escaped
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    policy = response.headers["content-security-policy"]
    assert f"style-src 'self' 'sha256-{digest}'" in policy and "unsafe-inline" not in policy
    assert "<script>alert" not in response.text


def test_a_css_string_keeps_spaces_after_escapes():
    assert css_string("Gemeente · Plein") == '"Gemeente \\b7  Plein"'
    assert css_string('a"b\\c') == '"a\\22 b\\5c c"'
