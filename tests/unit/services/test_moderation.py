"""Moderation's rules (approve, reject, correct, merge, tag) on the fake unit of work."""

from __future__ import annotations

import pytest

from core.domain import commands as c
from core.domain import events as e
from core.domain import model
from core.domain.errors import InvalidInput, UnknownItem
from core.services.bus import MessageBus
from tests.fakes.uow import FakeDatabase
from tests.unit.services.conftest import Plan, make_plan, shortlisted

Status = model.ContributionStatus


async def ideas(db: FakeDatabase, bus: MessageBus, plan: Plan, *texts: str) -> list[int]:
    rid = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))
    return [await bus.handle(c.SubmitIdea(rid, plan.ideas, text)) for text in texts]


async def items_of(db: FakeDatabase, round_id: int) -> dict[int, tuple[bool, str]]:
    async with db.reading() as uow:
        found = await uow.projects.items(round_id, active_only=False)
    return {i.idea_id: (i.active, i.text) for i in found if i.idea_id is not None}


def log(db: FakeDatabase) -> list[tuple[str, int, str, dict]]:
    rows = db.tables.moderation_log.values()
    return [(r["target_kind"], r["target_id"], r["action"], r["detail"]) for r in rows]


async def test_approving_a_waiting_idea_brings_its_item_back_and_is_logged(db, bus):
    plan = await make_plan(db, moderation="pre")
    (idea,) = await ideas(db, bus, plan, "Meer bankjes")
    approved: list[e.Event] = []

    async def note(event: e.Event) -> None:
        approved.append(event)

    bus.subscribe(e.IdeaApproved, note)
    await shortlisted(db, plan.rating, idea)  # shortlisted, then rejected, then approved again
    await bus.handle(c.RejectContribution("idea", idea, "dubbel"))
    assert await items_of(db, plan.rating) == {idea: (False, "Meer bankjes")}

    await bus.handle(c.ApproveContribution("idea", idea, user_id=7))

    assert await items_of(db, plan.rating) == {idea: (True, "Meer bankjes")}
    assert approved == [e.IdeaApproved(idea, plan.ideas)]
    assert log(db)[-1] == ("idea", idea, "approve", {})
    assert db.tables.moderation_log[2]["user_id"] == 7


async def test_rejecting_takes_an_idea_out_of_rating_with_its_reason(db, bus):
    plan = await make_plan(db)
    (idea,) = await ideas(db, bus, plan, "Alles asfalteren")
    await shortlisted(db, plan.rating, idea)

    await bus.handle(c.RejectContribution("idea", idea, "  buiten het plan "))

    assert await items_of(db, plan.rating) == {idea: (False, "Alles asfalteren")}
    assert db.tables.ideas[idea].status == Status.REJECTED
    assert log(db) == [("idea", idea, "reject", {"reason": "buiten het plan"})]


async def test_correcting_changes_the_idea_and_its_items_and_logs_no_text(db, bus):
    plan = await make_plan(db)
    (idea,) = await ideas(db, bus, plan, "Meer bankjs")
    await shortlisted(db, plan.rating, idea)

    await bus.handle(c.CorrectContribution("idea", idea, "Meer bankjes"))

    assert db.tables.ideas[idea].text == "Meer bankjes"
    assert await items_of(db, plan.rating) == {idea: (True, "Meer bankjes")}
    assert log(db) == [("idea", idea, "correct", {})]  # who did what, not the words


async def test_a_merge_moves_supporters_and_counts_nobody_twice(db, bus):
    plan = await make_plan(db)
    source, target = await ideas(db, bus, plan, "Meer bankjes", "Meer zitplekken")
    await shortlisted(db, plan.rating, source, target)
    items = {idea: item.id for item in (await _items(db, plan.rating)) for idea in [item.idea_id]}
    both = await bus.handle(c.GiveConsent("p2", plan.project_id, "web", "nl"))
    only_source = await bus.handle(c.GiveConsent("p3", plan.project_id, "web", "nl"))
    await bus.handle(c.RateItem(both, plan.rating, items[source], 0, 5))
    await bus.handle(c.RateItem(both, plan.rating, items[target], 0, 2))
    await bus.handle(c.RateItem(only_source, plan.rating, items[source], 0, 4))
    await bus.handle(c.TagIdea(source, ("groen", "bankjes")))
    await bus.handle(c.TagIdea(target, ("groen",)))

    moved = await bus.handle(c.MergeIdeas(source, target))

    assert moved == 1
    ratings = sorted((r.resident_id, r.item_id, r.score) for r in db.tables.ratings.values())
    assert ratings == [(both, items[target], 2), (only_source, items[target], 4)]
    assert db.tables.ideas[source].status == Status.MERGED
    assert await items_of(db, plan.rating) == {
        source: (False, "Meer bankjes"),
        target: (True, "Meer zitplekken"),
    }
    assert db.tables.idea_themes[target] == ["groen", "bankjes"]
    assert db.tables.idea_merges == {source: target}
    with pytest.raises(InvalidInput):
        await bus.handle(c.ApproveContribution("idea", source))


async def _items(db: FakeDatabase, round_id: int) -> list[model.Item]:
    async with db.reading() as uow:
        return await uow.projects.items(round_id)


async def test_merges_that_make_no_sense_are_refused(db, bus):
    plan = await make_plan(db)
    first, second, rejected = await ideas(db, bus, plan, "Een", "Twee", "Drie")
    await bus.handle(c.RejectContribution("idea", rejected, "dubbel"))
    async with db.uow() as uow:
        rid = (await uow.residents.for_pseudonym("p1"))[0].id
        other_round = await uow.projects.add_round(
            model.Round(plan.project_id, "meer", model.RoundKind.IDEAS, 9)
        )
        elsewhere = await uow.contributions.add_idea(
            model.Idea(other_round, rid or 0, "Vier", Status.APPROVED)
        )
        await uow.commit()

    for source, into in ((first, first), (first, elsewhere), (first, rejected)):
        with pytest.raises(InvalidInput):
            await bus.handle(c.MergeIdeas(source, into))
    with pytest.raises(UnknownItem):
        await bus.handle(c.MergeIdeas(first, 999))
    assert db.tables.idea_merges == {} and db.tables.ideas[second].status == Status.APPROVED


async def test_themes_are_trimmed_lowercased_unique_and_at_most_five(db, bus):
    plan = await make_plan(db)
    (idea,) = await ideas(db, bus, plan, "Meer bankjes")

    themes = await bus.handle(c.TagIdea(idea, ("  Groen ", "groen", "Spelen  buiten", "")))

    assert themes == ["groen", "spelen buiten"] == db.tables.idea_themes[idea]
    with pytest.raises(InvalidInput):
        await bus.handle(c.TagIdea(idea, tuple("abcdef")))
    assert db.tables.idea_themes[idea] == ["groen", "spelen buiten"]


async def test_only_ideas_and_feedback_are_moderated(db, bus):
    plan = await make_plan(db)
    await ideas(db, bus, plan, "Meer bankjes")

    with pytest.raises(InvalidInput):
        await bus.handle(c.ApproveContribution("vote", 1))
    with pytest.raises(UnknownItem):
        await bus.handle(c.ApproveContribution("feedback", 1))
