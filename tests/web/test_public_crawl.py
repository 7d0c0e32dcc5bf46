"""An anonymous visitor crawls every page, export and API route of projects in every state and
finds nothing unpublished, unmoderated or held for review, and no server error.

The routes come from the app itself, so a new route is crawled too; a route with a path
parameter this test does not know fails the test until a value is added to ``VALUES``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
from fastapi import FastAPI
from starlette.routing import BaseRoute, Mount

from core import views
from inspraak.bootstrap import Container
from tests.web.pdf_text import pdf_text
from tests.web.public_states import CODES, SECRETS, SHOWN, build_every_state
from web.app import create_app

try:  # FastAPI 0.16x keeps included routers whole; older versions list their routes flat
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover - depends on the installed FastAPI
    iter_route_contexts = None

KEYS = ("ideeen", "cijfers", "reactie")
VALUES = {
    "code": CODES + ("concept", "NOPE"),
    "key": KEYS,
    "channel": ("web", "telegram", "whatsapp"),
    "kind": ("png", "svg", "idea", "feedback"),
    "name": ("whatsapp", "telegram"),
    "token_id": ("1",),
    "item_id": ("1",),
    "action": ("publish",),
    "slug": ("gemeente-test", "onbekend"),
    "user_id": ("1", "999"),
    "token": ("no-such-link",),
}
PARAM = re.compile(r"{([a-z_]+)(?::[a-z]+)?}")


def _routes(routes: list[BaseRoute]) -> Iterator[tuple[str, set[str], BaseRoute]]:
    found = iter_route_contexts(routes) if iter_route_contexts else routes
    for route in found:
        inner = getattr(route, "original_route", route)
        path = getattr(route, "path", None) or ""
        if isinstance(inner, Mount):
            for sub_path, methods, sub in _routes(getattr(inner.app, "routes", [])):
                yield path + sub_path, methods, sub
        else:
            yield path, set(getattr(route, "methods", None) or ()), inner


def get_paths(app: FastAPI) -> list[str]:
    """Every GET route of the app (and its mounted apps) with each known parameter value."""
    paths: list[str] = []
    for template, methods, _ in _routes(list(app.routes)):
        if "GET" not in methods:
            continue
        names = PARAM.findall(template)
        unknown = [n for n in names if n not in VALUES]
        assert not unknown, f"{template}: give the crawl values for {unknown}"
        expanded = [template]
        for name in dict.fromkeys(names):
            expanded = [
                re.sub(r"{" + name + r"(?::[a-z]+)?}", value, path)
                for path in expanded
                for value in VALUES[name]
            ]
        paths += expanded
    return paths


async def test_an_anonymous_crawl_of_every_route_shows_nothing_unpublished(container: Container):
    await build_every_state(container)
    app = create_app(container)
    paths = get_paths(app)
    assert "/p/KLAAR" in paths and "/api/v1/projects/LOOPT/results" in paths
    assert any(p.startswith("/manage/projects/LOOPT/rounds/ideeen") for p in paths)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    seen: list[str] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for path in paths:
            for language in ("nl", "en"):
                response = await client.get(path, params={"lang": language}, follow_redirects=True)
                assert response.status_code < 500, (path, response.status_code)
                body = response.content.decode("utf-8", "replace")
                if response.headers.get("content-type") == "application/pdf":
                    body = pdf_text(response.content)  # the report's pages, not its streams
                leaked = [s for s in SECRETS if s.lower() in body.lower()]
                assert not leaked, (path, language, leaked)
                seen.append(body)
    everything = "\n".join(seen)
    for text in SHOWN:  # the crawl did reach the published summaries
        assert text in everything, text


async def test_the_old_results_address_leads_to_the_summary_or_the_login(container: Container):
    await build_every_state(container)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        published = await client.get("/results/klaar")
        running = await client.get("/results/LOOPT", follow_redirects=True)
    assert published.status_code == 303 and published.headers["location"] == "/p/KLAAR"
    assert running.status_code == 404 and "Fietsbrug" not in running.text


async def test_the_summary_shows_published_and_approved_text_only(container: Container):
    await build_every_state(container)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        done = (await client.get("/p/KLAAR")).text
        draft = await client.get("/p/CONCEPT")
        running = await client.get("/p/LOOPT")
        live = (await client.get("/p/LIVE?lang=en")).text
    assert "Meer bomen langs de singel" in done and "Goede reactie over de haven" in done
    assert "De 1 best beoordeelde van 2 onderdelen" in done  # the fixed one and the trees
    for held in ("0687654321", "Kerncentrale", "Zonnepaneel", "Waterbus", "jan@voorbeeld.nl"):
        assert held not in done, held
    assert draft.status_code == 404 and "Zwanenwater" not in draft.text  # published, but a draft
    assert running.status_code == 404  # nothing published, nothing shown live
    assert "Live reactie over de markt" in live
    assert "shown while the round runs" in live
    assert "klote" not in live and "0611122233" not in live


async def test_the_landing_page_links_the_published_summaries_and_no_draft(container: Container):
    await build_every_state(container)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        dutch = (await client.get("/")).text
        english = (await client.get("/?lang=en")).text
    assert "/results/" not in dutch
    assert 'href="/p/KLAAR"' in dutch and "Gepubliceerde resultaten" in dutch
    assert 'href="/p/LIVE"' in dutch  # its rounds are shown live
    assert "/p/LOOPT" not in dutch and "/p/GESLOTEN" not in dutch
    assert 'href="http://127.0.0.1:8000/chat/LOOPT"' in dutch  # open: join it (no public URL set)
    assert "Zwanenwater" not in dutch and "CONCEPT" not in dutch
    assert "Published results" in english and "Read the published results" in english


async def test_the_best_shown_items_are_found_below_held_ones_that_scored_higher(
    container: Container,
):
    await build_every_state(container)
    async with container.reading() as uow:
        summary = await views.public_summary(uow, "KLAAR", container.clock(), top=1)
    assert summary is not None
    rating = next(r for r in summary.rounds if r.kind == "rating")
    assert [i.text for i in rating.items] == ["Meer bomen langs de singel"]
    assert rating.item_count == 2
