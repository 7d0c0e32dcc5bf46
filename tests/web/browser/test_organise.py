"""The organise page in a real browser (Debian's Chromium through Playwright), at 1280 wide and
on a 390x844 phone: axe-core finds no serious WCAG 2.1 AA violations, the keyboard reaches
the groups through a skip link, merging a group asks once inline and replaces only that group
(the page does not jump to the top), and undo puts it back.

Screenshots go to /work/shots15/ when that folder exists (for the README and review).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.domain import commands as c
from inspraak.bootstrap import Container, load_demo_if_empty
from tests.web.browser.site import add_admin, running_site
from tests.web.browser.test_facilitator_flow import ARGS, CHROMIUM, check_accessibility

ADMIN, PASSWORD = "orden@voorbeeld.example", "orden wachtwoord 2026"
SHOTS = Path("/work/shots15")
IDEAS = [
    "Meer bomen in de Lindelaan",
    "Plant meer bomen in de Lindelaan aub",
    "Meer bomen Lindelaan, het is zo kaal",
    "Meer groen en bomen in de Lindelaan 🌳",
    "Een zebrapad bij de basisschool",
    "Zebrapad bij de school graag",
    "Veilig oversteken bij de basisschool: een zebrapad",
    "Minder bomen in de Lindelaan, te veel blad",
    "Een hondenuitlaatplek in het park",
    "Bel me op 0612345678 over meer bankjes",
    "Meer bankjes langs de vijver",
    "Bankjes bij de vijver om uit te rusten",
]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    async def prepare(container: Container) -> None:
        await load_demo_if_empty(container)
        await add_admin(container, ADMIN, PASSWORD)
        async with container.uow() as uow:
            project = await uow.projects.by_code("DEMO")
            assert project is not None and project.id is not None
            rnd = next(r for r in await uow.projects.rounds(project.id) if r.key == "ideeen")
        for n, text in enumerate(IDEAS):
            rid = await container.bus.handle(c.GiveConsent(f"b{n}", project.id, "web", "nl"))
            await container.bus.handle(c.SubmitIdea(rid, rnd.id or 0, text))
        await container.bus.handle(c.CreateTheme(rnd.id or 0, "Groen", None))

    with running_site(tmp_path_factory.mktemp("organise"), prepare) as (base, _):
        yield base


def shot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"organise15-{name}.png"), full_page=True)


def test_a_facilitator_organises_ideas_with_keyboard_and_htmx(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            bypass_csp=True, locale="nl-NL", viewport={"width": 1280, "height": 800}
        )
        context.set_default_timeout(10000)
        page = context.new_page()
        page.goto(f"{server}/login")
        page.get_by_label("E-mailadres").fill(ADMIN)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.goto(f"{server}/manage/projects/DEMO")
        page.get_by_role("link", name="Ideeën ordenen").first.click()
        expect(page.get_by_role("heading", name="Ideeën ordenen: ideeen")).to_be_visible()
        # the first view may say the groups are being computed; HTMX brings them when ready
        expect(page.get_by_text("Groep 1")).to_be_visible(timeout=30000)
        check_accessibility(page)
        shot(page, "desktop")

        # The keyboard reaches the groups through the skip link.
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Naar de groepen")
        expect(skip).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{server}/manage/projects/DEMO/rounds/ideeen/ordenen#groups")

        # Merge the first group: one inline confirmation, only the group replaced.
        group = page.locator("form.block-cluster").first
        group.scroll_into_view_if_needed()
        page.mouse.wheel(0, 200)
        before = page.evaluate("window.scrollY")
        group_id = group.get_attribute("id")
        group.get_by_role("button", name="Aangevinkte ideeën samenvoegen tot één").click()
        confirm = page.locator(f"#{group_id} .confirm")
        expect(confirm).to_contain_text("samenvoegen tot één?")
        expect(confirm.locator(".question")).to_be_focused()
        check_accessibility(page)
        shot(page, "confirm")
        page.keyboard.press("Tab")
        expect(confirm.get_by_role("button", name="Ja, doen")).to_be_focused()
        page.keyboard.press("Enter")
        merged = page.locator(f"#{group_id}")
        expect(merged).to_contain_text("samengevoegd tot één.")
        expect(merged).to_contain_text("Staat voor")
        assert abs(page.evaluate("window.scrollY") - before) < 300  # no jump to the top
        expect(page.locator("#undo")).to_contain_text("samengevoegd")
        check_accessibility(page)
        shot(page, "merged")

        # Undo, right in the group, puts it back and returns to it.
        merged.get_by_role("button", name="Ongedaan maken").click()
        expect(page.locator(".notice").first).to_contain_text("Ongedaan gemaakt")
        expect(page).to_have_url(re.compile(f"gedaan=undo.*#{group_id}$"))
        expect(page.locator(f"#{group_id}")).to_contain_text("Deze tekst gebruiken")

        # A phone: the same page, usable at 390x844.
        phone = browser.new_context(
            bypass_csp=True,
            locale="nl-NL",
            viewport={"width": 390, "height": 844},
            storage_state=context.storage_state(),
        )
        small = phone.new_page()
        small.goto(f"{server}/manage/projects/DEMO/rounds/ideeen/ordenen")
        check_accessibility(small)
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
        shot(small, "phone")
        small.goto(f"{server}/manage/projects/DEMO/rounds/ideeen/ordenen?q=bomen")
        expect(small.get_by_role("heading", name="ideeën gevonden")).to_be_visible()
        check_accessibility(small)
        browser.close()
