"""The facilitator area end to end over HTTP: accounts, forms, dashboard, exports, API."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from core.domain import commands as c
from core.services import accounts
from tests.factories import project_toml
from tests.web.conftest import PASSWORD, csrf, csrf_of, login


async def test_a_new_account_must_replace_its_one_time_password(client, demo):
    async with demo.uow() as uow:
        user, one_time = await accounts.create_user(
            uow, "new@voorbeeld.nl", "facilitator", "gemeente-voorbeeld"
        )
        await uow.commit()
    response = await login(client, "new@voorbeeld.nl", one_time)
    assert response.headers["location"] == "/account/password"
    assert (await client.get("/manage")).headers["location"] == "/account/password"
    page = await client.get("/account/password")
    form = {"csrf": csrf_of(page.text), "current": one_time, "new": "kort", "repeat": "kort"}
    short = await client.post("/account/password", data=form)
    assert short.status_code == 400 and "10" in short.text
    form.update(new="een lang nieuw wachtwoord", repeat="een lang nieuw wachtwoord")
    assert (await client.post("/account/password", data=form)).status_code == 303
    assert (await client.get("/manage")).status_code == 200


async def test_logins_are_limited_per_address_and_client(client, facilitator):
    for _ in range(accounts.MAX_FAILURES):
        assert (await login(client, facilitator.email, "wrong")).status_code == 400
    blocked = await login(client, facilitator.email, PASSWORD)
    assert blocked.status_code == 429


async def test_session_cookie_is_httponly_and_lax(client, facilitator):
    response = await login(client, facilitator.email)
    cookie = response.headers["set-cookie"]
    assert "inspraak_session=" in cookie and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower() and "Secure" not in cookie


async def test_logging_out_ends_the_session(signed_in):
    await signed_in.post("/logout", data={"csrf": await csrf(signed_in)})
    assert (await signed_in.get("/manage")).status_code == 303


async def test_a_project_form_error_is_shown_beside_its_field(signed_in):
    token = await csrf(signed_in)
    response = await signed_in.post(
        "/manage/projects/new", data={"csrf": token, "code": "x", "title": "Park"}
    )
    assert response.status_code == 400
    assert 'id="e-code"' in response.text and 'aria-invalid="true"' in response.text


async def test_a_facilitator_creates_a_project_with_two_scheduled_rounds(signed_in, demo):
    token = await csrf(signed_in)
    created = await signed_in.post(
        "/manage/projects/new",
        data={"csrf": token, "code": "park26", "title": "Het park", "language": "nl",
              "status": "active", "moderation": "pre", "listed": "on",
              "quiet_start": "21:00", "quiet_end": "09:00", "wijken": "Noord: 5041, 5042"},
    )  # fmt: skip
    assert created.status_code == 303 and created.headers["location"] == "/manage/projects/PARK26"
    ideas = await signed_in.post(
        "/manage/projects/PARK26/rounds/new",
        data={"csrf": token, "key": "ideeen", "kind": "ideas", "question": "Wat wil je?",
              "opens_at": "2026-12-10T09:00", "closes_at": "2026-12-20T17:00"},
    )  # fmt: skip
    assert ideas.status_code == 303, ideas.text
    bad = await signed_in.post(
        "/manage/projects/PARK26/rounds/new",
        data={"csrf": token, "key": "cijfers", "kind": "rating", "question": "Hoe?",
              "opens_at": "2026-12-21T09:00", "closes_at": "2026-12-20T09:00"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "de sluitingstijd moet na de openingstijd liggen" in bad.text  # Dutch by default
    bad_en = await signed_in.post(
        "/manage/projects/PARK26/rounds/new?lang=en",
        data={"csrf": token, "key": "Cijfers!", "kind": "rating", "question": "Hoe?",
              "items_from": "ideeen", "max_per_resident": "0"},
    )  # fmt: skip
    assert bad_en.status_code == 400
    assert "Use lowercase letters, digits, - or _ (at most 60 characters)." in bad_en.text
    assert "Give a number of at least 1." in bad_en.text
    assert "String should" not in bad_en.text and "Input should" not in bad_en.text
    rating = await signed_in.post(
        "/manage/projects/PARK26/rounds/new",
        data={"csrf": token, "key": "cijfers", "kind": "rating", "question": "Hoe?",
              "items_from": "ideeen", "criteria": "Belang\nHaalbaarheid",
              "scale_low": "1", "scale_high": "5", "opens_at": "2026-12-21T09:00"},
    )  # fmt: skip
    assert rating.status_code == 303, rating.text
    async with demo.uow() as uow:
        project = await uow.projects.by_code("PARK26")
        rounds = await uow.projects.rounds(project.id)
    assert project.settings["moderation"] == "pre"
    assert project.settings["wijken"] == {"Noord": ["5041", "5042"]}
    assert [(r.key, r.state.value) for r in rounds] == [
        ("ideeen", "scheduled"),
        ("cijfers", "scheduled"),
    ]
    # 09:00 in Amsterdam in December is 08:00 UTC
    assert rounds[0].opens_at == datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
    assert rounds[1].criteria == ["Belang", "Haalbaarheid"]
    form = (await signed_in.get("/manage/projects/PARK26/rounds/ideeen")).text
    assert 'value="2026-12-10T09:00"' in form


async def test_editing_a_project_keeps_its_rounds_and_neighbourhoods(signed_in, demo):
    page = await signed_in.get("/manage/projects/DEMO/edit")
    # the wijken are a table of rows now (issue 18), no longer one line per wijk
    assert 'value="Oosterwijk-Noord"' in page.text and 'value="5041, 5042"' in page.text
    response = await signed_in.post(
        "/manage/projects/DEMO/edit",
        data={"csrf": csrf_of(page.text), "title": "Nieuw", "language": "nl",
              "status": "active", "moderation": "pre", "ask_profile": "on",
              "quiet_start": "22:00", "quiet_end": "08:00",
              "wijken": "Oosterwijk-Noord: 5041, 5042"},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = await uow.projects.rounds(project.id)
    assert project.title == "Nieuw" and project.settings["quiet_hours"] == ["22:00", "08:00"]
    assert len(rounds) == 4


async def test_project_files_import_and_export_from_the_page(signed_in):
    token = await csrf(signed_in)
    text = project_toml("UPLOAD").replace("gemeente-test", "gemeente-voorbeeld")
    files = {"file": ("upload.toml", text.encode(), "application/toml")}
    done = await signed_in.post("/manage/projects/import", data={"csrf": token}, files=files)
    assert done.status_code == 303 and done.headers["location"] == "/manage/projects/UPLOAD"
    exported = await signed_in.get("/manage/projects/UPLOAD/export.toml")
    assert 'code = "UPLOAD"' in exported.text
    broken = {"file": ("x.toml", b"[project]\ncode = 1\n", "application/toml")}
    bad = await signed_in.post("/manage/projects/import", data={"csrf": token}, files=broken)
    assert bad.status_code == 400
    assert (
        "x.toml, regel 2, sleutel project.code: Geef een tekst tussen aanhalingstekens."
        in bad.text
    )
    assert "should" not in bad.text and "line 2" not in bad.text


async def test_a_facilitator_cannot_import_into_another_organisation(signed_in):
    token = await csrf(signed_in)
    files = {"file": ("x.toml", project_toml("ELDERS").encode(), "application/toml")}
    response = await signed_in.post("/manage/projects/import", data={"csrf": token}, files=files)
    assert response.status_code == 403


async def test_the_dashboard_shows_residents_and_refreshes_itself(signed_in, demo):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    await demo.bus.handle(c.GiveConsent("p1", project.id, "telegram", "nl"))
    page = (await signed_in.get("/manage/projects/DEMO")).text
    assert 'hx-get="/manage/projects/DEMO/live"' in page and "Telegram: <strong>1</strong>" in page
    assert "Vernieuw" in page or "Refresh" in page  # a plain link for browsers without JS


async def test_publishing_opens_the_summary_page(signed_in, demo):
    assert (await signed_in.get("/p/DEMO")).status_code == 404
    token = await csrf(signed_in)
    done = await signed_in.post(
        "/manage/projects/DEMO/rounds/stellingen/publish", data={"csrf": token}
    )
    assert done.status_code == 303
    page = await signed_in.get("/p/DEMO")
    assert page.status_code == 200 and "Parkeerplaatsen mogen plaatsmaken" in page.text
    # the demo's population figures show beside participation (nobody took part yet)
    assert "Wie deed mee, vergeleken met wie er woont" in page.text


async def test_exports_csv_and_xlsx(signed_in):
    path = "/manage/projects/DEMO/rounds/stellingen/results.csv?dialect=rfc4180&lang=en"
    csv = await signed_in.get(path)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("round,kind,item_id")
    assert all(line.startswith("stellingen,") for line in csv.text.splitlines()[1:])
    xlsx = await signed_in.get("/manage/projects/DEMO/results.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == [
        "Overzicht", "ideeen", "beoordelen", "stellingen", "reactie", "Per wijk",
        "Per leeftijdsgroep",
    ]  # fmt: skip


async def test_the_api_answers_with_a_token(client, demo, facilitator):
    async with demo.uow() as uow:
        token = await accounts.new_api_token(uow, facilitator.email)
        await uow.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert [p["code"] for p in (await client.get("/api/v1/projects", headers=headers)).json()] == [
        "DEMO"
    ]
    rounds = (await client.get("/api/v1/projects/DEMO/rounds", headers=headers)).json()
    assert [r["key"] for r in rounds] == ["ideeen", "beoordelen", "stellingen", "reactie"]
    results = (await client.get("/api/v1/projects/DEMO/results", headers=headers)).json()
    assert results["code"] == "DEMO" and len(results["rounds"]) == 4
    spec = (await client.get("/api/v1/openapi.json")).json()
    assert "/projects/{code}/results" in spec["paths"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


async def test_breakdowns_hide_groups_under_ten(demo):
    from core import views

    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
    fb = rounds["reactie"].id
    for n in range(12):
        rid = await demo.bus.handle(c.GiveConsent(f"n{n}", project.id, "web", "nl"))
        await demo.bus.handle(c.SetProfile(rid, postcode="5041" if n < 10 else "5043"))
        await demo.bus.handle(c.GiveFeedback(rid, fb, 8))
    async with demo.uow() as uow:
        results = await views.project_results(uow, "DEMO", demo.clock())
        rnd = next(r for r in results.rounds if r.key == "reactie")
        found = await views.breakdown(uow, rnd, "wijk", [])
    assert found.groups == [("Oosterwijk-Noord", 10)]
    assert found.hidden == 1 and found.cells == {("Oosterwijk-Noord", 0): 8.0}
