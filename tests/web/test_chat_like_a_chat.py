"""The web chat as people expect a chat (plain forms and HTMX): erasing ends with its message
and stores nothing until START, one send control, a live region, a link to the results."""

from __future__ import annotations

import html
import re

import httpx
import sqlalchemy as sa

from core.domain import commands as c
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.web.test_public_pages import csrf, options, post

ERASED = "Alles is gewist. Typ START om opnieuw mee te doen."
HTMX = {"HX-Request": "true"}


async def stored(container: Container) -> int:
    """Rows that hold a web chat conversation: its dialogue state and its transcript."""
    async with container.uow() as uow:
        total = 0
        for table in (t.dialogue_states, t.chat_log):
            total += int(await uow.conn.scalar(sa.select(sa.func.count()).select_from(table)))
        return total


async def an_idea_sent(client: httpx.AsyncClient) -> str:
    page = (await client.get("/chat/DEMO")).text
    page = await post(client, page, choice=options(page)["Ja, ik doe mee"])
    page = await post(client, page, choice=options(page)["Overslaan"])
    page = await post(client, page, choice=options(page)["Overslaan"])
    page = await post(client, page, text="Meer bankjes bij de speeltuin")
    return await post(client, page, choice=options(page)["Versturen"])


async def test_erasing_without_javascript_says_so_and_stores_nothing_until_start(
    demo: Container, client: httpx.AsyncClient
):
    page = await an_idea_sent(client)
    page = await post(client, page, text="vergeet")
    page = await post(client, page, choice=options(page)["Ja, wis alles"])

    assert ERASED in page
    assert "Ga je akkoord?" not in page  # no new conversation began
    assert await stored(demo) == 0
    for text in ("hallo", "ja", "Meer bomen"):
        page = await post(client, page, text=text)
        assert ERASED in page
    page = (await client.get("/chat/DEMO")).text  # a reload shows the same
    assert ERASED in page
    assert await stored(demo) == 0

    page = await post(client, page, text="START")
    assert "Ga je akkoord?" in page and ERASED not in page
    assert await stored(demo) > 0
    assert "Meer bankjes" not in page  # nothing of the erased conversation comes back


async def test_erasing_with_htmx_shows_the_message_in_place_and_stores_nothing(
    demo: Container, client: httpx.AsyncClient
):
    page = await an_idea_sent(client)
    page = await post(client, page, text="vergeet")
    answer = await client.post(
        "/chat/DEMO",
        data={"csrf": csrf(page), "choice": options(page)["Ja, wis alles"]},
        headers=HTMX,
    )
    assert answer.status_code == 200 and "<html" not in answer.text
    assert ERASED in answer.text
    assert await stored(demo) == 0
    fragment = answer.text
    again = await client.post(
        "/chat/DEMO", data={"csrf": csrf(fragment), "text": "hallo"}, headers=HTMX
    )
    assert again.status_code == 200 and ERASED in again.text
    assert await stored(demo) == 0
    button = re.search(r'name="text" value="START">([^<]*)</button>', again.text)
    assert button and button.group(1) == "Opnieuw meedoen"
    restarted = await client.post(
        "/chat/DEMO", data={"csrf": csrf(again.text), "text": "START"}, headers=HTMX
    )
    assert "Ga je akkoord?" in restarted.text and ERASED not in restarted.text


async def test_an_english_resident_reads_the_erase_message_in_english(
    demo: Container, client: httpx.AsyncClient
):
    page = (await client.get("/chat/DEMO")).text
    page = await post(client, page, choice=options(page)["Ja, ik doe mee"])
    page = await post(client, page, text="language")
    page = await post(client, page, choice=options(page)["English"])
    page = await post(client, page, text="forget")
    page = await post(client, page, choice=options(page)["Yes, erase everything"])
    assert "Everything has been erased. Type START to take part again." in page


async def test_the_chat_has_one_send_control_and_a_region_that_reads_replies_aloud(
    client: httpx.AsyncClient,
):
    page = (await client.get("/chat/DEMO")).text
    page = await post(client, page, choice=options(page)["Ja, ik doe mee"])
    page = await post(client, page, choice=options(page)["Overslaan"])
    page = await post(client, page, choice=options(page)["Overslaan"])
    page = await post(client, page, text="Meer bankjes bij de speeltuin")
    assert "Zal ik het versturen?" in html.unescape(page)
    labels = [html.unescape(re.sub(r"<[^>]+>", "", b)).strip() for b in buttons(page)]
    assert labels.count("Versturen") == 1, labels  # the idea's button, not the composer too
    assert page.count('aria-live="polite"') == 1
    assert 'id="chat-announce"' in page and 'src="/static/chat.js?v=' in page
    assert page.count('id="latest"') == 1


def buttons(page: str) -> list[str]:
    return re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)


async def test_the_chat_links_to_the_results_once_they_are_published(
    demo: Container, client: httpx.AsyncClient
):
    page = (await client.get("/chat/DEMO")).text
    assert "/p/DEMO" not in page
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
    await demo.bus.handle(c.PublishResults(rounds["stellingen"].id or 0))
    page = (await client.get("/chat/DEMO")).text
    assert '<a href="/p/DEMO">Bekijk de resultaten</a>' in page
    assert (await client.get("/p/DEMO")).status_code == 200
