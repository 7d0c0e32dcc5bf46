"""Reminders, the timeline and the wijken table in a real browser, at 1280x800 and 390x844:
axe-core finds no serious WCAG 2.1 AA violations and nothing is wider than a phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.domain import commands as c
from inspraak.bootstrap import Container, load_demo_if_empty
from tests.web.browser.site import add_admin, running_site
from tests.web.browser.test_facilitator_flow import ARGS, CHROMIUM, check_accessibility

ADMIN, PASSWORD = "planning@voorbeeld.example", "planning wachtwoord 2026"
SIZES = ((1280, 800), (390, 844))

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    async def prepare(container: Container) -> None:
        await load_demo_if_empty(container)
        await add_admin(container, ADMIN, PASSWORD)
        async with container.uow() as uow:
            project = await uow.projects.by_code("DEMO")
            assert project is not None and project.id is not None
            rnd = next(r for r in await uow.projects.rounds(project.id) if r.key == "ideeen")
        for n in range(5):
            pseudonym = container.conversations.pseudonym("telegram", str(9000 + n))
            await container.bus.handle(
                c.GiveConsent(pseudonym, project.id, "telegram", "nl", address=str(9000 + n))
            )
        await container.bus.handle(c.PromptRound(rnd.id or 0))

    with running_site(tmp_path_factory.mktemp("schedule"), prepare) as (base, _):
        yield base


def _fits(page) -> None:
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        check_accessibility(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_reminders_the_timeline_and_the_wijken_table_in_a_browser(server):
    from playwright.sync_api import expect, sync_playwright

    base = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(bypass_csp=True, locale="nl-NL")
        context.set_default_timeout(5000)
        page = context.new_page()
        page.goto(f"{base}/login")
        page.get_by_label("E-mailadres").fill(ADMIN)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()

        # Reminders in words: "1 dag voor sluiten" beside the existing "2 dagen na openen".
        page.goto(f"{base}/manage/projects/DEMO/rounds/ideeen")
        page.get_by_label("Sluit op").fill("2026-12-31T17:00")
        page.get_by_label("Herinnering 2: hoeveel").fill("1")
        page.get_by_label("Herinnering 2: gerekend vanaf").select_option("close")
        _fits(page)
        page.get_by_role("button", name="Ronde opslaan").click()
        expect(page).to_have_url(f"{base}/manage/projects/DEMO")

        # A reminder now: the count first, then the confirmation.
        page.get_by_role("link", name="Herinnering nu versturen ideeen").click()
        expect(page.get_by_text("5 deelnemers krijgen nu een herinnering.")).to_be_visible()
        _fits(page)
        page.get_by_role("button", name="Herinnering versturen naar 5 deelnemers").click()
        expect(page.get_by_role("status")).to_have_text("Herinnering klaargezet voor 5 bewoners.")
        expect(page.get_by_text("Herinnering (1 dag voor sluiten)")).to_be_visible()
        _fits(page)

        # A wijk typed without its colon gets its message beside its row.
        page.goto(f"{base}/manage/projects/DEMO/edit")
        page.get_by_label("Naam van wijk 3").fill("Noord-Oost 1033, 1034")
        page.get_by_role("button", name="Project opslaan").click()
        expect(page.locator("#e-wijken-2")).to_contain_text("bedoel je “Noord-Oost: 1033, 1034”?")
        _fits(page)
        page.get_by_label("Naam van wijk 3").fill("Noord-Oost")
        page.get_by_label("Postcodes van wijk 3").fill("1033, 1034")
        page.get_by_role("button", name="Project opslaan").click()
        expect(page).to_have_url(f"{base}/manage/projects/DEMO")
        browser.close()
