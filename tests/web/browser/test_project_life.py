"""A project's whole life in a real browser (Debian's Chromium through Playwright).

A facilitator starts a project from a shipped template, edits it, opens a round, a resident
answers in the web chat, the results are published, the project is copied and the copy
deleted; on the way a change of a round that has answers is refused, publishing asks first
with what will happen and a preview, and the results are taken back. Each step is a small
function. axe-core checks every new page. Skipped only when /usr/bin/chromium is missing; a
browser is never downloaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from core.services import accounts
from core.storage.accounts import AccountRepository
from inspraak.bootstrap import Container
from tests.web.browser.site import running_site
from tests.web.browser.test_facilitator_flow import ARGS, CHROMIUM, check_accessibility

EMAIL, PASSWORD = "anna@noord.example", "speeltuinen in noord 2026"
CODE, TITLE, COPY = "SPEEL", "Speeltuinen in Noord", "SPEEL-2"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on 127.0.0.1 in a thread, with one facilitator of gemeente-noord."""

    async def prepare(container: Container) -> None:
        async with container.uow() as uow:
            user, _ = await accounts.create_user(uow, EMAIL, "facilitator", "gemeente-noord")
            await AccountRepository(uow.conn).update_user(
                user.id or 0,
                password_hash=await accounts.hash_password(PASSWORD),
                must_change_password=False,
            )
            await uow.commit()

    with running_site(tmp_path_factory.mktemp("life"), prepare) as (url, _):
        yield url


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def new_page(browser):
    context = browser.new_context(bypass_csp=True, locale="nl-NL")
    context.set_default_timeout(5000)
    return context.new_page()


# --- the steps ---------------------------------------------------------------------------


def log_in(page, base: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/login")
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(f"{base}/manage")


def create_from_template(page, base: str, code: str = CODE) -> None:
    """Projects → Start from a template → Omgevingsvisie, with a code and a title."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Begin met een sjabloon").click()
    check_accessibility(page)
    page.get_by_role("link", name=re.compile(r"^Dit sjabloon gebruiken\W+Omgevingsvisie$")).click()
    check_accessibility(page)
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_role("button", name="Project maken").click()
    expect(page).to_have_url(f"{base}/manage/projects/{code}?made=template")
    expect(page.locator(".notice")).to_contain_text("gemaakt van het sjabloon")
    for key in ("ideeen", "prioriteren", "keuzes", "reactie"):
        expect(page.locator(f"#round-{key}")).to_contain_text("concept")


def edit_project_and_open_the_ideas_round(page, base: str) -> None:
    """The project goes live without profile questions; its ideas round opens now."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Instellingen").click()
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Vraag bewoners om hun postcode").uncheck()
    page.get_by_role("button", name="Project opslaan").click()
    expect(page).to_have_url(f"{base}/manage/projects/{CODE}")
    page.goto(f"{base}/manage/projects/{CODE}/rounds/ideeen")
    page.get_by_label("Vraag", exact=True).fill("Welke speeltuin in Noord moet beter, en hoe?")
    page.get_by_role("button", name="Ronde opslaan").click()
    expect(page).to_have_url(f"{base}/manage/projects/{CODE}")
    # opening asks first: what will happen, and how many residents get a message
    page.get_by_role("link", name="Nu openen ideeen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ronde ideeen openen?")
    check_accessibility(page)
    page.get_by_role("button", name="Openen en 0 deelnemers een bericht sturen").click()
    expect(page.locator("#round-ideeen")).to_contain_text("loopt")


def rounds_table_fits(page, base: str) -> None:
    """The dashboard's rounds table fits a 1280 px screen and a 390 px phone, no sideways
    scrolling; on the wide screen each round's actions sit beside each other."""
    page.goto(f"{base}/manage/projects/{CODE}")
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        table = page.locator("table.rounds").bounding_box()
        assert table is not None and table["x"] + table["width"] <= width
    page.set_viewport_size({"width": 1280, "height": 800})
    actions = page.locator("#round-ideeen td.actions").bounding_box()
    assert actions is not None and actions["height"] < 120  # a line or two, not a column


def resident_gives_an_idea(browser, base: str) -> None:
    from playwright.sync_api import expect

    resident = new_page(browser)
    resident.goto(f"{base}/chat/{CODE}")
    resident.get_by_role("button", name="Ja, ik doe mee").click()
    expect(resident.locator(".chat-log")).to_contain_text("Fijn dat je meedoet")
    resident.get_by_label("Je bericht").fill("hallo")
    resident.locator("form.composer").get_by_role("button").click()
    expect(resident.locator(".chat-log")).to_contain_text("Welke speeltuin in Noord")
    resident.get_by_label("Je bericht").fill("Een schommel voor kinderen in een rolstoel")
    resident.locator("form.composer").get_by_role("button").click()
    resident.locator("form.options").get_by_role("button", name="Versturen").click()
    expect(resident.locator(".chat-log")).to_contain_text("rolstoel")
    resident.context.close()


