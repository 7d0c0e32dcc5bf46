"""The privacy statement, the organisations' privacy settings and the audit log in a real
browser, at desktop width and on a phone (390×844), with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest

from tests.web.browser.test_facilitator_flow import (  # noqa: F401 - the fixture
    ADMIN,
    ADMIN_PASSWORD,
    ARGS,
    CHROMIUM,
    check_accessibility,
    server,
)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)

ORG = "gemeente-utrecht"


def test_an_admin_edits_the_statement_and_reads_the_audit_log(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    base, _ = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(bypass_csp=True, locale="nl-NL")
        context.set_default_timeout(5000)
        page = context.new_page()
        page.goto(f"{base}/login")
        page.get_by_label("E-mailadres").fill(ADMIN)
        page.get_by_label("Wachtwoord").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.get_by_role("link", name="Organisaties").click()
        check_accessibility(page)
        page.goto(f"{base}/manage/organisations/{ORG}/privacy")
        check_accessibility(page)
        page.get_by_label("Contact voor privacy").fill("privacy@utrecht.example")
        page.get_by_label("Uw eigen tekst").fill("Grondslag: de publieke taak van de gemeente.")
        page.get_by_role("button", name="Opslaan").click()
        expect(page.get_by_role("status")).to_have_text("Opgeslagen.")
        page.get_by_role("link", name="Auditlog").click()
        expect(page.get_by_role("cell", name="Privacyinstellingen gewijzigd")).to_be_visible()
        check_accessibility(page)
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")

        for width, height in ((1280, 900), (390, 844)):
            phone = browser.new_context(
                bypass_csp=True, locale="nl-NL", viewport={"width": width, "height": height}
            )
            statement = phone.new_page()
            for lang, heading in (("nl", "Wat we bewaren"), ("en", "What we store")):
                statement.goto(f"{base}/privacy/{ORG}?lang={lang}")
                expect(statement.get_by_role("heading", name=heading)).to_be_visible()
                expect(statement.get_by_text("privacy@utrecht.example")).to_be_visible()
                check_accessibility(statement)
                overflow = statement.evaluate(
                    "document.documentElement.scrollWidth > window.innerWidth"
                )
                assert not overflow, (width, lang)
            phone.close()
        browser.close()
