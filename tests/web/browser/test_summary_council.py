"""The summary a council reads, and the facilitator's preview of it, in a real browser at
desktop width and on a phone (390×844), with axe-core (WCAG 2.1 AA) and no sideways scroll."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from inspraak.bootstrap import Container
from tests.web.browser.site import add_admin, running_site
from tests.web.browser.test_facilitator_flow import (
    ADMIN,
    ADMIN_PASSWORD,
    ARGS,
    CHROMIUM,
    check_accessibility,
)
from tests.web.test_summary_council import build

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)


# The elements that stick out to the right, for the failure message.
WIDEST = """[...document.querySelectorAll('table, figure, svg, p')]
    .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.scroll-x'))
    .map(e => e.tagName + ' ' + (e.closest('table, figure')?.className || '')
         + ' ' + e.textContent.slice(0, 40))"""


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with project RAAD (rated, published) on 127.0.0.1; yields the base URL."""

    async def prepare(container: Container) -> None:
        await add_admin(container, ADMIN, ADMIN_PASSWORD)
        await build(container, published=True)

    with running_site(tmp_path_factory.mktemp("council"), prepare) as (base, _):
        yield base


def test_the_summary_and_its_preview_read_well_on_a_desktop_and_a_phone(council):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for width, height in ((1280, 900), (390, 844)):
            context = browser.new_context(
                bypass_csp=True, locale="nl-NL", viewport={"width": width, "height": height}
            )
            context.set_default_timeout(5000)
            page = context.new_page()
            for lang, heading in (("nl", "Verantwoording"), ("en", "How these results were made")):
                page.goto(f"{council}/p/RAAD?lang={lang}")
                expect(page.get_by_role("heading", name=heading)).to_be_visible()
                expect(page.get_by_text("Gemeente Zuiderhaven")).to_be_visible()
                check_accessibility(page)
                overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth")
                assert not overflow, (width, lang, page.evaluate(WIDEST))
            page.goto(f"{council}/login")
            page.get_by_label("E-mailadres").fill(ADMIN)
            page.get_by_label("Wachtwoord").fill(ADMIN_PASSWORD)
            page.get_by_role("button", name="Inloggen").click()
            page.goto(f"{council}/manage/projects/RAAD/results")
            page.get_by_role("link", name="Bekijk de openbare pagina vooraf").click()
            expect(page.get_by_text("Voorbeeld voor begeleiders")).to_be_visible()
            check_accessibility(page)
            assert not page.evaluate("document.documentElement.scrollWidth > innerWidth")
            page.screenshot(path=f"/tmp/summary16-preview-{width}.png", full_page=True)
            context.close()
        browser.close()
