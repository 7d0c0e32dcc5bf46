"""A facilitator tries a project's dialogue in a preview chat (draft or running); nothing it
does counts in the results, the exports or the number of residents, and stopping it leaves
nothing behind."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

import httpx
import sqlalchemy as sa

from core.domain import commands as c
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.web.conftest import client_for, csrf, login, make_user

TRY = "/manage/projects/DEMO/try"
EXPORTS = [
    "/manage/projects/DEMO/results.xlsx",
    "/manage/projects/DEMO/results.ods",
    "/manage/projects/DEMO/export.toml",
    "/manage/projects/DEMO/live",
    "/manage/projects/DEMO/results",
] + [
    f"/manage/projects/DEMO/rounds/{key}/results.csv"
    for key in ("ideeen", "beoordelen", "stellingen", "reactie")
]


async def _residents_took_part(demo: Container) -> None:
    """Two real residents: ideas, a rating and votes, so the results are not empty."""
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
        items = await uow.projects.items(rounds["stellingen"].id)
    for n in range(2):
        who = await demo.bus.handle(c.GiveConsent(f"real{n}", project.id, "web", "nl"))
        await demo.bus.handle(c.SubmitIdea(who, rounds["ideeen"].id, f"Meer bankjes {n}"))
        await demo.bus.handle(c.CastVote(who, rounds["stellingen"].id, items[0].id, 1))


async def _counts(demo: Container) -> dict[str, int]:
    """The number of rows in every table."""
    async with demo.uow() as uow:
        return {
            table.name: (
                await uow.conn.execute(sa.select(sa.func.count()).select_from(table))
            ).scalar_one()
            for table in t.metadata.sorted_tables
        }


async def _downloads(client: httpx.AsyncClient) -> dict[str, object]:
    """Every export and results page; of a spreadsheet its sheets (not the zip's times)."""
    found: dict[str, object] = {}
    for path in EXPORTS:
        response = await client.get(path)
        assert response.status_code == 200, path
        found[path] = response.content
        if path.endswith((".xlsx", ".ods")):
            with zipfile.ZipFile(io.BytesIO(response.content)) as sheets:
                found[path] = {  # the cells: neither times nor the order of namespaces
                    name: sheets.read(name).split(b"<office:body>")[-1]
                    for name in sheets.namelist()
                    if name.startswith("xl/") or name == "content.xml"
                }
    return found


def _last_options(html: str) -> list[str]:
    form = html.rsplit('class="chat-log"', 1)[-1]
    return [unescape(v) for v in re.findall(r'name="choice" value="([^"]+)"', form)]


async def _walk(client: httpx.AsyncClient, steps: int) -> str:
    """Answer like a resident: type an idea when asked for one, else press the first button."""
    page = await client.get(TRY)
    token = csrf_of_page(page.text)
    seen = []  # every page on the way: the chat shows only its latest part
    for _ in range(steps):
        options = _last_options(page.text)
        data = {"csrf": token}
        asked = unescape(page.text).rsplit('class="msg bot"', 1)[-1]
        if options and "Typ je idee" not in asked:
            data["choice"] = options[0]
        else:
            data["text"] = "Een idee uit de proef: meer groen"
        answered = await client.post(TRY, data=data)
        assert answered.status_code == 303, answered.text
        page = await client.get(TRY)
        assert page.status_code == 200
        seen.append(unescape(page.text))
    return "\n".join(seen)


def csrf_of_page(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def test_a_preview_walks_the_dialogue_and_leaves_no_trace(signed_in, demo):
    await _residents_took_part(demo)
    before_files = await _downloads(signed_in)  # downloads are audited: count after them
    before_rows = await _counts(demo)

    start = await signed_in.post(f"{TRY}/new", data={"csrf": await csrf(signed_in, TRY)})
    assert start.status_code == 303
    page = (await signed_in.get(TRY)).text
    assert "Welkom bij" in unescape(page) and "telt mee" in unescape(page)
    text = await _walk(signed_in, 8)
    assert "Je idee:" in text and "Een idee uit de proef" in text
    text = await _walk(signed_in, 24)
    assert "Dorpsstraat" in text and "Stelling (2/5)" in text  # rated items, voted

    assert await _counts(demo) == before_rows
    assert await _downloads(signed_in) == before_files
    assert "proef" not in (await signed_in.get("/p/DEMO")).text

    stop = await signed_in.post(f"{TRY}/stop", data={"csrf": await csrf(signed_in, TRY)})
    assert stop.status_code == 303
    assert not list((demo.settings.data_dir / "previews" / "DEMO").iterdir())
    after = unescape((await signed_in.get(stop.headers["location"])).text)
    assert "De proef is gestopt" in after and "Een idee uit de proef" not in after


async def test_a_draft_project_can_be_tried_before_any_round_opens(signed_in, demo):
    await demo.bus.handle(
        c.ImportProject(
            {
                "project": {
                    "code": "CONCEPT",
                    "title": "Nog niet open",
                    "organisation": "gemeente-voorbeeld",
                    "status": "draft",
                    "ask_profile": False,
                },
                "rounds": [
                    {
                        "key": "idee",
                        "kind": "ideas",
                        "question": "Wat mist er op het plein?",
                        "state": "draft",
                    },
                ],
            }
        )
    )
    before = await _counts(demo)
    path = "/manage/projects/CONCEPT/try"
    await signed_in.post(f"{path}/new", data={"csrf": await csrf(signed_in, path)})
    token = csrf_of_page((await signed_in.get(path)).text)
    await signed_in.post(path, data={"csrf": token, "choice": "consent:yes"})
    await signed_in.post(path, data={"csrf": token, "text": "start"})
    page = unescape((await signed_in.get(path)).text)
    assert "Wat mist er op het plein?" in page
    assert await _counts(demo) == before


async def test_previews_are_for_the_projects_own_organisation(demo):
    await make_user(demo, "ander@elders.nl", "facilitator", "gemeente-elders")
    async with client_for(demo) as stranger:
        anonymous = await stranger.get(TRY)
        assert anonymous.status_code in (303, 307) or "Inloggen" in anonymous.text
        await login(stranger, "ander@elders.nl")
        assert (await stranger.get(TRY)).status_code == 403
        token = await csrf(stranger)
        assert (await stranger.post(f"{TRY}/new", data={"csrf": token})).status_code == 403
    assert not (demo.settings.data_dir / "previews").exists()


async def test_a_viewer_cannot_start_a_preview(client, demo):
    await make_user(demo, "kijker@voorbeeld.nl", "viewer", "gemeente-voorbeeld")
    await login(client, "kijker@voorbeeld.nl")
    assert "/try" not in (await client.get("/manage/projects/DEMO")).text
    assert (await client.get(TRY)).status_code == 403
    token = await csrf(client)
    assert (await client.post(f"{TRY}/new", data={"csrf": token})).status_code == 403
    assert not (demo.settings.data_dir / "previews").exists()


async def test_a_stopped_or_forged_preview_gets_the_start_page_not_an_error(signed_in, demo):
    token = await csrf(signed_in, TRY)
    signed_in.cookies.set("inspraak_preview", "../../../etc", path=TRY)
    assert "Start de proef" in (await signed_in.get(TRY)).text
    answered = await signed_in.post(TRY, data={"csrf": token, "text": "hallo"})
    assert answered.status_code == 303 and answered.headers["location"] == TRY
    htmx = await signed_in.post(
        TRY, data={"csrf": token, "text": "hallo"}, headers={"HX-Request": "true"}
    )
    assert htmx.headers.get("HX-Redirect") == TRY


async def test_a_preview_left_alone_is_swept_after_two_hours(signed_in, demo):
    await signed_in.post(f"{TRY}/new", data={"csrf": await csrf(signed_in, TRY)})
    folder = demo.settings.data_dir / "previews" / "DEMO"
    assert len(list(folder.iterdir())) == 1
    import time

    assert demo.previews.sweep(time.time() + 3600) == 0
    assert demo.previews.sweep(time.time() + 2 * 3600 + 60) == 1
    assert not list(folder.iterdir())
    assert "Start de proef" in (await signed_in.get(TRY)).text


def _turn(html: str, form: str) -> str:
    """The one-time turn of the preview's ``options`` or ``composer`` form."""
    found = re.search(rf'class="{form}".*?name="turn" value="([^"]+)"', html, re.S)
    assert found, f"no turn in the {form} form"
    return found.group(1)


async def test_a_preview_form_sent_twice_is_one_answer(signed_in, demo):
    await signed_in.post(f"{TRY}/new", data={"csrf": await csrf(signed_in, TRY)})
    page = (await signed_in.get(TRY)).text
    assert page.count('hx-disabled-elt="#preview-chat button"') == 2  # no double click
    agree = {
        "csrf": csrf_of_page(page),
        "turn": _turn(page, "options"),
        "choice": _last_options(page)[0],  # "Ja, ik doe mee"
    }
    for _ in range(2):  # a double click without JavaScript
        assert (await signed_in.post(TRY, data=agree)).status_code == 303
    page = unescape((await signed_in.get(TRY)).text)
    assert page.count("Fijn dat je meedoet!") == 1 and page.count("cijfers van je postcode") == 1

    typed = {"csrf": csrf_of_page(page), "turn": _turn(page, "composer"), "text": "5043"}
    for _ in range(2):  # a browser resending the post
        assert (await signed_in.post(TRY, data=typed)).status_code == 303
    page = unescape((await signed_in.get(TRY)).text)
    said = re.findall(r'<li class="msg me"[^>]*>.*?<p[^>]*>(.*?)</p>', page, re.S)
    assert said == ["Ja, ik doe mee", "5043"]  # not read as the next question's answer too
