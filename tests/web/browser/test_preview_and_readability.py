"""The preview chat and the round form's readability advice in a real browser (Debian's
Chromium through Playwright), at 1280×800 and 390×844: HTMX turns, focus on the next answer,
the live advice with its marks, and axe-core finds no serious or critical WCAG violation.

Skipped only when /usr/bin/chromium is missing; a browser is never downloaded.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from inspraak.bootstrap import Container, load_demo_if_empty
from tests.web.browser.site import add_admin, running_site
from tests.web.browser.test_facilitator_flow import ARGS, CHROMIUM, check_accessibility

EMAIL, PASSWORD = "proef@voorbeeld.nl", "proef wachtwoord 2026"
HARD = (
    "In het kader van de herinrichting van de openbare ruimte en de daarmee samenhangende "
    "klimaatadaptatiemaatregelen vragen wij u om uw visie op de prioritering van "
    "verschillende investeringsmogelijkheden kenbaar te maken."
)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    async def prepare(container: Container) -> None:
        await load_demo_if_empty(container)
        await add_admin(container, EMAIL, PASSWORD)

    with running_site(tmp_path_factory.mktemp("preview"), prepare) as (base, _):
        yield base


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_a_facilitator_tries_the_chat_and_reads_the_advice(server, width, height):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            locale="nl-NL", bypass_csp=True, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{server}/login")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{server}/manage/projects/DEMO")
        page.click("text=Proef de chat")
        check_accessibility(page)
        page.click("text=Start de proef")
        page.click("button:has-text('Ja, ik doe mee')")
        expect(page.locator("#preview-chat")).to_contain_text("4 cijfers van je postcode")
        focused = page.locator("#preview-chat form.options button").first
        expect(focused).to_be_focused()  # the next answer, after an HTMX turn
        page.fill("#preview-text", "5043")
        page.locator("#preview-text").press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator("#preview-chat")).to_contain_text("Hoe oud ben je?")
        expect(page.locator("#preview-chat .msg.bot").last).to_be_in_viewport()
        check_accessibility(page)
        page.click("text=Proef stoppen")
        expect(page.locator("main")).to_contain_text("De proef is gestopt")

        page.goto(f"{server}/manage/projects/DEMO/rounds/ideeen")
        page.fill("#f-question", HARD)
        advice = page.locator("#readability")
        expect(advice).to_contain_text("voor veel bewoners moeilijk te lezen")
        expect(advice.locator("mark.long-word").first).to_have_text("samenhangende")
        page.fill("#f-question", "Wat mist er in het park?")
        expect(advice).to_contain_text("Dit leest goed op B1")
        check_accessibility(page)
        browser.close()
