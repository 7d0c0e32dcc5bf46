"""The command handlers' rules, on the fake unit of work (``tests/fakes/uow.py``)."""

from __future__ import annotations

import pytest

from bots.telegram.registry import AddBot, RegisterDefaultBot
from core.domain import commands as c
from core.domain import events as e
from core.domain import model
from core.domain.errors import (
    InvalidInput,
    LimitReached,
    RoundNotOpen,
    UnknownItem,
    UnknownProject,
)
from core.services.bus import MessageBus
from tests.fakes.uow import FakeDatabase
from tests.unit.services.conftest import make_plan, shortlisted

Status = model.ResidentStatus


async def resident(db: FakeDatabase, resident_id: int) -> model.Resident:
    async with db.reading() as uow:
        found = await uow.residents.by_id(resident_id)
    assert found is not None
    return found


async def test_consent_makes_one_resident_per_project_and_announces_only_the_first(db, bus):
    plan = await make_plan(db)
    joined: list[e.Event] = []
    bus.subscribe(e.ResidentJoined, lambda event: _append(joined, event))

    first = await bus.handle(c.GiveConsent("p1", plan.project_id, "telegram", "nl", "41"))
    again = await bus.handle(c.GiveConsent("p1", plan.project_id, "telegram", "nl", "42"))

    assert first == again
    assert joined == [e.ResidentJoined(first, plan.project_id)]
    async with db.reading() as uow:
        assert len(await uow.residents.for_pseudonym("p1")) == 1
    assert db.tables.contacts["p1"]["address"] == "42"  # the newest way to reach them


async def _append(events: list[e.Event], event: e.Event) -> None:
    events.append(event)


async def test_consent_again_brings_a_stopped_resident_back(db, bus):
    plan = await make_plan(db)
    rid = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))
    await bus.handle(c.Unsubscribe("p1"))
    assert (await resident(db, rid)).status == Status.STOPPED

    await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))

    assert (await resident(db, rid)).status == Status.ACTIVE


@pytest.mark.parametrize(
    ("postcode", "wijk"), [("1011", "Centrum"), ("1012", "Centrum"), ("9999", "9999")]
)
async def test_a_postcode_becomes_its_neighbourhood_or_stays_itself(db, bus, postcode, wijk):
    plan = await make_plan(db, wijken={"Centrum": ["1011", "1012"]})
    rid = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))

    await bus.handle(c.SetProfile(rid, postcode=postcode, age_band="30-44"))

    found = await resident(db, rid)
    assert (found.wijk, found.age_band) == (wijk, "30-44")


@pytest.mark.parametrize("postcode", ["123", "0123", "12a4", "12345"])
async def test_a_postcode_that_is_not_four_digits_changes_nothing(db, bus, postcode):
    plan = await make_plan(db)
    rid = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))

    with pytest.raises(InvalidInput):
        await bus.handle(c.SetProfile(rid, postcode=postcode, age_band="30-44"))

    found = await resident(db, rid)
    assert (found.wijk, found.age_band) == (None, None)


async def test_an_idea_past_the_limit_is_refused(db, bus):
    plan = await make_plan(db, max_ideas=2)
    rid = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))
    for text in ("Meer bankjes", "Meer bomen"):
        await bus.handle(c.SubmitIdea(rid, plan.ideas, text))

    with pytest.raises(LimitReached):
        await bus.handle(c.SubmitIdea(rid, plan.ideas, "Meer fietsenrekken"))

    async with db.reading() as uow:
        assert await uow.contributions.count_ideas(plan.ideas, rid) == 2


@pytest.mark.parametrize(("moderation", "approved"), [("post", True), ("pre", False)])
async def test_an_idea_is_approved_at_once_only_under_post_moderation_and_waits_for_the_shortlist(
    db, bus, moderation, approved
):
    plan = await make_plan(db, moderation=moderation)
    rid = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))

    idea_id = await bus.handle(c.SubmitIdea(rid, plan.ideas, "  Meer\u200b bankjes "))

    async with db.reading() as uow:
        idea = await uow.moderation.idea(idea_id)
        items = await uow.projects.items(plan.rating)
    assert idea is not None and idea.text == "Meer bankjes"
    expected = model.ContributionStatus.APPROVED if approved else model.ContributionStatus.NEW
    assert idea.status == expected
    assert items == []  # ideas reach a rating round through its shortlist, never one by one


async def test_a_rating_must_be_on_the_scale_and_a_known_criterion(db, bus):
    plan = await make_plan(db)
    rid = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))
    idea_id = await bus.handle(c.SubmitIdea(rid, plan.ideas, "Meer bankjes"))
    await shortlisted(db, plan.rating, idea_id)
    async with db.reading() as uow:
        (item,) = await uow.projects.items(plan.rating)
    assert item.idea_id == idea_id

    with pytest.raises(InvalidInput):
        await bus.handle(c.RateItem(rid, plan.rating, item.id, 0, 6))
    with pytest.raises(UnknownItem):
        await bus.handle(c.RateItem(rid, plan.rating, item.id, 1, 4))
    await bus.handle(c.RateItem(rid, plan.rating, item.id, 0, 4))
    await bus.handle(c.RateItem(rid, plan.rating, item.id, 0, 2))

    assert [(r.item_id, r.score) for r in db.tables.ratings.values()] == [(item.id, 2)]


