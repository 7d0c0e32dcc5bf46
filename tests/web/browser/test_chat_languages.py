"""The web chat in Arabic in a real browser: right to left, within a phone's width, each line
of a message in its own direction, and accessible (axe-core, WCAG 2.1 AA); the round form's
translations likewise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from inspraak.bootstrap import Container, load_demo_if_empty
from tests.web.browser.site import add_admin, running_site
from tests.web.browser.test_facilitator_flow import ARGS, CHROMIUM, check_accessibility

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)
ADMIN, PASSWORD = "talen@voorbeeld.example", "talen wachtwoord 2026"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    async def prepare(container: Container) -> None:
        await load_demo_if_empty(container)
        await add_admin(container, ADMIN, PASSWORD)

    folder: Path = tmp_path_factory.mktemp("languages")
    with running_site(folder, prepare) as (base, _):
        yield base


def test_the_arabic_chat_reads_right_to_left_on_a_phone(site: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
        context.set_default_timeout(5000)
        page = context.new_page()
        page.goto(f"{site}/chat/DEMO?lang=ar")
        for label, then in (("نعم، أشارك", "سؤالان"), ("تخطَّ", "كم عمرك"), ("تخطَّ", "Wat zou")):
            page.get_by_role("button", name=label, exact=True).first.click()
            expect(page.locator(".msg.bot p").last).to_contain_text(then)
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        log = page.locator(".chat-log")
        assert log.get_attribute("dir") == "rtl" and log.get_attribute("lang") == "ar"
        # the Dutch question starts at the left, the Arabic line below it at the right
        last = page.locator(".msg.bot p").last
        assert "Wat zou jij veranderen" in last.inner_text()
        assert last.evaluate("e => getComputedStyle(e).unicodeBidi") == "plaintext"
        check_accessibility(page)
        browser.close()


def test_the_round_form_offers_a_field_per_language(site: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(bypass_csp=True, locale="nl-NL")
        context.set_default_timeout(5000)
        page = context.new_page()
        page.goto(f"{site}/login")
        page.get_by_label("E-mailadres").fill(ADMIN)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.goto(f"{site}/manage/projects/DEMO/rounds/stellingen")
        english = page.locator("#f-statements__en")
        assert english.input_value().startswith("Parking spaces may make way for greenery.")
        expect(english).to_be_visible()  # folded open: it holds translations
        assert page.get_by_label("English", exact=True).count() == 4  # one per text of the form
        arabic = page.locator("#f-question__ar")
        assert arabic.get_attribute("dir") == "rtl" and arabic.get_attribute("lang") == "ar"
        check_accessibility(page)
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        browser.close()