def refused_change_of_an_answered_round(page, base: str) -> None:
    """The ideas round has an answer: the form says what is fixed, and a changed kind is
    refused with the reason, beside the field."""
    from playwright.sync_api import expect

    page.goto(f"{base}/manage/projects/{CODE}/rounds/ideeen")
    expect(page.locator(".notice")).to_contain_text("antwoorden van 1 deelnemer: het soort")
    page.get_by_label("Soort ronde").select_option("statements")
    page.get_by_label("Stellingen").fill("Een stelling")
    page.get_by_role("button", name="Ronde opslaan").click()
    expect(page.locator(".error-summary")).to_contain_text("deelnemers die antwoordden: 1")
    check_accessibility(page)
    page.goto(f"{base}/manage/projects/{CODE}/rounds/ideeen")
    expect(page.get_by_label("Soort ronde")).to_have_value("ideas")


def publish_with_confirmation_and_preview(page, base: str) -> None:
    """Publishing asks first, says who gets a message, and offers a preview of the page."""
    from playwright.sync_api import expect

    page.goto(f"{base}/manage/projects/{CODE}")
    page.get_by_role("link", name="Resultaten publiceren ideeen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Resultaten van ronde ideeen publiceren?"
    )
    # the web chat's resident is told nothing (the web chat cannot send); the idea waits
    expect(page.locator("main")).to_contain_text("0 deelnemers die meededen krijgen nu")
    expect(page.get_by_role("note")).to_contain_text("1 bijdrage wacht nog op moderatie")
    check_accessibility(page)
    confirm = page.url
    page.get_by_role("link", name="Bekijk de openbare pagina met deze resultaten").click()
    expect(page.locator("main")).to_contain_text("1 bewoner gaf antwoord.")
    expect(page.locator("main")).to_contain_text("Bewoners schreven 1 idee.")
    page.goto(confirm)
    page.get_by_role("button", name="Publiceren en 0 deelnemers een bericht sturen").click()
    expect(page.locator("#round-ideeen")).to_contain_text("gepubliceerd")


def unpublish(page, base: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/manage/projects/{CODE}")
    page.get_by_role("link", name="Resultaten terugtrekken ideeen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Resultaten van ronde ideeen terugtrekken?"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Resultaten terugtrekken").click()
    expect(page.locator("#round-ideeen")).not_to_contain_text("gepubliceerd")
    expect(page.get_by_role("link", name="Resultaten publiceren ideeen")).to_be_visible()


def copy_project(page, base: str) -> None:
    """The copy keeps the rounds and their texts, as drafts without answers."""
    from playwright.sync_api import expect

    page.goto(f"{base}/manage/projects/{CODE}")
    page.get_by_role("link", name="Project kopiëren").click()
    check_accessibility(page)
    expect(page.get_by_label("Code van de kopie")).to_have_value(COPY)
    page.get_by_label("Titel").fill("Speeltuinen in Noord, ronde 2")
    page.get_by_role("button", name="Kopie maken").click()
    expect(page).to_have_url(f"{base}/manage/projects/{COPY}?made=copy")
    expect(page.locator("#round-ideeen")).to_contain_text("concept")
    expect(page.locator("#live")).to_contain_text("Bewoners: 0")


def original_cannot_be_deleted(page, base: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/manage/projects/{CODE}/delete")
    expect(page.locator("main")).to_contain_text("kan niet worden verwijderd")
    check_accessibility(page)


def delete_the_copy(page, base: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/manage/projects/{COPY}")
    page.get_by_role("link", name="Project verwijderen").click()
    expect(page.locator("main")).to_contain_text("4 rondes worden voorgoed verwijderd")
    check_accessibility(page)
    page.get_by_role("button", name="Project verwijderen").click()
    expect(page).to_have_url(f"{base}/manage?deleted={COPY}")
    expect(page.locator(".notice")).to_contain_text(f"Project {COPY} is verwijderd.")
    expect(page.locator("main table")).not_to_contain_text(COPY)
    assert page.goto(f"{base}/manage/projects/{COPY}").status == 404


# --- the tests ---------------------------------------------------------------------------


def test_done_when_template_edit_refusal_publish_unpublish_copy_delete(base, browser):
    page = new_page(browser)
    log_in(page, base)
    create_from_template(page, base)
    edit_project_and_open_the_ideas_round(page, base)
    rounds_table_fits(page, base)
    resident_gives_an_idea(browser, base)
    refused_change_of_an_answered_round(page, base)
    publish_with_confirmation_and_preview(page, base)
    unpublish(page, base)
    copy_project(page, base)
    original_cannot_be_deleted(page, base)
    delete_the_copy(page, base)
