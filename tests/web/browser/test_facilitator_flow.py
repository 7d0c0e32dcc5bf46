"""A facilitator's first day in a real browser (Debian's Chromium through Playwright).

Logs in with a one-time password, sets a password, creates a project with two rounds,
watches a resident's idea arrive from the web chat, moderates it, publishes and opens the
summary page. axe-core checks every page: no serious or critical WCAG 2.1 AA violations.
A second test opens the opinion groups of a published Pol.is conversation (brexit-consensus,
imported into the same database) on the results and summary pages, with the strict
Content-Security-Policy enforced, axe, and print.

Skipped only when /usr/bin/chromium is missing (``apt-get install -y chromium``); a browser
is never downloaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.domain.commands import PublishResults
from core.services import accounts
from core.services.project_file import import_project, parse_project_file
from inspraak.bootstrap import Container
from tests.factories import import_polis
from tests.web.browser.site import add_admin, running_site

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).with_name("axe.min.js")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN, ADMIN_PASSWORD = "beheer@utrecht.example", "beheer wachtwoord 2026"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app on 127.0.0.1 in a thread; yields (base URL, one-time password)."""

    async def prepare(container: Container) -> str:
        async with container.uow() as uow:
            _, password = await accounts.create_user(
                uow, "facilitator@utrecht.example", "facilitator", "gemeente-utrecht"
            )
            await uow.commit()
        await add_admin(container, ADMIN, ADMIN_PASSWORD)
        await import_polis(container, "brexit-consensus", "BREXIT")  # published, 204 voters
        await _published_haven(container)
        return password

    with running_site(tmp_path_factory.mktemp("browser"), prepare) as (base, password):
        yield base, password


HAVEN = """
[project]
code = "HAVEN"
title = "De nieuwe haven"
organisation = "gemeente-haven"

[[rounds]]
key = "reactie"
kind = "feedback"
question = "Welk cijfer geef je het havenplan?"
state = "closed"
"""


async def _published_haven(container) -> None:
    """A listed project of another organisation with a published round (the landing page)."""
    async with container.uow() as uow:
        project, _ = await import_project(uow, parse_project_file(HAVEN, "haven.toml"))
        await uow.commit()
        rounds = await uow.projects.rounds(project.id or 0)
    await container.bus.handle(PublishResults(rounds[0].id or 0))


def check_accessibility(page) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA) and fail on serious or critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{page.url}: " + "\n".join(bad)


