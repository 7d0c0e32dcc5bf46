"""Guards on rounds as domain rules: whatever asks (web, API, CLI, a project file), a round
with answers keeps its kind, scale and criteria, and an action only applies in its state."""

from __future__ import annotations

from typing import Any

import pytest

from core.domain import commands as c
from core.services.project_file import export_project, parse_project_file
from core.services.project_spec import InvalidProjectFile, current_file
from inspraak.bootstrap import Container


async def round_data(container: Container, key: str) -> dict[str, Any]:
    async with container.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        assert project is not None
        current = await current_file(uow, project)
    found = next(r for r in current["rounds"] if r["key"] == key)
    return {k: v for k, v in found.items() if v is not None}


async def round_id(container: Container, key: str) -> int:
    async with container.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        assert project is not None
        rounds = await uow.projects.rounds(project.id or 0)
    return next(r.id or 0 for r in rounds if r.key == key)


async def resident(container: Container, name: str) -> int:
    project_id = 0
    async with container.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        assert project is not None
        project_id = project.id or 0
    return int(await container.bus.handle(c.GiveConsent(name, project_id, "test", "nl")))


async def give_feedback(container: Container, residents: int) -> None:
    reactie = await round_id(container, "reactie")
    for number in range(residents):
        who = await resident(container, f"fb-{number}")
        await container.bus.handle(c.GiveFeedback(who, reactie, 7, ""))


async def test_a_feedback_round_with_answers_keeps_its_kind_with_the_reason(demo: Container):
    await give_feedback(demo, 25)
    before = await round_data(demo, "reactie")
    changed = {**before, "kind": "statements", "statements": ["Eens?"]}
    changed.pop("scale", None)
    with pytest.raises(InvalidProjectFile) as refused:
        await demo.bus.handle(c.EditRound("DEMO", "reactie", changed))
    assert [p["loc"] for p in refused.value.problems] == [("rounds", 3, "kind")]
    assert "answers (residents who answered: 25)" in str(refused.value)
    assert await round_data(demo, "reactie") == before


async def test_a_round_with_answers_keeps_its_scale_and_criteria(demo: Container):
    await give_feedback(demo, 1)
    feedback = await round_data(demo, "reactie")
    with pytest.raises(InvalidProjectFile) as refused:
        await demo.bus.handle(c.EditRound("DEMO", "reactie", {**feedback, "scale": [1, 5]}))
    assert [p["loc"] for p in refused.value.problems] == [("rounds", 3, "scale")]
    rating = await round_data(demo, "beoordelen")
    beoordelen = await round_id(demo, "beoordelen")
    async with demo.uow() as uow:
        item = (await uow.projects.items(beoordelen))[0]
    await demo.bus.handle(c.RateItem(await resident(demo, "rater"), beoordelen, item.id, 0, 4))
    with pytest.raises(InvalidProjectFile) as refused:
        await demo.bus.handle(
            c.EditRound("DEMO", "beoordelen", {**rating, "criteria": ["Belang"]})
        )
    assert [p["loc"] for p in refused.value.problems] == [("rounds", 1, "criteria")]


async def test_the_question_of_a_round_with_answers_can_still_be_corrected(demo: Container):
    await give_feedback(demo, 3)
    feedback = await round_data(demo, "reactie")
    await demo.bus.handle(c.EditRound("DEMO", "reactie", {**feedback, "question": "Cijfer?"}))
    assert (await round_data(demo, "reactie"))["question"] == "Cijfer?"


async def test_a_round_without_answers_may_change_its_kind(demo: Container):
    feedback = await round_data(demo, "reactie")
    changed = {**feedback, "kind": "statements", "statements": ["Eens?"]}
    changed.pop("scale", None)
    await demo.bus.handle(c.EditRound("DEMO", "reactie", changed))
    assert (await round_data(demo, "reactie"))["kind"] == "statements"


