"""Every facilitator page and API route refuses strangers; forms need their CSRF token;
residents' text is escaped everywhere; viewers read but never change."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from core.domain import commands as c
from core.services import accounts
from tests.web.conftest import client_for, csrf, login, make_user
from web.app import create_app
from web.routes import account, auth, manage

PARAMS = {
    "code": "DEMO",
    "key": "ideeen",
    "kind": "idea",
    "item_id": "1",
    "action": "approve",
    "channel": "web",
    "token_id": "1",
    "slug": "gemeente-voorbeeld",
    "name": "omgevingsvisie",
    "number": "1",
    "user_id": "1",
}


def manage_routes(container) -> list[tuple[str, str]]:
    """(method, path) of every route of the facilitator area, parameters filled in."""
    found = []
    for route in manage.router.routes + auth.router.routes + account.router.routes:
        if isinstance(route, APIRoute) and route.path.startswith(("/manage", "/account")):
            path = re.sub(r"{(\w+)}", lambda m: PARAMS[m.group(1)], route.path)
            for method in sorted(route.methods - {"HEAD"}):
                found.append((method, path))
    assert len(found) > 20
    return found


def api_paths(container) -> list[str]:
    app = create_app(container)
    api = next(r for r in app.routes if getattr(r, "path", "") == "/api/v1").app
    return [
        "/api/v1" + re.sub(r"{(\w+)}", lambda m: PARAMS[m.group(1)], r.path)
        for r in api.routes
        if isinstance(r, APIRoute)
    ]


async def test_anonymous_visitors_are_sent_to_the_login_page(client, demo):
    for method, path in manage_routes(demo):
        response = await client.request(method, path, data={"csrf": "x"})
        assert response.status_code == 303, (method, path, response.status_code)
        location = response.headers["location"]
        assert location.startswith(("/login?next=", "/login", "/account/password")), location


async def test_the_api_refuses_requests_without_a_valid_token(client, demo):
    for path in api_paths(demo):
        assert (await client.get(path)).status_code == 401, path
        bad = await client.get(path, headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401, path


async def test_facilitators_of_another_organisation_get_403(client, demo):
    await make_user(demo, "other@elders.nl", "facilitator", "gemeente-elders")
    await login(client, "other@elders.nl")
    token = await csrf(client)
    for method, path in manage_routes(demo):
        if "/projects/DEMO" not in path:
            continue
        response = await client.request(method, path, data={"csrf": token})
        assert response.status_code == 403, (method, path, response.status_code)


async def test_the_api_refuses_another_organisations_project(client, demo):
    await make_user(demo, "other@elders.nl", "facilitator", "gemeente-elders")
    async with demo.uow() as uow:
        token = await accounts.new_api_token(uow, "other@elders.nl")
        await uow.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/projects", headers=headers)).json() == []
    for path in api_paths(demo):
        if "DEMO" in path:
            assert (await client.get(path, headers=headers)).status_code == 403, path


async def test_a_form_without_its_csrf_token_is_refused(signed_in, demo):
    for method, path in manage_routes(demo):
        if method != "POST":
            continue
        assert (await signed_in.post(path, data={})).status_code == 403, path
        assert (await signed_in.post(path, data={"csrf": "forged"})).status_code == 403, path


async def test_the_login_form_needs_its_csrf_token(client, facilitator):
    response = await client.post(
        "/login", data={"email": facilitator.email, "password": "correct horse battery"}
    )
    assert response.status_code == 403


async def test_viewers_cannot_change_anything(client, demo):
    await make_user(demo, "viewer@voorbeeld.nl", "viewer", "gemeente-voorbeeld")
    await login(client, "viewer@voorbeeld.nl")
    assert (await client.get("/manage/projects/DEMO")).status_code == 200
    assert (await client.get("/manage/projects/DEMO/results")).status_code == 200
    token = await csrf(client)
    for method, path in manage_routes(demo):
        if method == "POST" and path.startswith("/manage"):
            response = await client.post(path, data={"csrf": token})
            assert response.status_code == 403, (path, response.status_code)
    page = (await client.get("/manage/projects/DEMO")).text
    assert "/publish" not in page and "Add a round" not in page


SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.mark.parametrize(
    "path",
    [
        "/manage/projects/DEMO",
        "/manage/projects/DEMO/live",
        "/manage/projects/DEMO/moderation",
        "/manage/projects/DEMO/results",
        "/p/DEMO",
    ],
)
async def test_html_from_residents_is_escaped_on_every_page(signed_in, demo, path):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
    resident = await demo.bus.handle(c.GiveConsent("p1", project.id, "web", "nl"))
    await demo.bus.handle(c.SubmitIdea(resident, rounds["ideeen"].id, SCRIPT))
    await demo.bus.handle(c.GiveFeedback(resident, rounds["reactie"].id, 7, SCRIPT))
    await demo.bus.handle(c.MarkRoundStarted(resident, rounds["ideeen"].id))
    for key in rounds:
        await demo.bus.handle(c.PublishResults(rounds[key].id))
    await demo.bus.handle(c.ApplyShortlist(rounds["beoordelen"].id))
    async with demo.uow() as uow:  # make the idea a top rated item on the summary page
        items = [i for i in await uow.projects.items(rounds["beoordelen"].id) if i.idea_id]
    await demo.bus.handle(c.RateItem(resident, rounds["beoordelen"].id, items[0].id, 0, 5))
    await demo.bus.handle(c.RateItem(resident, rounds["beoordelen"].id, items[0].id, 1, 5))
    page = (await signed_in.get(path)).text
    assert "<script>alert" not in page and "<img src=x" not in page
    if path != "/p/DEMO":  # the summary shows counts of ideas, not their text
        assert "&lt;script&gt;alert(" in page
    else:
        assert "&lt;img src=x" in page  # the top item, in the table and the plot's <title>


@pytest.mark.parametrize("path", ["/", "/chat/DEMO", "/p/NOPE", "/manage", "/healthz"])
async def test_every_response_carries_the_security_headers(client, path: str):
    response = await client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers.get_list("X-Frame-Options") == ["DENY"]  # set once
    assert "base-uri 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # served over plain HTTP


async def test_served_over_https_browsers_are_told_to_stay_on_https(demo):
    demo.settings.public_url = "https://inspraak.gemeente.nl"
    async with client_for(demo) as client:
        for path in ("/", "/chat/DEMO", "/login", "/static/inspraak.css"):
            response = await client.get(path)
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000", path
