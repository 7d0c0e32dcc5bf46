"""The council's report printed from a real browser: DEMO with forty simulated residents prints on
at most four A4 pages with "pagina n van N" and the gemeente in the footer, and nothing (no
chart, no table) is wider than the printed page."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from inspraak.bootstrap import Container, load_demo_if_empty
from inspraak.simulation import simulate
from tests.web.browser.site import running_site
from tests.web.browser.test_facilitator_flow import ARGS, CHROMIUM, check_accessibility
from tests.web.browser.test_summary_council import WIDEST

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)
A4_TEXT_WIDTH = 673  # CSS pixels: 210 mm less the report's 2 x 16 mm side margins, at 96 dpi


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with DEMO (40 simulated residents, four rounds, published) on 127.0.0.1."""

    async def prepare(container: Container) -> None:
        await load_demo_if_empty(container)
        await simulate(container, "DEMO", 40, seed=1, publish=True)

    with running_site(tmp_path_factory.mktemp("report"), prepare) as (base, _):
        yield base


def test_the_printed_summary_is_at_most_four_a4_pages_with_numbers_and_the_gemeente(demo_site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        axe = browser.new_page(locale="nl-NL", bypass_csp=True)  # axe is an inline script
        axe.goto(f"{demo_site}/p/DEMO")
        check_accessibility(axe)  # the screen page, with its download link
        # Printed under the page's own policy: the footer's inline style is allowed by its hash.
        page = browser.new_page(locale="nl-NL", viewport={"width": 1280, "height": 900})
        page.set_default_timeout(5000)
        page.goto(f"{demo_site}/p/DEMO")
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        page.set_viewport_size({"width": A4_TEXT_WIDTH, "height": 1000})
        page.emulate_media(media="print")
        overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth")
        widest = page.evaluate(WIDEST)
        browser.close()

    texts = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(texts) <= 4, f"{len(texts)} pages"
    assert "Groen en leefbaar Oosterwijk" in texts[0] and "Rapport van" in texts[0]
    for number, text in enumerate(texts, start=1):
        assert f"pagina {number} van {len(texts)}" in text
        assert "Gemeente Voorbeeld · Groen en leefbaar Oosterwijk" in text
    assert "Download als PDF" not in "\n".join(texts)  # no screen chrome in print
    assert not overflow, widest


def test_the_simulated_demo_reads_on_a_phone_without_sideways_scroll(demo_site):
    """Opinion groups, statements, the matrix and population tables at 390×844: every wide
    table scrolls inside its own region, never the page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(locale="nl-NL", viewport={"width": 390, "height": 844})
        page.goto(f"{demo_site}/p/DEMO")
        overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth")
        widest = page.evaluate(WIDEST)
        groups = page.locator("p.group-words").count()
        browser.close()
    assert groups >= 2  # the page under test has its opinion groups
    assert not overflow, widest