async def test_a_project_file_import_is_refused_the_same_way_and_changes_nothing(
    demo: Container,
):
    await give_feedback(demo, 2)
    async with demo.uow() as uow:
        before = await export_project(uow, "DEMO")
    text = before.replace("scale = [1, 10]", "scale = [1, 5]").replace(
        'title = "Groen en leefbaar Oosterwijk"', 'title = "Anders"'
    )
    assert text != before
    spec = parse_project_file(text)
    with pytest.raises(InvalidProjectFile) as refused:
        await demo.bus.handle(c.ImportProject(spec.model_dump()))
    said = "rounds.3.scale: This round already has answers (residents who answered: 2)"
    assert said in str(refused.value)
    async with demo.uow() as uow:
        assert await export_project(uow, "DEMO") == before


async def test_the_exported_file_of_a_rated_round_with_translated_criteria_imports_again(
    demo: Container,
):
    """DEMO's criteria have English names: importing the file just exported is no change of
    the criteria, and a corrected English name is a correction, not a new criterion."""
    beoordelen = await round_id(demo, "beoordelen")
    async with demo.uow() as uow:
        first = (await uow.projects.items(beoordelen))[0]
    await demo.bus.handle(c.RateItem(await resident(demo, "rater"), beoordelen, first.id, 0, 5))
    async with demo.uow() as uow:
        exported = await export_project(uow, "DEMO")
    await demo.bus.handle(c.ImportProject(parse_project_file(exported).model_dump()))
    rating = await round_data(demo, "beoordelen")
    criteria = list(rating["criteria"])
    assert isinstance(criteria[0], dict) and criteria[0].get("en")
    criteria[0] = {**criteria[0], "en": criteria[0]["en"] + " (corrected)"}
    result = await demo.bus.handle(
        c.EditRound("DEMO", "beoordelen", {**rating, "criteria": criteria}, user_id=None)
    )
    assert "criteria" in result.changed


async def test_an_item_corrected_in_place_keeps_its_answers_and_the_log_names_it(
    demo: Container,
):
    beoordelen = await round_id(demo, "beoordelen")
    async with demo.uow() as uow:
        items = await uow.projects.items(beoordelen)
    first = items[0]
    rater = await resident(demo, "rater")
    await demo.bus.handle(c.RateItem(rater, beoordelen, first.id, 0, 5))
    rating = await round_data(demo, "beoordelen")
    texts = list(rating["items"])
    first_text = texts[0]  # the Dutch text with its translations (DEMO has English)
    assert isinstance(first_text, dict) and "Dorpsstraat" in first_text["nl"]
    texts[0] = {**first_text, "nl": first_text["nl"].replace("Dorpsstraat", "Dorpstraat")}
    result = await demo.bus.handle(
        c.EditRound("DEMO", "beoordelen", {**rating, "items": texts}, user_id=None)
    )
    assert result.corrected == (first.id,) and result.changed == ("items",)
    async with demo.uow() as uow:
        now = await uow.projects.items(beoordelen)
        scores = await uow.broadcasts.first_scores(beoordelen, [rater])
    assert [i.id for i in now] == [i.id for i in items]  # no item lost, none added
    assert now[0].text.startswith("Meer bomen in de Dorpstraat")
    assert scores == {rater: {first.id: 5.0}}  # the answer stays with the corrected item


async def vote_once(container: Container) -> None:
    stellingen = await round_id(container, "stellingen")
    async with container.uow() as uow:
        item = (await uow.projects.items(stellingen))[0]
    who = await resident(container, "voter")
    await container.bus.handle(c.CastVote(who, stellingen, item.id or 0, 1))


async def test_a_project_file_correcting_a_statement_notes_it(demo: Container):
    await vote_once(demo)
    async with demo.uow() as uow:
        before = await export_project(uow, "DEMO")
    text = before.replace("mogen plaatsmaken voor groen", "mogen plaats maken voor groen")
    assert text != before
    project, notes = await demo.bus.handle(c.ImportProject(parse_project_file(text).model_dump()))
    assert any(str(note).endswith("of round stellingen corrected") for note in notes)
    async with demo.uow() as uow:
        assert await export_project(uow, "DEMO") == text
