"""Similar ideas in the web chat (plain forms and HTMX) and the API's
``GET /api/v1/projects/{code}/rounds/{key}/similar``: what the chat offers, as JSON."""

from __future__ import annotations

import html

import httpx
import pytest
import sqlalchemy as sa

from core.domain.model import MAX_TEXT_LENGTH
from core.services import accounts
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.someone_elses_idea import an_idea_of_someone_else
from tests.web.test_public_pages import csrf, options, post

BANKJES = "Meer bankjes in het Oosterpark"


async def count(container: Container, table: sa.Table) -> int:
    async with container.uow() as uow:
        return int(await uow.conn.scalar(sa.select(sa.func.count()).select_from(table)))


async def joined(client: httpx.AsyncClient) -> str:
    page = (await client.get("/chat/DEMO")).text
    page = await post(client, page, choice=options(page)["Ja, ik doe mee"])
    page = await post(client, page, choice=options(page)["Overslaan"])
    return await post(client, page, choice=options(page)["Overslaan"])


async def test_the_web_chat_without_javascript_offers_a_similar_idea_to_support(
    demo: Container, client: httpx.AsyncClient
):
    idea = await an_idea_of_someone_else(demo, BANKJES)
    page = await joined(client)
    page = await post(client, page, text="Bankjes in het Oosterpark graag")
    assert "Bedoel je dit idee?" in html.unescape(page)
    assert options(page) == {BANKJES: f"sup:1:{idea}", "Nee, mijn idee is anders": "idea:1:new"}
    page = await post(client, page, choice=options(page)[BANKJES])
    assert "Je steunt nu het idee" in html.unescape(page) and "Heb je nog een idee?" in page
    assert await count(demo, t.idea_supports) == 1 and await count(demo, t.ideas) == 1
    await post(client, page, choice=f"sup:1:{idea}")  # a second press of the same idea
    assert await count(demo, t.idea_supports) == 1


async def test_the_web_chat_with_htmx_sends_the_idea_when_it_is_different(
    demo: Container, client: httpx.AsyncClient
):
    await an_idea_of_someone_else(demo, BANKJES)
    page = await joined(client)

    async def hx(**form: str) -> str:
        response = await client.post(
            "/chat/DEMO", data={"csrf": csrf(page), **form}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200 and "<html" not in response.text
        return response.text

    fragment = await hx(text="Bankjes in het Oosterpark graag")
    assert "Nee, mijn idee is anders" in options(fragment)
    fragment = await hx(choice=options(fragment)["Nee, mijn idee is anders"])
    assert "Je idee is bewaard" in fragment
    assert await count(demo, t.ideas) == 2 and await count(demo, t.idea_supports) == 0


# -- the API ----------------------------------------------------------------------------------


@pytest.fixture
async def token(demo: Container, facilitator) -> dict[str, str]:
    async with demo.uow() as uow:
        made = await accounts.new_api_token(uow, facilitator.email)
        await uow.commit()
    return {"Authorization": f"Bearer {made}"}


SIMILAR = "/api/v1/projects/DEMO/rounds/ideeen/similar"


async def test_the_api_returns_what_the_chat_offers_with_the_results_idea_ids(
    demo: Container, client: httpx.AsyncClient, token: dict[str, str]
):
    idea = await an_idea_of_someone_else(demo, BANKJES)
    await an_idea_of_someone_else(demo, BANKJES, "same words")  # offered once, as in the chat
    await an_idea_of_someone_else(demo, "Een zebrapad bij de school", "other")
    response = await client.get(SIMILAR, params={"text": "bankjes oosterpark"}, headers=token)
    assert response.status_code == 200
    found = response.json()
    assert [(f["id"], f["text"]) for f in found] == [(idea, BANKJES)]
    assert isinstance(found[0]["score"], float) and 0 < found[0]["score"] <= 1
    results = (await client.get("/api/v1/projects/DEMO/results", headers=token)).json()
    ideas = next(r for r in results["rounds"] if r["key"] == "ideeen")["ideas"]
    assert idea in [i["id"] for i in ideas]  # the same ids as the results
    nothing = await client.get(SIMILAR, params={"text": "iets heel anders"}, headers=token)
    assert nothing.json() == []


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        (SIMILAR, {}, 422, "Missing text"),
        (SIMILAR, {"text": "   "}, 422, "Missing text"),
        (SIMILAR, {"text": "x" * (MAX_TEXT_LENGTH + 1)}, 422, "Text too long"),
        ("/api/v1/projects/DEMO/rounds/nope/similar", {"text": "x"}, 404, "Unknown round"),
        ("/api/v1/projects/NOPE/rounds/ideeen/similar", {"text": "x"}, 404, "Unknown project"),
        ("/api/v1/projects/DEMO/rounds/beoordelen/similar", {"text": "x"}, 409, "ideas round"),
    ],
)
async def test_bad_similar_requests_get_a_clear_json_error(
    demo, client: httpx.AsyncClient, token, path, params, status, says
):
    response = await client.get(path, params=params, headers=token)
    assert response.status_code == status
    assert says in response.json()["detail"]


async def test_the_similar_api_needs_a_token_and_is_documented(client: httpx.AsyncClient):
    assert (await client.get(SIMILAR, params={"text": "x"})).status_code == 401
    spec = (await client.get("/api/v1/openapi.json")).json()
    operation = spec["paths"]["/projects/{code}/rounds/{key}/similar"]["get"]
    assert operation["summary"] == "Ideas like a text: what the chat would offer"
