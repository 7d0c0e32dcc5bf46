"""Opinion groups of published statements rounds on the summary page and the results page
(SQLite and PostgreSQL): sizes, representative, consensus and divisive statements, the map."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import sqlalchemy as sa

from core.services.project_file import import_project, parse_project_file
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import ChatResident, import_polis, project_toml
from tests.web.conftest import client_for, csrf, login, make_user

ROUNDS = """
[[rounds]]
key = "stellingen"
kind = "statements"
question = "Eens of oneens?"
statements = ["Meer bomen in de straat.", "Minder parkeerplaatsen.", "Een autovrije zondag.",
              "Meer bankjes in het park.", "Een buurtmoestuin."]
state = "open"
"""


async def vote_in_buurt(container: Container, residents: int) -> None:
    """``residents`` residents vote on every statement: two camps, everyone wants benches."""
    async with container.uow() as uow:
        await import_project(uow, parse_project_file(project_toml("BUURT", ROUNDS), "t.toml"))
        await uow.commit()
    for n in range(residents):
        resident = ChatResident(container.conversations, f"bewoner-geheim-{n}")
        await resident.start("BUURT")
        await resident.press("Ja, ik doe mee")
        await resident.say("hallo")
        while any(r.options for r in resident.last) and "Stelling" in resident.question.text:
            text = resident.question.text
            green = "bomen" in text or "moestuin" in text
            agree = "bankjes" in text or green == (n % 2 == 0)
            await resident.press("Eens" if agree else "Oneens")


async def publish(client: httpx.AsyncClient, code: str, key: str) -> None:
    token = await csrf(client)
    path = f"/manage/projects/{code}/rounds/{key}/publish"
    response = await client.post(path, data={"csrf": token})
    assert response.status_code == 303


@asynccontextmanager
async def admin_client(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as an administrator (who sees every organisation's projects)."""
    await make_user(container, "beheer@voorbeeld.nl", "admin")
    async with client_for(container) as client:
        assert (await login(client, "beheer@voorbeeld.nl")).status_code == 303
        yield client


def section(html: str, heading_id: str) -> str:
    """The text of the <section> labelled by ``heading_id``."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


async def test_the_summary_page_shows_the_groups_their_statements_and_the_map(
    container: Container,
):
    await import_polis(container, "brexit-consensus", "BREXIT")
    async with client_for(container) as client:
        page = await client.get("/p/BREXIT")

    assert page.status_code == 200
    html = page.text
    groups = section(html, "op-polis")
    sizes = [int(n) for n in re.findall(r"Groep [A-E]: (\d+) bewoners</h4>", groups)]
    assert len(sizes) == 2 and sum(sizes) == 189
    assert "189 van de 204 deelnemers" in groups
    assert groups.count("<caption>Wat Groep ") == 2  # representative statements per group
    assert "is het vaker eens dan de anderen" in groups
    svg = re.search(r"<svg[^>]*class=\"opinion-map\".*?</svg>", html, re.S)
    assert svg is not None
    assert 'role="img"' in svg.group() and 'aria-labelledby="opinion-map-' in svg.group()
    assert "style=" not in svg.group() and "<script" not in svg.group()
    assert "<figcaption>Meningenkaart met 2 groepen" in groups  # the text alternative
    consensus = section(html, "op-polis-consensus")
    assert "De meeste bewoners zijn het eens" in consensus and "%</td>" in consensus
    divisive = section(html, "op-polis-divisive")
    assert divisive.count('<th scope="row">') >= 1 and "% eens</td>" in divisive


async def test_the_analysis_is_shared_and_cached_between_pages(container: Container):
    await import_polis(container, "brexit-consensus", "BREXIT")
    async with admin_client(container) as client:
        assert (await client.get("/p/BREXIT")).status_code == 200
        results = await client.get("/manage/projects/BREXIT/results")
        assert (await client.get("/p/BREXIT?lang=en")).status_code == 200
    assert results.status_code == 200
    assert "Meningsgroepen" in results.text and 'class="opinion-map"' in results.text
    assert container.analyses.computed == 1  # nobody voted in between: analysed once


async def test_with_fewer_than_fifteen_residents_the_page_says_groups_come_later(
    container: Container,
):
    await vote_in_buurt(container, residents=6)
    async with admin_client(container) as client:
        await publish(client, "BUURT", "stellingen")
        page = await client.get("/p/BUURT")
        english = await client.get("/p/BUURT?lang=en")

    assert "Nog niet genoeg deelnemers voor meningsgroepen" in page.text
    assert "(tot nu toe 6)" in page.text
    assert "Not enough participants for opinion groups yet" in english.text
    assert 'class="opinion-map"' not in page.text
    assert "Waar de groepen verschillen" not in page.text


async def test_residents_from_the_chat_form_groups_and_no_personal_data_is_shown(
    container: Container,
):
    await vote_in_buurt(container, residents=16)
    async with admin_client(container) as client:
        before = await client.get("/manage/projects/BUURT/results")
        await publish(client, "BUURT", "stellingen")
        page = await client.get("/p/BUURT")

    # Issue 16: the facilitator sees the groups live, before publishing; the public does not yet.
    assert "zodra de resultaten gepubliceerd zijn" in before.text
    assert 'class="opinion-map"' in before.text
    assert re.findall(r"Groep [AB]: (\d+) bewoners</h4>", before.text) == ["8", "8"]
    html = page.text
    assert re.findall(r"Groep [AB]: (\d+) bewoners</h4>", html) == ["8", "8"]
    assert "Meer bankjes in het park." in section(html, "op-stellingen-consensus")
    async with container.engine.connect() as conn:
        pseudonyms = (await conn.scalars(sa.select(t.residents.c.pseudonym))).all()
    assert len(pseudonyms) == 16
    assert not any(p in html for p in pseudonyms)
    assert "bewoner-geheim" not in html


async def test_an_unpublished_statements_round_shows_no_groups_on_the_summary_page(
    container: Container,
):
    await import_polis(container, "brexit-consensus", "BREXIT", publish=False)
    async with client_for(container) as client:
        assert (await client.get("/p/BREXIT")).status_code == 404
    assert container.analyses.computed == 0


async def test_chart_and_opinion_labels_follow_the_visitors_language_on_every_request(
    container: Container,
):
    await import_polis(container, "brexit-consensus", "BREXIT")
    async with client_for(container) as client:
        dutch = await client.get("/p/BREXIT")
        english = await client.get("/p/BREXIT?lang=en")

    assert '<th scope="col">Stelling</th>' in dutch.text and "Groep A" in dutch.text
    # imported macros used to keep the language of the first page rendered
    assert '<th scope="col">Statement</th>' in english.text
    assert "Group A: " in english.text and "Groep" not in english.text
