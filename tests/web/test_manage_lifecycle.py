"""A project's whole life in the web area: copy, template, close, archive, delete; each step
behind a page that says what will happen, refusals with a reason, Dutch and English."""

from __future__ import annotations

from datetime import UTC, datetime

from core.domain.model import Resident
from inspraak.bootstrap import Container
from tests.web.conftest import csrf, csrf_of, login, make_user


async def project_codes(demo: Container) -> list[str]:
    async with demo.uow() as uow:
        return [p.code for p in await uow.projects.all()]


async def test_the_dashboard_offers_the_project_s_whole_life(signed_in):
    main = (await signed_in.get("/manage/projects/DEMO")).text.split("<main")[1]
    for path in ("copy", "template", "close", "delete"):
        assert f'href="/manage/projects/DEMO/{path}"' in main
    assert "/manage/projects/DEMO/archive" not in main  # only a closed one is archived


async def test_a_copy_is_made_from_its_form_and_then_deleted(signed_in, demo):
    form = await signed_in.get("/manage/projects/DEMO/copy")
    assert 'value="DEMO-2"' in form.text and "Kopie van Groen en leefbaar Oosterwijk" in form.text
    made = await signed_in.post(
        "/manage/projects/DEMO/copy",
        data={"csrf": csrf_of(form.text), "code": "OOST2", "title": "Oosterwijk, deel 2"},
    )
    assert made.status_code == 303 and made.headers["location"].startswith(
        "/manage/projects/OOST2"
    )
    dashboard = await signed_in.get(made.headers["location"])
    assert "Dit is de kopie" in dashboard.text
    asked = await signed_in.get("/manage/projects/OOST2/delete")
    assert "4 rondes worden voorgoed verwijderd" in asked.text
    deleted = await signed_in.post(
        "/manage/projects/OOST2/delete", data={"csrf": csrf_of(asked.text)}
    )
    assert deleted.status_code == 303
    listing = await signed_in.get(deleted.headers["location"])
    assert "Project OOST2 is verwijderd." in listing.text
    assert await project_codes(demo) == ["DEMO"]


async def test_a_copy_with_a_code_in_use_shows_the_error_beside_the_field(signed_in, demo):
    token = await csrf(signed_in, "/manage/projects/DEMO/copy")
    refused = await signed_in.post(
        "/manage/projects/DEMO/copy?lang=en", data={"csrf": token, "code": "demo", "title": "X"}
    )
    assert refused.status_code == 400
    assert 'id="e-code"' in refused.text and "This code is already in use." in refused.text
    assert await project_codes(demo) == ["DEMO"]


async def test_a_running_project_is_not_deleted_and_the_page_says_why(signed_in, demo):
    asked = await signed_in.get("/manage/projects/DEMO/delete")
    assert "kan niet worden verwijderd" in asked.text
    assert "Project verwijderen</button>" not in asked.text
    refused = await signed_in.post(
        "/manage/projects/DEMO/delete?lang=en", data={"csrf": csrf_of(asked.text)}
    )
    assert (
        refused.status_code == 400 and "a round of this project has opened" in refused.text.lower()
    )
    assert await project_codes(demo) == ["DEMO"]


async def test_closing_says_what_happens_then_archiving_moves_it_out_of_the_list(signed_in, demo):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        await uow.residents.add(
            Resident("p1", project.id, "web", datetime(2026, 12, 1, tzinfo=UTC))
        )
        await uow.commit()
    asked = await signed_in.get("/manage/projects/DEMO/close")
    assert "4 open rondes sluiten nu" in asked.text and "geplande" not in asked.text
    assert "De persoonsgegevens van de ene bewoner worden gewist op" in asked.text
    assert "365 dagen na het sluiten" in asked.text
    closed = await signed_in.post(
        "/manage/projects/DEMO/close", data={"csrf": csrf_of(asked.text)}
    )
    assert closed.status_code == 303
    dashboard = await signed_in.get("/manage/projects/DEMO")
    assert "/manage/projects/DEMO/archive" in dashboard.text.split("<main")[1]
    token = csrf_of(dashboard.text)
    assert (
        await signed_in.post("/manage/projects/DEMO/archive", data={"csrf": token})
    ).status_code == 303
    listing = await signed_in.get("/manage")
    assert "Archief (1 project)" in listing.text
    row = '<th scope="row"><a href="/manage/projects/DEMO">'
    assert row not in listing.text
    back = await signed_in.post("/manage/projects/DEMO/unarchive", data={"csrf": token})
    assert back.status_code == 303
    listing = await signed_in.get("/manage")
    assert "Archief" not in listing.text and row in listing.text


async def test_a_project_starts_from_a_template_and_the_project_saves_as_one(signed_in, demo):
    chooser = await signed_in.get("/manage/templates")
    for name in ("Omgevingsvisie", "Armoedebeleid", "Energietransitie in de wijk"):
        assert name in chooser.text
    form = await signed_in.get("/manage/templates/energiewijk/new")
    made = await signed_in.post(
        "/manage/templates/energiewijk/new",
        data={"csrf": csrf_of(form.text), "code": "GASLOOS", "title": ""},
    )
    assert made.status_code == 303, made.text
    page = await signed_in.get("/manage/projects/GASLOOS")
    assert "Van het gas af: samen kiezen voor onze wijk" in page.text
    save = await signed_in.get("/manage/projects/GASLOOS/template")
    saved = await signed_in.post(
        "/manage/projects/GASLOOS/template",
        data={
            "csrf": csrf_of(save.text),
            "name": "Onze wijkronde",
            "description": "Met de corporatie",
        },
    )
    assert saved.headers["location"] == "/manage/templates?saved=1"
    chooser = await signed_in.get("/manage/templates?saved=1")
    assert "Onze wijkronde" in chooser.text and "4 rondes" in chooser.text


async def test_another_organisation_sees_no_life_pages_and_no_own_templates(client, demo):
    await make_user(demo, "elders@voorbeeld.nl", "facilitator", "gemeente-elders")
    await login(client, "elders@voorbeeld.nl")
    for path in ("copy", "close", "delete", "template"):
        assert (await client.get(f"/manage/projects/DEMO/{path}")).status_code == 403
    token = await csrf(client)
    assert (
        await client.post("/manage/projects/DEMO/delete", data={"csrf": token})
    ).status_code == 403
    assert await project_codes(demo) == ["DEMO"]


async def test_a_template_with_an_unknown_name_is_not_found(signed_in):
    assert (await signed_in.get("/manage/templates/bestaat-niet/new")).status_code == 404
    assert (await signed_in.get("/manage/templates/own:999/new")).status_code == 404
