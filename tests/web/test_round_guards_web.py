"""The web area meets the rounds' guards: refused changes say why beside the field, actions
that do not fit a round's state are not offered, and every action asks first."""

from __future__ import annotations

from core.services.project_file import export_project
from inspraak.bootstrap import Container
from tests.integration.test_round_guards import give_feedback, round_data
from tests.web.conftest import csrf, csrf_of


async def test_changing_the_kind_of_an_answered_round_is_refused_beside_the_field(
    signed_in, demo: Container
):
    await give_feedback(demo, 25)
    page = await signed_in.get("/manage/projects/DEMO/rounds/reactie")
    response = await signed_in.post(
        "/manage/projects/DEMO/rounds/reactie",
        data={"csrf": csrf_of(page.text), "kind": "statements", "statements": "Eens?",
              "question": "Wat vind je?", "state": "open"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Deze ronde heeft al antwoorden van 25 deelnemers" in response.text
    assert '<div class="field has-error">\n  <label for="f-kind">' in response.text
    assert (await round_data(demo, "reactie"))["kind"] == "feedback"


async def test_an_uploaded_project_file_that_changes_an_answered_round_is_refused(
    signed_in, demo: Container
):
    await give_feedback(demo, 2)
    async with demo.uow() as uow:
        before = await export_project(uow, "DEMO")
    text = before.replace("scale = [1, 10]", "scale = [1, 5]")
    files = {"file": ("demo.toml", text.encode(), "application/toml")}
    response = await signed_in.post(
        "/manage/projects/import", data={"csrf": await csrf(signed_in)}, files=files
    )
    assert response.status_code == 400
    assert "Ronde reactie: Deze ronde heeft al antwoorden van 2 deelnemers" in response.text
    async with demo.uow() as uow:
        assert await export_project(uow, "DEMO") == before
