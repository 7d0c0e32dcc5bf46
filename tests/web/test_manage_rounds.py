"""Round forms and project edits over HTTP: their effect, the policy, pages in each language."""

from __future__ import annotations

import asyncio

import httpx

from inspraak.bootstrap import Container
from tests.web.conftest import csrf, csrf_of, login, make_user


async def round_keys(demo: Container) -> list[str]:
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        return [r.key for r in await uow.projects.rounds(project.id)]


async def test_saving_a_round_form_changes_that_round(signed_in, demo):
    page = await signed_in.get("/manage/projects/DEMO/rounds/ideeen")
    response = await signed_in.post(
        "/manage/projects/DEMO/rounds/ideeen",
        data={"csrf": csrf_of(page.text), "kind": "ideas", "question": "Wat mist het park?",
              "state": "open", "key": "anders"},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        ideas = next(r for r in await uow.projects.rounds(project.id) if r.key == "ideeen")
    assert ideas.question == "Wat mist het park?" and ideas.state.value == "open"
    assert await round_keys(demo) == ["ideeen", "beoordelen", "stellingen", "reactie"]


async def test_a_draft_round_is_deleted_and_an_opened_one_is_kept_with_a_reason(signed_in, demo):
    token = await csrf(signed_in)
    added = await signed_in.post(
        "/manage/projects/DEMO/rounds/new",
        data={"csrf": token, "key": "later", "kind": "ideas", "question": "Nog iets?"},
    )
    assert added.status_code == 303, added.text
    form = await signed_in.get("/manage/projects/DEMO/rounds/later")
    assert "/manage/projects/DEMO/rounds/later/delete" in form.text
    opened = await signed_in.get("/manage/projects/DEMO/rounds/ideeen")
    assert "/rounds/ideeen/delete" not in opened.text
    deleted = await signed_in.post(
        "/manage/projects/DEMO/rounds/later/delete", data={"csrf": token}
    )
    assert deleted.status_code == 303
    kept = await signed_in.post(
        "/manage/projects/DEMO/rounds/ideeen/delete?lang=en", data={"csrf": token}
    )
    assert kept.status_code == 400 and "A round that has opened cannot be deleted." in kept.text
    assert await round_keys(demo) == ["ideeen", "beoordelen", "stellingen", "reactie"]


async def test_a_facilitator_of_another_organisation_can_change_nothing(client, demo):
    await make_user(demo, "elders@voorbeeld.nl", "facilitator", "gemeente-elders")
    await login(client, "elders@voorbeeld.nl")
    token = await csrf(client)
    attempts = [
        ("/manage/projects/DEMO/edit", {"title": "Overgenomen"}),
        ("/manage/projects/DEMO/rounds/new", {"key": "meer", "kind": "ideas", "question": "?"}),
        ("/manage/projects/DEMO/rounds/ideeen", {"kind": "ideas", "question": "Van ons?"}),
        ("/manage/projects/DEMO/rounds/ideeen/delete", {}),
        ("/manage/projects/DEMO/rounds/ideeen/close", {}),
    ]
    for path, data in attempts:
        response = await client.post(path, data={"csrf": token, **data})
        assert response.status_code == 403, path
    assert (await client.get("/manage/projects/DEMO/edit")).status_code == 403
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    assert project is not None and project.title != "Overgenomen"


async def test_a_refused_project_edit_shows_the_form_again_with_what_was_typed(signed_in, demo):
    page = await signed_in.get("/manage/projects/DEMO/edit")
    response = await signed_in.post(
        "/manage/projects/DEMO/edit",
        data={"csrf": csrf_of(page.text), "title": "Nieuwe titel", "language": "fr",
              "status": "active", "moderation": "post", "quiet_start": "21:00",
              "quiet_end": "09:00"},
    )  # fmt: skip
    assert response.status_code == 400
    assert 'value="Nieuwe titel"' in response.text and 'id="e-language"' in response.text
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    assert project is not None and project.title != "Nieuwe titel"


async def test_pages_rendered_at_once_each_keep_their_own_language(
    client: httpx.AsyncClient, demo
):
    async def home_page(lang: str) -> str:
        return (await client.get(f"/?lang={lang}")).text

    pages = await asyncio.gather(*(home_page(lang) for lang in ["nl", "en"] * 10))
    dutch, english = pages[0], pages[1]
    assert dutch != english
    assert all(page == dutch for page in pages[0::2])
    assert all(page == english for page in pages[1::2])


async def test_the_live_results_switch_is_kept_in_the_round_and_its_project_file(signed_in, demo):
    path = "/manage/projects/DEMO/rounds/ideeen"
    page = await signed_in.get(path)
    assert 'name="live_results" type="checkbox">' in page.text  # off unless chosen
    english = await signed_in.get(path + "?lang=en")
    assert "Show the results live while the round runs" in english.text
    fields = {"kind": "ideas", "question": "Wat mist het park?", "state": "open"}
    token = csrf_of(page.text)
    response = await signed_in.post(path, data={"csrf": token, **fields, "live_results": "on"})
    assert response.status_code == 303, response.text
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        ideas = next(r for r in await uow.projects.rounds(project.id) if r.key == "ideeen")
    assert ideas.settings["live_results"] is True and ideas.results_shown
    assert 'name="live_results" type="checkbox" checked>' in (await signed_in.get(path)).text
    assert "resultaten live zichtbaar" in (await signed_in.get("/manage/projects/DEMO")).text
    exported = (await signed_in.get("/manage/projects/DEMO/export.toml")).text
    assert exported.count("live_results = true") == 1
    response = await signed_in.post(path, data={"csrf": token, **fields})  # unticked: off
    assert response.status_code == 303
    assert "live_results" not in (await signed_in.get("/manage/projects/DEMO/export.toml")).text