async def test_an_item_answers_only_in_its_own_open_round(db, bus):
    plan = await make_plan(db)
    rid = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))
    statement = plan.statement_items[0]

    with pytest.raises(UnknownItem):
        await bus.handle(c.CastVote(rid, plan.rating, statement, 1))
    with pytest.raises(UnknownItem):
        await bus.handle(c.CastVote(rid, plan.statements, 999, 1))
    with pytest.raises(InvalidInput):
        await bus.handle(c.CastVote(rid, plan.statements, statement, 2))
    await bus.handle(c.CloseRound(plan.statements))
    with pytest.raises(RoundNotOpen):
        await bus.handle(c.CastVote(rid, plan.statements, statement, 1))
    assert db.tables.votes == {}


async def test_a_second_vote_replaces_the_first(db, bus):
    plan = await make_plan(db)
    rid = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))
    statement = plan.statement_items[1]

    await bus.handle(c.CastVote(rid, plan.statements, statement, 1))
    await bus.handle(c.CastVote(rid, plan.statements, statement, -1))

    assert [(v.item_id, v.value) for v in db.tables.votes.values()] == [
        (statement, model.VoteValue.DISAGREE)
    ]


async def test_opening_or_closing_twice_announces_it_once(db, bus, clock):
    plan = await make_plan(db)
    seen: list[e.Event] = []
    for kind in (e.RoundOpened, e.RoundClosed):
        bus.subscribe(kind, lambda event: _append(seen, event))

    await bus.handle(c.CloseRound(plan.ideas))
    await bus.handle(c.CloseRound(plan.ideas))
    reopened = await bus.handle(c.OpenRound(plan.ideas))
    await bus.handle(c.OpenRound(plan.ideas))

    assert seen == [e.RoundClosed(plan.ideas), e.RoundOpened(plan.ideas)]
    assert reopened.state == model.RoundState.OPEN and reopened.closes_at is None
    assert reopened.is_open(clock())


async def test_blocking_spares_stopped_residents_and_reaching_undoes_only_blocking(db, bus):
    plan = await make_plan(db)
    async with db.uow() as uow:
        other = await uow.projects.add(model.Project("ANDER", "Ander", 1))
        await uow.commit()
    active = await bus.handle(c.GiveConsent("p1", plan.project_id, "telegram", "nl"))
    stopped = await bus.handle(c.GiveConsent("p1", other, "telegram", "nl"))
    await bus.handle(c.Unsubscribe("p1"))
    await bus.handle(c.GiveConsent("p1", plan.project_id, "telegram", "nl"))

    await bus.handle(c.MarkBlocked("p1"))
    assert [(await resident(db, r)).status for r in (active, stopped)] == [
        Status.BLOCKED,
        Status.STOPPED,
    ]
    await bus.handle(c.MarkReachable("p1"))
    assert [(await resident(db, r)).status for r in (active, stopped)] == [
        Status.ACTIVE,
        Status.STOPPED,
    ]


async def test_there_is_one_default_bot_and_a_known_bot_is_updated_not_added(db, bus):
    first = await bus.handle(RegisterDefaultBot(1001, "eerste_bot"))
    second = await bus.handle(RegisterDefaultBot(1002, "tweede_bot"))
    stored = await bus.handle(AddBot(1003, "b_bot", "sealed-1", "gemeente-b", "Gemeente B"))
    again = await bus.handle(AddBot(1003, "b_bot_nieuw", "sealed-2", "gemeente-b"))

    async with db.reading() as uow:
        bots = {b.id: b for b in await uow.bots.all()}
    assert [b.id for b in bots.values() if b.is_default] == [second]
    assert first in bots and again == stored
    assert (bots[stored].username, bots[stored].token_encrypted) == ("b_bot_nieuw", "sealed-2")


async def test_a_bot_for_an_organisation_that_cannot_be_addressed_is_refused(db, bus):
    with pytest.raises(InvalidInput, match="organisation_slug"):
        await bus.handle(AddBot(1004, "c_bot", "sealed", "Gemeente C!"))
    async with db.reading() as uow:
        assert await uow.projects.organisation_by_slug("Gemeente C!") is None
        assert [b.telegram_id for b in await uow.bots.all()] == []


async def test_a_project_binds_only_to_a_known_bot(db, bus):
    plan = await make_plan(db)
    bot = await bus.handle(AddBot(1003, "b_bot", "sealed", "gemeente-b"))

    with pytest.raises(UnknownItem):
        await bus.handle(c.BindProject("PLAN", bot + 1))
    with pytest.raises(UnknownProject):
        await bus.handle(c.BindProject("NOPE", bot))
    await bus.handle(c.BindProject("PLAN", bot))

    async with db.reading() as uow:
        project = await uow.projects.get(plan.project_id)
    assert project is not None and project.bot_id == bot


async def test_a_refused_command_leaves_nothing_behind(db: FakeDatabase, bus: MessageBus):
    plan = await make_plan(db)
    rid = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))
    commits = db.commits

    with pytest.raises(UnknownItem):
        await bus.handle(c.GiveFeedback(rid, plan.ideas, 4, "Goed"))  # not a feedback round
    with pytest.raises(InvalidInput):
        await bus.handle(c.GiveFeedback(rid, plan.feedback, 9, "Goed"))

    assert db.commits == commits and db.tables.feedback == {}
