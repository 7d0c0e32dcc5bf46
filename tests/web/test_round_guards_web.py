"""The web area meets the rounds' guards: refused changes say why beside the field, actions
that do not fit a round's state are not offered, and every action asks first."""

from __future__ import annotations

import pytest

from core import views
from core.domain import commands as c
from core.domain.errors import ActionNotAvailable
from core.domain.model import Round
from core.domain.texts import base
from core.services.project_file import export_project
from inspraak.bootstrap import Container
from tests.integration.test_round_guards import give_feedback, resident, round_data, vote_once
from tests.web.conftest import csrf, csrf_of
from web.form_texts import form_values


async def test_changing_the_kind_of_an_answered_round_is_refused_beside_the_field(
    signed_in, demo: Container
):
    await give_feedback(demo, 25)
    page = await signed_in.get("/manage/projects/DEMO/rounds/reactie")
    response = await signed_in.post(
        "/manage/projects/DEMO/rounds/reactie",
        data={"csrf": csrf_of(page.text), "kind": "statements",
              "question": "Wat vind je?", "state": "open"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Deze ronde heeft al antwoorden (deelnemers die antwoordden: 25)" in response.text
    assert '<div class="field has-error">\n  <label for="f-kind">' in response.text
    summary = response.text.split("Verbeter het volgende")[1][:300]
    assert "stellingen" not in summary  # not what another kind would need
    assert '<a href="#f-kind">Soort ronde</a>' in summary  # the field as the form names it
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
    said = "Ronde reactie: Deze ronde heeft al antwoorden (deelnemers die antwoordden: 2)"
    assert said in response.text
    async with demo.uow() as uow:
        assert await export_project(uow, "DEMO") == before


async def telegram_residents(demo: Container, count: int) -> list[int]:
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        assert project is not None
    return [
        await demo.bus.handle(
            c.GiveConsent(f"tg-{number}", project.id or 0, "telegram", "nl", str(1000 + number))
        )
        for number in range(count)
    ]


async def add_round(signed_in, key: str, **fields: str) -> None:
    token = await csrf(signed_in)
    added = await signed_in.post(
        "/manage/projects/DEMO/rounds/new",
        data={"csrf": token, "key": key, "kind": "ideas", "question": "Nog iets?", **fields},
    )
    assert added.status_code == 303, added.text


async def test_a_scheduled_round_offers_opening_only_and_refuses_closing_and_publishing(
    signed_in, demo: Container
):
    await add_round(signed_in, "later", opens_at="2030-01-10T09:00")
    board = (await signed_in.get("/manage/projects/DEMO?lang=en")).text
    row = board.split('id="round-later"')[1].split("</tr>")[0]
    assert "scheduled" in row and "/rounds/later/open" in row
    assert "/rounds/later/close" not in row and "/rounds/later/publish" not in row
    token = await csrf(signed_in)
    for action, reason in (
        ("close", "This round is not open, so it cannot be closed."),
        ("publish", "This round has not opened yet, so it has no results to publish."),
    ):
        refused = await signed_in.post(
            f"/manage/projects/DEMO/rounds/later/{action}?lang=en", data={"csrf": token}
        )
        assert refused.status_code == 409 and reason in refused.text
    rnd = await round_row(demo, "later")
    assert rnd.state.value == "scheduled" and rnd.results_published_at is None
    with pytest.raises(ActionNotAvailable):
        await demo.bus.handle(c.CloseRound(rnd.id or 0))
    with pytest.raises(ActionNotAvailable):
        await demo.bus.handle(c.PublishResults(rnd.id or 0))


async def round_row(demo: Container, key: str) -> Round:
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        assert project is not None
        rounds = await uow.projects.rounds(project.id or 0)
    return next(r for r in rounds if r.key == key)


async def test_opening_asks_first_saying_how_many_residents_get_a_message(
    signed_in, demo: Container
):
    await telegram_residents(demo, 3)
    await add_round(signed_in, "later")
    board = (await signed_in.get("/manage/projects/DEMO")).text
    row = board.split('id="round-later"')[1].split("</tr>")[0]
    assert "<form" not in row  # nothing happens in one click
    asked = await signed_in.get("/manage/projects/DEMO/rounds/later/open")
    assert asked.status_code == 200
    assert "3 deelnemers krijgen nu een bericht dat de ronde open is." in asked.text
    assert (await round_row(demo, "later")).state.value == "draft"
    done = await signed_in.post(
        "/manage/projects/DEMO/rounds/later/open", data={"csrf": csrf_of(asked.text)}
    )
    assert done.status_code == 303
    assert (await round_row(demo, "later")).state.value == "open"


async def test_publishing_warns_about_waiting_contributions_and_offers_a_preview(
    signed_in, demo: Container
):
    ideeen = await round_row(demo, "ideeen")
    for name, text in (("a", "Meer bomen in de straat"), ("b", "Bel me op 06-12345678")):
        await demo.bus.handle(c.SubmitIdea(await resident(demo, name), ideeen.id or 0, text))
    asked = await signed_in.get("/manage/projects/DEMO/rounds/ideeen/publish?lang=en")
    assert asked.status_code == 200
    assert "2 contributions are still waiting for moderation" in asked.text
    assert "1 of them is not shown on the public page until you approve it." in asked.text
    assert "1 of them is shown without review" in asked.text
    assert "/manage/projects/DEMO/preview?round=ideeen" in asked.text
    preview = await signed_in.get("/manage/projects/DEMO/preview?round=ideeen")
    assert preview.status_code == 200
    assert "Wat zou jij veranderen om Oosterwijk groener" in preview.text  # this round
    assert "Het conceptplan zet in op 500 nieuwe bomen" not in preview.text  # not the others
    assert "06-12345678" not in preview.text
    assert (await round_row(demo, "ideeen")).results_published_at is None


async def test_published_results_can_be_taken_back_and_the_log_says_so(signed_in, demo: Container):
    reactie = await round_row(demo, "reactie")
    for who in await telegram_residents(demo, 2):
        await demo.bus.handle(c.GiveFeedback(who, reactie.id or 0, 8, ""))
    token = await csrf(signed_in)
    published = await signed_in.post(
        "/manage/projects/DEMO/rounds/reactie/publish", data={"csrf": token}
    )
    assert published.status_code == 303
    board = (await signed_in.get("/manage/projects/DEMO?lang=en")).text
    row = board.split('id="round-reactie"')[1].split("</tr>")[0]
    assert "/rounds/reactie/unpublish" in row and "/rounds/reactie/publish" not in row
    asked = await signed_in.get("/manage/projects/DEMO/rounds/reactie/unpublish?lang=en")
    assert "2 results messages not sent yet are withdrawn." in asked.text
    taken = await signed_in.post(
        "/manage/projects/DEMO/rounds/reactie/unpublish", data={"csrf": token}
    )
    assert taken.status_code == 303
    assert (await round_row(demo, "reactie")).results_published_at is None
    async with demo.reading() as uow:
        entries = await views.audit_rows(uow, "DEMO")
    found = [e for e in entries if e["action"] == "round.unpublish"]
    assert found and found[0]["detail"]["withdrawn"] == 2


async def test_a_corrected_item_is_recorded_in_the_audit_log(signed_in, demo: Container):
    await vote_once(demo)
    page = await signed_in.get("/manage/projects/DEMO/rounds/stellingen")
    data = await round_data(demo, "stellingen")
    statements = [base(s) for s in data["statements"]]
    assert "helpen" in statements[1]
    statements[1] = statements[1].replace("helpen", "steunen")
    saved = await signed_in.post(
        "/manage/projects/DEMO/rounds/stellingen",
        data={"csrf": csrf_of(page.text), "kind": "statements", "state": "open",
              "question": base(data["question"]), "statements": "\n".join(statements),
              # the translations stay as the form shows them
              **form_values(data, ("question", "statements"))},
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    async with demo.reading() as uow:
        entries = await views.audit_rows(uow, "DEMO", "round.edit")
    assert entries[-1]["detail"]["fields"] == ["statements"]
    assert len(entries[-1]["detail"]["corrected_items"]) == 1


async def test_the_form_of_an_answered_round_says_what_is_fixed(signed_in, demo: Container):
    await give_feedback(demo, 4)
    form = (await signed_in.get("/manage/projects/DEMO/rounds/reactie")).text
    assert "Deze ronde heeft antwoorden van 4 deelnemers" in form
    fresh = (await signed_in.get("/manage/projects/DEMO/rounds/stellingen")).text
    assert "Deze ronde heeft antwoorden van" not in fresh


async def test_opening_through_the_shortlist_says_how_many_residents_get_a_message(
    signed_in, demo: Container
):
    await telegram_residents(demo, 2)
    await add_round(signed_in, "cijfers", kind="rating", items_from="ideeen", criteria="Belang")
    asked = await signed_in.get("/manage/projects/DEMO/rounds/cijfers/open")
    assert asked.status_code == 307 and asked.headers["location"].endswith("shortlist?open=1")
    page = await signed_in.get("/manage/projects/DEMO/rounds/cijfers/shortlist?open=1")
    assert "2 deelnemers krijgen nu een bericht dat de ronde open is." in page.text


async def test_the_round_form_cannot_open_or_close_a_round_past_its_confirmation(
    signed_in, demo: Container
):
    """Opening and closing ask first on the action pages; the form of a running round shows
    its state and a post that would close it, or open a draft, is refused beside the field."""
    page = await signed_in.get("/manage/projects/DEMO/rounds/reactie")
    assert 'name="state" value="open"' in page.text  # running: shown, not a choice
    assert '<option value="closed"' not in page.text
    data = await round_data(demo, "reactie")
    closing = await signed_in.post(
        "/manage/projects/DEMO/rounds/reactie",
        data={"csrf": csrf_of(page.text), "kind": "feedback",
              "question": base(data["question"]), "state": "closed"},
    )  # fmt: skip
    assert closing.status_code == 400
    assert "Een ronde open je of sluit je met de knop op het dashboard" in closing.text
    assert (await round_data(demo, "reactie"))["state"] == "open"
    kept = await signed_in.post(
        "/manage/projects/DEMO/rounds/reactie",
        data={"csrf": csrf_of(page.text), "kind": "feedback",
              "question": base(data["question"]) + " Graag!", "state": "open",
              **form_values(data, ("question",))},
    )  # fmt: skip
    assert kept.status_code == 303
    assert (await round_data(demo, "reactie"))["state"] == "open"


async def test_the_project_form_does_not_close_a_project_past_its_confirmation(
    signed_in, demo: Container
):
    """Closing a project closes its rounds and starts the retention period: it asks first on
    its own page, so the project form refuses "closed" beside the field and changes nothing."""
    page = await signed_in.get("/manage/projects/DEMO/edit")
    assert '<option value="closed"' not in page.text
    form = {
        "csrf": csrf_of(page.text),
        "title": "Groen en leefbaar Oosterwijk",
        "language": "nl",
        "status": "closed",
        "moderation": "post",
        "retention_days": "365",
    }
    refused = await signed_in.post("/manage/projects/DEMO/edit", data=form)
    assert refused.status_code == 400
    assert "Een project sluit je af met ‘Project afsluiten’" in refused.text
    async with demo.reading() as uow:
        project = await uow.projects.by_code("DEMO")
    assert project is not None and project.status.value == "active"
    assert (await round_data(demo, "reactie"))["state"] == "open"