def test_a_facilitator_runs_a_project_from_login_to_published_summary(server):
    from playwright.sync_api import expect, sync_playwright

    base, one_time = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(bypass_csp=True, locale="nl-NL")
        context.set_default_timeout(5000)
        page = context.new_page()

        # Log in with the one-time password and choose a real one.
        page.goto(f"{base}/manage")
        expect(page).to_have_url(f"{base}/login?next=%2Fmanage")
        check_accessibility(page)
        page.get_by_label("E-mailadres").fill("facilitator@utrecht.example")
        page.get_by_label("Wachtwoord").fill(one_time)
        page.get_by_role("button", name="Inloggen").click()
        expect(page).to_have_url(f"{base}/account/password")
        check_accessibility(page)
        page.get_by_label("Huidig wachtwoord").fill(one_time)
        page.get_by_label("Nieuw wachtwoord", exact=True).fill("een goed wachtwoord 42")
        page.get_by_label("Nieuw wachtwoord nogmaals").fill("een goed wachtwoord 42")
        page.get_by_role("button", name="Wachtwoord opslaan").click()
        expect(page).to_have_url(f"{base}/manage?changed=1")
        check_accessibility(page)

        # Create a project (pre-moderation) ...
        page.get_by_role("link", name="Nieuw project").click()
        check_accessibility(page)
        page.get_by_label("Code", exact=True).fill("park")
        page.get_by_label("Titel").fill("Een nieuw park")
        page.get_by_label("Introductie voor bewoners").fill("Denk mee over het park.")
        page.get_by_label("Moderatie").select_option("pre")
        page.get_by_label("Vraag bewoners om hun postcode").uncheck()
        page.get_by_role("button", name="Project opslaan").click()
        expect(page).to_have_url(f"{base}/manage/projects/PARK")
        check_accessibility(page)

        # ... with an ideas round open now and a feedback round scheduled later.
        page.get_by_role("link", name="Ronde toevoegen").click()
        check_accessibility(page)
        page.get_by_label("Korte naam").fill("ideeen")
        page.get_by_label("Vraag", exact=True).fill("Wat wil jij in het park?")
        page.get_by_label("Opent op").fill("2026-01-01T09:00")
        page.get_by_label("Status").select_option("open")
        page.get_by_role("button", name="Ronde opslaan").click()
        expect(page).to_have_url(f"{base}/manage/projects/PARK")
        page.get_by_role("link", name="Ronde toevoegen").click()
        page.get_by_label("Korte naam").fill("reactie")
        page.get_by_label("Soort ronde").select_option("feedback")
        page.get_by_label("Vraag", exact=True).fill("Welk cijfer geef je het plan?")
        page.get_by_label("Opent op").fill("2030-06-01T09:00")
        page.get_by_label("Sluit op").fill("2030-06-01T08:00")
        page.get_by_role("button", name="Ronde opslaan").click()
        expect(page.locator("#e-__all__, .error-summary")).to_contain_text(
            "de sluitingstijd moet na de openingstijd liggen"
        )
        check_accessibility(page)  # the form with its errors
        page.get_by_label("Sluit op").fill("2030-06-15T17:00")
        page.get_by_role("button", name="Ronde opslaan").click()
        expect(page).to_have_url(f"{base}/manage/projects/PARK")
        expect(page.locator("#round-reactie")).to_contain_text("1 jun 2030 09:00")

        # A resident answers in the web chat (with HTML in the idea, which must stay text).
        resident_context = browser.new_context(bypass_csp=True, locale="nl-NL")
        resident_context.set_default_timeout(5000)
        resident = resident_context.new_page()
        resident.goto(f"{base}/chat/PARK")
        resident.get_by_role("button", name="Ja, ik doe mee").click()
        expect(resident.locator(".chat-log")).to_contain_text("Fijn dat je meedoet")
        resident.get_by_label("Je bericht").fill("hallo")
        resident.locator("form.composer").get_by_role("button").click()
        expect(resident.locator(".chat-log")).to_contain_text("Wat wil jij in het park?")
        resident.get_by_label("Je bericht").fill("Een <b>speeltuin</b> bij de vijver")
        resident.locator("form.composer").get_by_role("button").click()
        resident.locator("form.options").get_by_role("button", name="Versturen").click()
        expect(resident.locator(".chat-log")).to_contain_text("speeltuin")
        check_accessibility(resident)

        page.reload()
        expect(page.locator("#live")).to_contain_text("Een <b>speeltuin</b> bij de vijver")
        check_accessibility(page)

        # Moderate: approve the idea, then publish the ideas round.
        page.get_by_role("link", name="Wacht op moderatie: 1").click()
        expect(page.locator(".queue-entry")).to_have_count(1)
        check_accessibility(page)
        page.locator(".queue-entry").get_by_role("button", name="Goedkeuren").click()
        expect(page.get_by_text("Niets wacht op moderatie.")).to_be_visible()
        page.goto(f"{base}/manage/projects/PARK")
        # publishing asks first (issue 18): what will happen, then the button that does it
        page.get_by_role("link", name="Resultaten publiceren ideeen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Resultaten van ronde ideeen publiceren?"
        )
        check_accessibility(page)
        page.get_by_role("button", name="Publiceren en").click()
        expect(page.locator("#round-ideeen")).to_contain_text("gepubliceerd")

        page.goto(f"{base}/manage/projects/PARK/results")
        check_accessibility(page)

        # The public summary page, for screen and for print.
        page.goto(f"{base}/p/PARK")
        expect(page.get_by_role("heading", level=1)).to_have_text("Een nieuw park")
        expect(page.locator("main")).to_contain_text("1 idee.")
        check_accessibility(page)
        page.emulate_media(media="print")
        assert page.locator(".site-header").is_hidden()
        assert page.pdf(format="A4")[:4] == b"%PDF"
        browser.close()


