"""A chat form sent twice is one answer (a double click without JavaScript, a browser resending
after a slow answer, back and resubmit): every rendering of a form carries a one-time turn, and
a second post of it runs no step and shows the conversation as it is."""

from __future__ import annotations

import html
import re

import httpx
import sqlalchemy as sa

from core.domain import commands as c
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import TestClock
from tests.web.test_chat_like_a_chat import ERASED, HTMX, an_idea_sent, stored
from tests.web.test_public_pages import csrf, options, post, turn

IDEA = "Meer bankjes bij de speeltuin"
STALE = "Die vraag is al beantwoord of is niet meer actueel."


async def count(container: Container, table: sa.Table) -> int:
    async with container.uow() as uow:
        return int(await uow.conn.scalar(sa.select(sa.func.count()).select_from(table)))


def transcript(page: str, who: str = "bot|me") -> list[str]:
    """The messages of the conversation as a resident reads them (``me``: their own)."""
    items = re.findall(rf'<li class="msg (?:{who})"[^>]*>.*?<p[^>]*>(.*?)</p>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def said(page: str, text: str) -> int:
    """How often the conversation holds ``text`` (in a message of its own or within one)."""
    return sum(text in message for message in transcript(page))


async def joined(client: httpx.AsyncClient) -> str:
    """A resident who agreed and skipped the postcode and age: asked for an idea."""
    page = (await client.get("/chat/DEMO")).text
    page = await post(client, page, choice=options(page)["Ja, ik doe mee"])
    page = await post(client, page, choice=options(page)["Overslaan"])
    return await post(client, page, choice=options(page)["Overslaan"])


async def rating(client: httpx.AsyncClient) -> str:
    """The page that asks for the first score of the rating round."""
    page = await an_idea_sent(client)
    return await post(client, page, choice=options(page)["Nee, verder"])


def pressed(page: str, label: str) -> dict[str, str]:
    """What a browser sends for a button of the page (the same every time it is sent)."""
    return {
        "csrf": csrf(page),
        "turn": turn(page, "options") or "",
        "choice": options(page)[label],
    }


def typed(page: str, text: str) -> dict[str, str]:
    """What a browser sends for a text typed into the page's message box."""
    return {"csrf": csrf(page), "turn": turn(page) or "", "text": text}


async def twice(client: httpx.AsyncClient, form: dict[str, str]) -> None:
    """Send the same form twice without JavaScript, as a double click does."""
    for _ in range(2):
        response = await client.post("/chat/DEMO", data=form)
        assert response.status_code == 303, response.text


async def test_a_score_sent_twice_without_javascript_is_stored_and_shown_once(
    demo: Container, client: httpx.AsyncClient
):
    page = await rating(client)
    assert said(page, "Belang?") == 1
    await twice(client, pressed(page, "4"))
    page = (await client.get("/chat/DEMO")).text

    assert await count(demo, t.ratings) == 1
    assert said(page, "Belang: 4") == 1
    assert said(page, "Haalbaarheid?") == 1  # the next question, once
    assert said(page, STALE) == 0


async def test_an_idea_typed_twice_is_stored_once_and_not_read_as_the_next_answer(
    demo: Container, client: httpx.AsyncClient
):
    page = await joined(client)
    await twice(client, typed(page, IDEA))
    page = (await client.get("/chat/DEMO")).text

    assert transcript(page, "me").count(IDEA) == 1
    assert said(page, "Zal ik het versturen?") == 1 and transcript(page)[-1].endswith("versturen?")
    page = await post(client, page, choice=options(page)["Versturen"])
    assert await count(demo, t.ideas) == 1
    assert transcript(page, "me").count(IDEA) == 1 and "Heb je nog een idee?" in page


async def test_an_idea_typed_twice_is_looked_up_among_similar_ideas_once(
    demo: Container, client: httpx.AsyncClient, monkeypatch
):
    page = await joined(client)
    similar = demo.similar_ideas
    looked_up: list[str | None] = []
    prepare = similar.prepare

    async def counted(*args, **kwargs):
        looked_up.append(kwargs.get("text"))
        return await prepare(*args, **kwargs)

    monkeypatch.setattr(similar, "prepare", counted)
    await twice(client, typed(page, IDEA))
    assert looked_up == [IDEA]  # the second post is known as sent before it costs a look-up


async def test_with_htmx_a_second_post_shows_the_conversation_as_the_first_left_it(
    demo: Container, client: httpx.AsyncClient
):
    page = await rating(client)
    form = pressed(page, "4")
    first = await client.post("/chat/DEMO", data=form, headers=HTMX)
    second = await client.post("/chat/DEMO", data=form, headers=HTMX)

    assert first.status_code == second.status_code == 200
    assert "<html" not in second.text
    assert transcript(second.text) == transcript(first.text)
    assert said(second.text, "Belang: 4") == 1 and said(second.text, STALE) == 0
    assert await count(demo, t.ratings) == 1
    fragment = second.text  # its forms answer the next question
    third = await client.post("/chat/DEMO", data=pressed(fragment, "2"), headers=HTMX)
    assert said(third.text, "Haalbaarheid: 2") == 1
    assert await count(demo, t.ratings) == 2


async def test_with_htmx_an_idea_typed_twice_is_handled_once(
    demo: Container, client: httpx.AsyncClient
):
    page = await joined(client)
    form = typed(page, IDEA)
    await client.post("/chat/DEMO", data=form, headers=HTMX)
    second = await client.post("/chat/DEMO", data=form, headers=HTMX)

    assert transcript(second.text, "me").count(IDEA) == 1
    assert said(second.text, "Zal ik het versturen?") == 1
    sent = await client.post("/chat/DEMO", data=pressed(second.text, "Versturen"), headers=HTMX)
    assert "Je idee is bewaard" in sent.text
    assert await count(demo, t.ideas) == 1


async def test_a_form_from_before_turns_still_answers(demo: Container, client: httpx.AsyncClient):
    page = await rating(client)
    old = {"csrf": csrf(page), "choice": options(page)["4"]}  # a page open since before
    response = await client.post("/chat/DEMO", data=old)
    assert response.status_code == 303
    page = (await client.get("/chat/DEMO")).text
    assert said(page, "Belang: 4") == 1 and await count(demo, t.ratings) == 1
    for odd in ("", "x", "a b c d e f g h i j", "z" * 500, "../../etc"):
        form = {"csrf": csrf(page), "turn": odd, "text": "3"}
        response = await client.post("/chat/DEMO", data=form)
        assert response.status_code == 303  # an odd turn is no turn, never an error
    assert await count(demo, t.ratings) > 1


async def test_the_same_text_may_be_sent_again_to_the_next_question(
    demo: Container, client: httpx.AsyncClient
):
    page = await rating(client)
    page = await post(client, page, text="4")
    page = await post(client, page, text="4")  # the same words, a new form

    assert said(page, "Belang: 4") == 1 and said(page, "Haalbaarheid: 4") == 1
    assert await count(demo, t.ratings) == 2
    assert turn(page) and turn(page) != turn(page, "options")  # one per form


async def test_erasing_sent_twice_still_ends_erased_with_a_fresh_chat_token(
    demo: Container, client: httpx.AsyncClient
):
    page = await an_idea_sent(client)
    page = await post(client, page, text="vergeet")
    form = pressed(page, "Ja, wis alles")
    before = httpx.Cookies(client.cookies)
    response = await client.post("/chat/DEMO", data=form)
    assert response.status_code == 303
    client.cookies = before  # the browser dropped the first answer, cookies and all
    response = await client.post("/chat/DEMO", data=form)
    assert response.status_code == 303

    page = (await client.get("/chat/DEMO")).text
    assert ERASED in page and "Ga je akkoord?" not in page
    assert client.cookies["inspraak_chat"] != before["inspraak_chat"]
    assert await stored(demo) == 0


async def test_taking_part_again_sent_twice_greets_once(
    demo: Container, client: httpx.AsyncClient
):
    page = await an_idea_sent(client)
    page = await post(client, page, text="vergeet")
    page = await post(client, page, choice=options(page)["Ja, wis alles"])
    again = {"csrf": csrf(page), "turn": turn(page, "options") or "", "text": "START"}
    await twice(client, again)

    page = (await client.get("/chat/DEMO")).text
    assert said(page, "Ga je akkoord?") == 1 and ERASED not in page


async def test_a_turn_is_stored_as_a_hash_and_forgotten_after_a_day(
    demo: Container, client: httpx.AsyncClient, clock: TestClock
):
    page = await rating(client)
    form = pressed(page, "4")
    await client.post("/chat/DEMO", data=form)
    async with demo.uow() as uow:
        rows = (await uow.conn.execute(sa.select(t.processed_messages))).mappings().all()
    keys = [r["message_key"] for r in rows if r["channel"] == "web"]
    token = client.cookies["inspraak_chat"]
    assert keys and not any(form["turn"] in k or token in k for k in keys)

    clock.advance(hours=23)
    await demo.bus.handle(c.PruneExpired())
    assert await count(demo, t.processed_messages) == len(keys)
    clock.advance(hours=2)  # a browser resends a form within a visit, not days later
    await demo.bus.handle(c.PruneExpired())
    assert await count(demo, t.processed_messages) == 0
