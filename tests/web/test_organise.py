"""The organise page: groups, one confirmation for bulk actions, HTMX partials that replace
only the block acted on, plain forms that come back to the same anchor, friendly refusals."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from core.domain import commands as c
from core.storage import tables as t
from tests.web.conftest import csrf, login, make_user

URL = "/manage/projects/DEMO/rounds/ideeen/ordenen"
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def patient(monkeypatch):
    """Wait for the groups however slow the machine (the first view loads the encoder)."""
    from web.routes.manage import organise

    monkeypatch.setattr(organise, "GROUPS_WAIT", 60.0)


async def ideas(demo, texts, moderation="post"):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        project.settings["moderation"] = moderation
        await uow.projects.update(project)
        rnd = next(r for r in await uow.projects.rounds(project.id) if r.key == "ideeen")
        await uow.commit()
    ids = []
    for n, text in enumerate(texts):
        rid = await demo.bus.handle(c.GiveConsent(f"org{n}", project.id, "web", "nl"))
        ids.append(await demo.bus.handle(c.SubmitIdea(rid, rnd.id, text)))
    return rnd.id, ids


async def statuses(demo, ids):
    async with demo.uow() as uow:
        rows = await uow.conn.execute(
            sa.select(t.ideas.c.id, t.ideas.c.status, t.ideas.c.wording)
            .where(t.ideas.c.id.in_(ids))
            .order_by(t.ideas.c.id)
        )
        return {r.id: (r.status, r.wording) for r in rows}


TREES = ["Meer bomen in de Lindelaan", "Plant meer bomen in de Lindelaan", "Meer bomen Lindelaan!"]


async def test_the_page_groups_alike_ideas_and_shows_waiting_and_held_ones_first(signed_in, demo):
    _, ids = await ideas(demo, [*TREES, "Bel me: 0612345678, meer bankjes"])
    page = await signed_in.get(URL)
    assert page.status_code == 200
    html = page.text
    assert 'href="#groups"' in html  # a skip link to the groups
    assert "Groep 1" in html and all(f'name="ids" value="{i}"' in html for i in ids[:3])
    assert "Wachten op een besluit: 1" in html and "telefoonnummer" in html
    held = re.search(rf'id="waiting-i{ids[3]}"[^>]*>', html)
    assert held and "checked" not in held.group(0)  # a held idea is never ticked for you
    dashboard = await signed_in.get("/manage/projects/DEMO")
    assert URL in dashboard.text
    assert URL in (await signed_in.get("/manage/projects/DEMO/moderation")).text


async def test_merging_without_javascript_asks_once_then_returns_to_the_group(signed_in, demo):
    _, ids = await ideas(demo, TREES)
    token = await csrf(signed_in, URL)
    form = {"csrf": token, "action": "merge", "block": f"g{ids[0]}", "kind": "cluster",
            "ids": [str(i) for i in ids], "shown": [str(i) for i in ids],
            "wording_from": "own", "wording": "Meer bomen in de Lindelaan",
            "terug": "streng=3"}  # fmt: skip
    asked = await signed_in.post(f"{URL}/ideeen", data=form)
    assert asked.status_code == 200 and "3 ideeën samenvoegen tot één?" in asked.text
    assert all(s == "approved" for s, _ in (await statuses(demo, ids)).values())
    done = await signed_in.post(f"{URL}/ideeen", data={**form, "confirm": "1"})
    assert done.status_code == 303
    assert done.headers["location"] == f"{URL}?streng=3&gedaan=merge&n=3#g{ids[0]}"
    after = await statuses(demo, ids)
    survivor = [i for i, (s, _) in after.items() if s == "approved"]
    assert len(survivor) == 1 and after[survivor[0]][1] == "Meer bomen in de Lindelaan"
    page = (await signed_in.get(done.headers["location"])).text
    assert "3 ideeën samengevoegd tot één." in page and "Ongedaan maken" in page


async def test_with_htmx_the_confirmation_and_the_result_replace_only_the_block(signed_in, demo):
    _, ids = await ideas(demo, TREES)
    token = await csrf(signed_in, URL)
    form = {"csrf": token, "action": "merge", "block": f"g{ids[0]}", "kind": "cluster",
            "number": "1", "ids": [str(i) for i in ids], "shown": [str(i) for i in ids],
            "wording_from": str(ids[1])}  # fmt: skip
    asked = await signed_in.post(f"{URL}/ideeen", data=form, headers=HX)
    assert asked.text.lstrip().startswith(f'<form id="g{ids[0]}"')
    assert "<html" not in asked.text and 'name="confirm" value="1"' in asked.text
    done = await signed_in.post(f"{URL}/ideeen", data={**form, "confirm": "1"}, headers=HX)
    assert done.status_code == 200 and "<html" not in done.text
    assert "3 ideeën samengevoegd tot één." in done.text
    assert "Staat voor 3 ideeën en 3 bewoners" in done.text
    assert re.search(r'id="undo"[^>]*hx-swap-oob="true"', done.text)  # the undo bar too
    after = await statuses(demo, ids)
    assert after[ids[1]] == ("approved", TREES[1])  # the chosen text's idea is kept
    # undo puts everything back
    action = re.search(r'name="action_id" value="(\d+)"', done.text).group(1)
    assert 'form="undo-form" name="block" value="g' in done.text  # undo right in the group
    undo = {"csrf": token, "action_id": action, "block": f"g{ids[0]}"}
    undone = await signed_in.post(f"{URL}/herstel", data=undo)
    assert undone.status_code == 303
    assert undone.headers["location"].endswith(f"gedaan=undo&n=1#g{ids[0]}")  # back to it
    assert all(v == ("approved", None) for v in (await statuses(demo, ids)).values())
    again = await signed_in.post(f"{URL}/herstel", data={"csrf": token, "action_id": action})
    assert "fout=undo_gone" in again.headers["location"]
    async with demo.uow() as uow:  # each action in the audit log, by whom, without any text
        audit = (await uow.conn.execute(sa.select(t.audit_log).order_by(t.audit_log.c.id))).all()
    done_here = [(a.action, a.actor, a.detail) for a in audit if a.action.startswith("organise")]
    assert [a for a, _, _ in done_here] == ["organise.merge", "organise.undo"]
    assert done_here[0][1] == "fac@voorbeeld.nl" and done_here[0][2]["ideas"] == 3
    assert all(TREES[1] not in str(detail) for _, _, detail in done_here)


async def test_bulk_approval_of_waiting_ideas_and_themes_by_name(signed_in, demo):
    rid, ids = await ideas(demo, ["Een speeltuin", "Meer bankjes", "Een moestuin"], "pre")
    token = await csrf(signed_in, URL)
    base = {"csrf": token, "block": "waiting", "kind": "waiting", "confirm": "1",
            "ids": [str(i) for i in ids[:2]], "shown": [str(i) for i in ids]}  # fmt: skip
    done = await signed_in.post(f"{URL}/ideeen", data={**base, "action": "approve"}, headers=HX)
    assert "2 ideeën goedgekeurd." in done.text
    assert [s for s, _ in (await statuses(demo, ids)).values()] == ["approved", "approved", "new"]
    tag = {**base, "action": "tag", "theme": "Spelen & Groen"}
    assert (
        "Thema gegeven aan 2 ideeën."
        in (await signed_in.post(f"{URL}/ideeen", data=tag, headers=HX)).text
    )
    page = (await signed_in.get(URL)).text
    assert "Spelen &amp; Groen" in page and "(2 ideeën)" in page  # case kept, counted
    theme_id = re.search(r'name="thema"[^>]*>.*?<option value="(\d+)"', page, re.S).group(1)
    filtered = (await signed_in.get(f"{URL}?thema={theme_id}")).text
    assert "2 ideeën gevonden" in filtered


async def test_bad_input_gets_a_friendly_message_never_an_error(signed_in, demo):
    _, ids = await ideas(demo, TREES)
    token = await csrf(signed_in, URL)
    cases = [
        ({"action": "approve"}, "Kies eerst minstens één idee."),
        ({"action": "merge", "ids": [str(ids[0]), "99999"], "confirm": "1",
          "wording_from": "own", "wording": "x"}, "bestaat niet meer"),
        ({"action": "merge", "ids": [str(ids[0])]}, "Kies minstens twee ideeën"),
        ({"action": "merge", "ids": [str(i) for i in ids], "wording_from": "own",
          "wording": "  "}, "schrijf je eigen formulering"),
        ({"action": "tag", "ids": [str(ids[0])], "theme": "x" * 61, "confirm": "1"}, "60 tekens"),
        ({"action": "explode", "ids": [str(ids[0])]}, "Dat lukte niet"),
        ({"action": "approve", "ids": ["abc", "-1"]}, "Kies eerst minstens één idee."),
    ]  # fmt: skip
    for fields, message in cases:
        data = {"csrf": token, "block": "results", "kind": "results", **fields}
        partial = await signed_in.post(f"{URL}/ideeen", data=data, headers=HX)
        assert partial.status_code == 200 and message in partial.text, (fields, partial.text)
        plain = await signed_in.post(f"{URL}/ideeen", data=data, follow_redirects=True)
        assert plain.status_code == 200 and message in plain.text, fields
    for path in (f"{URL}?pagina=abc&status=nope&thema=x&streng=9&q=" + "a" * 500,):
        assert (await signed_in.get(path)).status_code == 200
    theme = await signed_in.post(
        f"{URL}/themas",
        data={"csrf": token, "action": "rename", "theme": "12345", "name": "A"},
        follow_redirects=True,
    )
    assert "bestaat niet meer" in theme.text
    assert (
        await signed_in.get("/manage/projects/DEMO/rounds/beoordelen/ordenen")
    ).status_code == 404


async def test_an_idea_of_another_project_cannot_be_touched(signed_in, demo):
    _, ids = await ideas(demo, TREES)
    token = await csrf(signed_in, URL)
    data = {"csrf": token, "action": "reject", "ids": [str(ids[0])], "confirm": "1",
            "block": "results", "kind": "results"}  # fmt: skip
    other = "/manage/projects/NOPE/rounds/ideeen/ordenen/ideeen"
    assert (await signed_in.post(other, data=data)).status_code == 404
    assert (await statuses(demo, ids[:1]))[ids[0]][0] == "approved"


async def test_a_viewer_sees_the_page_but_may_not_act(client, demo):
    _, ids = await ideas(demo, TREES)
    await make_user(demo, "kijk@voorbeeld.nl", "viewer", "gemeente-voorbeeld")
    await login(client, "kijk@voorbeeld.nl")
    page = await client.get(URL)
    assert page.status_code == 200 and 'name="action" value="merge"' not in page.text
    token = await csrf(client, URL)
    data = {"csrf": token, "action": "approve", "ids": [str(ids[0])], "confirm": "1"}
    assert (await client.post(f"{URL}/ideeen", data=data)).status_code == 403


async def test_a_large_rounds_first_clustering_does_not_hold_up_the_page(
    signed_in, demo, monkeypatch
):
    await ideas(demo, TREES)
    from web.routes.manage import organise

    monkeypatch.setattr(organise, "GROUPS_WAIT", 0.0)  # as if clustering took seconds
    first = await signed_in.get(URL)
    assert first.status_code == 200 and "De groepen worden berekend" in first.text
    assert 'hx-trigger="load delay:3s"' in first.text  # HTMX fetches them when ready
    monkeypatch.setattr(organise, "GROUPS_WAIT", 60.0)
    later = await signed_in.get(URL)
    assert "Groep 1" in later.text and "worden berekend" not in later.text
