"""The landing page, the web chat without JavaScript, the results page and /healthz."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from inspraak.bootstrap import Container
from web.app import create_app


@pytest.fixture
async def client(demo: Container) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(demo)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def options(html: str) -> dict[str, str]:
    """Map button labels to their values in the chat's option form."""
    return {
        label.strip(): value
        for value, label in re.findall(r'name="choice" value="([^"]*)">([^<]*)</button>', html)
    }


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def turn(html: str, form: str = "composer") -> str | None:
    """The one-time token of the chat's ``options`` or ``composer`` form (None: no such form)."""
    found = re.search(rf'class="{form}".*?name="turn" value="([^"]+)"', html, re.S)
    return found.group(1) if found else None


async def post(client: httpx.AsyncClient, page: str, **form: str) -> str:
    """Send one of the page's chat forms as a browser does, then read the page again."""
    sent = turn(page, "options" if "choice" in form else "composer")
    form = {"csrf": csrf(page), **({"turn": sent} if sent else {}), **form}
    response = await client.post("/chat/DEMO", data=form)
    assert response.status_code == 303, response.text
    return (await client.get("/chat/DEMO")).text


async def test_the_landing_page_lists_the_demo_with_its_web_chat_link(client: httpx.AsyncClient):
    page = await client.get("/")
    assert page.status_code == 200
    assert '<html lang="nl">' in page.text
    assert "Groen en leefbaar Oosterwijk" in page.text
    assert 'href="http://127.0.0.1:8000/chat/DEMO"' in page.text
    english = await client.get("/?lang=en")
    assert '<html lang="en">' in english.text and "Open projects" in english.text


async def test_a_person_takes_part_in_the_web_chat_with_plain_forms(client: httpx.AsyncClient):
    page = (await client.get("/chat/DEMO")).text
    assert "Ga je akkoord?" in page
    assert "inspraak_chat" in client.cookies
    page = await post(client, page, choice=options(page)["Ja, ik doe mee"])
    page = await post(client, page, choice=options(page)["Overslaan"])
    page = await post(client, page, choice=options(page)["Overslaan"])
    page = await post(client, page, text="<script>alert('x')</script> Meer bomen")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Meer bomen" in page
    assert "<script>alert" not in page
    page = await post(client, page, choice=options(page)["Versturen"])
    page = await post(client, page, choice=options(page)["Nee, verder"])
    assert "Belang" in page
    old_results = await client.get("/results/DEMO")  # public means published: the summary
    assert old_results.status_code == 303 and old_results.headers["location"] == "/p/DEMO"
    summary = (await client.get("/p/DEMO")).text
    assert "Meer bomen" not in summary and "<script>alert" not in summary


async def test_the_chat_answers_htmx_with_a_fragment(client: httpx.AsyncClient):
    page = (await client.get("/chat/DEMO")).text
    response = await client.post(
        "/chat/DEMO",
        data={"csrf": csrf(page), "choice": options(page)["Ja, ik doe mee"]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "postcode" in response.text


async def test_a_post_without_the_form_token_is_refused(client: httpx.AsyncClient):
    await client.get("/chat/DEMO")
    response = await client.post("/chat/DEMO", data={"text": "hallo"})
    assert response.status_code == 403
    response = await client.post("/chat/DEMO", data={"text": "hallo", "csrf": "forged"})
    assert response.status_code == 403


async def test_overlong_and_odd_input_never_gives_a_server_error(client: httpx.AsyncClient):
    page = (await client.get("/chat/DEMO")).text
    page = await post(client, page, choice=options(page)["Ja, ik doe mee"])
    for text in ("x" * 20000, "", "\x00\x07", "🙂" * 300, "' OR 1=1 --"):
        response = await client.post("/chat/DEMO", data={"csrf": csrf(page), "text": text})
        assert response.status_code == 303
    response = await client.post("/chat/DEMO", data={"csrf": csrf(page), "choice": "z" * 500})
    assert response.status_code == 303


async def test_an_unknown_project_code_in_the_chat_lists_the_open_projects(
    client: httpx.AsyncClient,
):
    page = (await client.get("/chat/NOPE")).text
    assert "Ik ken geen project met de code" in page
    assert "Groen en leefbaar Oosterwijk" in page


async def test_health_and_not_found(client: httpx.AsyncClient):
    health = await client.get("/healthz")
    assert health.json() == {"status": "ok", "database": "ok"}
    missing = await client.get("/results/NOPE", follow_redirects=True)
    assert missing.status_code == 404 and "Pagina niet gevonden" in missing.text
