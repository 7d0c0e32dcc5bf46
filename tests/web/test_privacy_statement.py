"""The privacy statement page of an organisation, its settings for admins, and the link to it
in the consent step on every channel."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bots.telegram.render import send_methods
from bots.whatsapp.render import render as whatsapp_render
from core.domain import commands as c
from core.messages import Incoming
from core.storage.db import create_all
from inspraak.bootstrap import Container, bootstrap, load_demo_if_empty
from tests.factories import project_toml
from tests.web.conftest import client_for, csrf, login, make_user

PUBLIC = "https://inspraak.voorbeeld.nl"
ORG = "gemeente-voorbeeld"


async def test_the_statement_in_dutch_says_what_why_how_long_and_which_rights(client):
    response = await client.get(f"/privacy/{ORG}")
    assert response.status_code == 200
    page = response.text
    for words in ("Privacyverklaring van Gemeente Voorbeeld", "Wat we bewaren", "pseudoniem",
                  "chatadres", "Waarom", "Hoe lang", "Groen en leefbaar Oosterwijk",
                  "365 dagen", "Wie ziet wat", "minstens 10 inwoners", "MIJN GEGEVENS",
                  "VERGEET", "STOP", "Autoriteit Persoonsgegevens",
                  "schrijf naar privacy@voorbeeld.nl", "toestemming (AVG artikel 6"):  # fmt: skip
        assert words in page, words
    for english in ("What we store", "Your rights", "days", "FORGET"):
        assert english not in page, english


async def test_without_a_privacy_contact_the_statement_names_the_organisation(client, demo):
    await demo.bus.handle(c.UpdatePrivacySettings(ORG, contact="", text=""))
    page = (await client.get(f"/privacy/{ORG}")).text
    assert "neem contact op met Gemeente Voorbeeld" in page
    assert "privacy@voorbeeld.nl" not in page


async def test_the_statement_in_english_is_complete(client):
    page = (await client.get(f"/privacy/{ORG}?lang=en")).text
    for words in ("Privacy statement of Gemeente Voorbeeld", "What we store", "Why",
                  "How long", "365 days", "Who sees what", "Your rights", "MY DATA",
                  "FORGET", "Autoriteit Persoonsgegevens"):  # fmt: skip
        assert words in page, words
    assert "Wat we bewaren" not in page


async def test_an_unknown_organisation_gets_the_friendly_not_found_page(client):
    response = await client.get("/privacy/nergens")
    assert response.status_code == 404 and "Pagina niet gevonden" in response.text


async def test_draft_projects_are_not_named_on_the_statement(client, demo):
    draft = project_toml("GEHEIM").replace("gemeente-test", ORG)
    draft = draft.replace('title = "Testproject"', 'title = "Geheim plan"\nstatus = "draft"')
    from core.services.project_file import import_project, parse_project_file

    async with demo.uow() as uow:
        await import_project(uow, parse_project_file(draft, "draft.toml"))
        await uow.commit()
    page = (await client.get(f"/privacy/{ORG}")).text
    assert "Geheim plan" not in page and "Groen en leefbaar Oosterwijk" in page


@pytest.fixture
async def admin(demo: Container) -> AsyncIterator[httpx.AsyncClient]:
    await make_user(demo, "admin@voorbeeld.nl", "admin")
    async with client_for(demo) as client:
        await login(client, "admin@voorbeeld.nl")
        yield client


async def test_an_admin_sets_the_contact_and_own_text_shown_on_the_statement(admin, demo):
    path = f"/manage/organisations/{ORG}/privacy"
    assert "Contact voor privacy" in (await admin.get(path)).text
    text = "Grondslag: de publieke taak.\r\nFunctionaris gegevensbescherming: fg@voorbeeld.nl"
    data = {"csrf": await csrf(admin), "contact": "privacy@voorbeeld.nl", "text": text}
    saved = await admin.post(path, data=data)
    assert saved.status_code == 303
    page = (await admin.get(f"/privacy/{ORG}")).text
    assert "schrijf naar privacy@voorbeeld.nl" in page
    assert "Grondslag: de publieke taak.\nFunctionaris" in page
    from tests.web.test_audit_log import _audit

    entry = (await _audit(demo))[-1]
    assert entry["action"] == "organisation.privacy" and entry["actor"] == "admin@voorbeeld.nl"
    assert entry["target"] == f"organisation:{ORG}" and entry["organisation_id"]
    assert "publieke taak" not in repr(entry)
    listing = (await admin.get("/manage/organisations")).text
    assert "privacy@voorbeeld.nl" in listing


async def test_a_contact_too_long_is_refused_beside_its_field(admin):
    path = f"/manage/organisations/{ORG}/privacy"
    data = {"csrf": await csrf(admin), "contact": "x" * 300, "text": ""}
    response = await admin.post(path, data=data)
    assert response.status_code == 400
    assert 'id="e-contact"' in response.text and "254" in response.text
    too_long = {**data, "contact": "", "text": "y" * 5001}
    assert 'id="e-text"' in (await admin.post(path, data=too_long)).text


async def test_facilitators_may_not_change_the_privacy_settings(signed_in, demo):
    path = f"/manage/organisations/{ORG}/privacy"
    assert (await signed_in.get(path)).status_code == 403
    data = {"csrf": await csrf(signed_in), "contact": "hack@x.nl", "text": "x"}
    assert (await signed_in.post(path, data=data)).status_code == 403
    assert "hack@x.nl" not in (await signed_in.get(f"/privacy/{ORG}")).text


# --- the consent step links to the statement ---


async def test_the_web_chat_links_the_statement_on_its_own_site_without_a_public_url(client):
    page = (await client.get("/chat/DEMO")).text
    assert f'<a href="/privacy/{ORG}">/privacy/{ORG}</a>' in page
    assert "Ga je akkoord?" in page


@pytest.fixture
async def public(container, settings, clock) -> AsyncIterator[Container]:
    """The demo with INSPRAAK_PUBLIC_URL set, on the database ``container`` has just emptied
    (on PostgreSQL the tests share one)."""
    container = bootstrap(settings.model_copy(update={"public_url": PUBLIC + "/"}), clock=clock)
    await create_all(container.engine)
    await load_demo_if_empty(container)
    try:
        yield container
    finally:
        await container.close()


async def _consent(container: Container, channel: str) -> list:
    outcome = await container.conversations.handle(channel, "4242", Incoming.start("DEMO"))
    return outcome.replies


async def test_the_web_chat_links_the_absolute_statement_address(public):
    async with client_for(public) as client:
        page = (await client.get("/chat/DEMO")).text
    url = f"{PUBLIC}/privacy/{ORG}"
    assert f'<a href="{url}">{url}</a>' in page


async def test_telegram_and_whatsapp_get_the_absolute_statement_address(public):
    url = f"{PUBLIC}/privacy/{ORG}"
    telegram = send_methods(4242, (await _consent(public, "telegram"))[-1])
    assert any(url in m.text for m in telegram)
    whatsapp = whatsapp_render("31612345678", await _consent(public, "whatsapp"))
    assert any(url in repr(payload) for payload in whatsapp)
    assert "Wat we bewaren, waarom en hoe lang:" in telegram[0].text


async def test_without_a_public_url_other_channels_say_where_to_look(demo):
    replies = await _consent(demo, "telegram")
    text = " ".join(m.text for m in send_methods(4242, replies[-1]))
    assert "privacyverklaring op de website van de gemeente" in text
    assert "/privacy/" not in text and "127.0.0.1" not in text


async def test_the_english_consent_step_links_the_statement_too(public):
    outcome = await public.conversations.handle(
        "telegram", "4343", Incoming.start("DEMO", language_hint="en")
    )
    text = outcome.replies[-1].text
    assert f"What we store, why and for how long: {PUBLIC}/privacy/{ORG}" in text


async def test_a_link_a_resident_wrote_never_becomes_a_link_in_the_web_chat():
    from web.filters import privacy_links

    shown = privacy_links("Kijk op https://kwaad.example/privacy/x en /privacy/echt", PUBLIC)
    assert '<a href="https://kwaad.example' not in shown
    assert '<a href="/privacy/echt">' in shown
    assert "&lt;script&gt;" in privacy_links("<script>", "")
