"""The files a site is asked for by name: robots.txt keeps chats and the web area out of search
engines; security.txt (RFC 9116) says where to report a vulnerability once a contact is set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from config.settings import Settings
from inspraak.bootstrap import Container
from tests.web.conftest import client_for


async def test_search_engines_may_read_summaries_but_no_chat_or_web_area(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/plain"
    )
    rules = response.text.splitlines()
    for private in ("/chat/", "/manage/", "/account/", "/login", "/api/", "/qr/"):
        assert f"Disallow: {private}" in rules
    assert not any(rule.startswith("Disallow: /p") for rule in rules)  # the summaries
    assert "Allow: /" in rules


async def test_without_a_security_contact_there_is_no_security_txt(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/.well-known/security.txt")
    assert response.status_code == 404


async def test_security_txt_names_the_contact_and_expires_within_a_year(demo: Container) -> None:
    demo.settings.security_contact = "mailto:security@gemeente.nl"
    demo.settings.public_url = "https://inspraak.gemeente.nl"
    async with client_for(demo) as client:
        response = await client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/plain"
    )
    fields = dict(line.split(": ", 1) for line in response.text.splitlines())
    assert fields["Contact"] == "mailto:security@gemeente.nl"
    assert fields["Canonical"] == "https://inspraak.gemeente.nl/.well-known/security.txt"
    assert fields["Preferred-Languages"] == "nl, en"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = demo.clock()
    assert now < expires < now + timedelta(days=365)


def test_a_bare_e_mail_address_is_a_mailto_and_anything_else_is_refused() -> None:
    assert Settings(security_contact="security@gemeente.nl").security_contact == (
        "mailto:security@gemeente.nl"
    )
    assert Settings(security_contact="https://gemeente.nl/kwetsbaarheid").security_contact
    for wrong in ("bel ons", "http://gemeente.nl/melden", "mailto:a@b.nl extra"):
        with pytest.raises(ValueError, match="INSPRAAK_SECURITY_CONTACT"):
            Settings(security_contact=wrong)