def test_opinion_groups_pass_the_strict_csp_axe_and_print(server):
    from playwright.sync_api import expect, sync_playwright

    base, _ = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)

        # The strict CSP enforced: the map and its page must not need inline styles or scripts.
        strict = browser.new_context(locale="nl-NL")
        strict.set_default_timeout(5000)
        page = strict.new_page()
        refused: list[str] = []
        page.on(
            "console",
            lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{base}/p/BREXIT")
        opinions = page.locator("section.opinions").first
        expect(opinions.get_by_role("heading", name="Meningsgroepen")).to_be_visible()
        expect(page.get_by_role("img", name="Meningenkaart")).to_be_visible()
        expect(page.locator("h4", has_text="Groep A:")).to_be_visible()
        assert page.locator("svg.opinion-map circle").count() > 200
        assert page.get_by_role("img", name="Meningenkaart").bounding_box()["width"] > 200
        assert refused == []

        # axe (its script is injected, hence a context that bypasses the CSP).
        checked = browser.new_context(bypass_csp=True, locale="nl-NL")
        checked.set_default_timeout(5000)
        page = checked.new_page()
        page.goto(f"{base}/login")
        page.get_by_label("E-mailadres").fill(ADMIN)
        page.get_by_label("Wachtwoord").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        expect(page).to_have_url(f"{base}/manage")
        page.goto(f"{base}/manage/projects/BREXIT/results")
        expect(page.locator("svg.opinion-map")).to_be_visible()
        check_accessibility(page)
        page.goto(f"{base}/p/BREXIT")
        check_accessibility(page)
        page.goto(f"{base}/p/BREXIT?lang=en")
        expect(page.get_by_role("img", name="Opinion map")).to_be_visible()
        check_accessibility(page)

        # Print: the map stays on the page, fits the A4 width and the groups stay readable.
        page.emulate_media(media="print")
        assert page.locator(".site-header").is_hidden()
        expect(page.locator("svg.opinion-map")).to_be_visible()
        width = page.locator("svg.opinion-map").bounding_box()["width"]
        assert 200 < width <= 460  # 12 cm at 96 dpi is 454 px
        expect(page.locator("h4", has_text="Group A:")).to_be_visible()
        assert page.pdf(format="A4")[:4] == b"%PDF"
        browser.close()


def test_the_landing_page_links_the_published_summary_in_both_languages(server):
    from playwright.sync_api import expect, sync_playwright

    base, _ = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for size in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
            context = browser.new_context(bypass_csp=True, locale="nl-NL", viewport=size)
            context.set_default_timeout(5000)
            page = context.new_page()
            page.goto(f"{base}/")
            expect(page.get_by_role("heading", name="Gepubliceerde resultaten")).to_be_visible()
            assert page.get_by_role("link", name="Resultaten tot nu toe").count() == 0
            check_accessibility(page)
            page.goto(f"{base}/?lang=en")
            expect(page.get_by_role("heading", name="Published results")).to_be_visible()
            check_accessibility(page)
            assert page.locator('a[href$="/p/BREXIT"]').count() == 0  # not listed
            page.get_by_role("link", name="De nieuwe haven").click()
            expect(page).to_have_url(f"{base}/p/HAVEN")
            expect(page.get_by_role("heading", level=1)).to_have_text("De nieuwe haven")
            context.close()
        browser.close()
