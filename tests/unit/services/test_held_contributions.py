"""A contribution with personal details, a link or profanity waits for a facilitator, whatever
the moderation mode (on the fake unit of work)."""

from __future__ import annotations

import pytest

from core.domain import commands as c
from core.domain import model
from core.domain.errors import InvalidInput
from tests.fakes.uow import FakeDatabase
from tests.unit.services.conftest import Plan, make_plan, shortlisted

Status = model.ContributionStatus


async def submit(db: FakeDatabase, bus, plan: Plan, text: str, who: str = "p1") -> int:
    rid = await bus.handle(c.GiveConsent(who, plan.project_id, "web", "nl"))
    return await bus.handle(c.SubmitIdea(rid, plan.ideas, text))


async def rateable(db: FakeDatabase, round_id: int) -> dict[int, str]:
    async with db.reading() as uow:
        found = await uow.projects.items(round_id)
    return {i.idea_id: i.text for i in found if i.idea_id is not None}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Bel me op 06 12 34 56 78", ["phone"]),
        ("Wat een klote plan, doe iets", ["profanity"]),
        ("Stort op NL91 ABNA 0417 1643 00", ["iban"]),
        ("Langs 1234 AB 12 moet een stoep", ["postcode"]),
    ],
)
async def test_under_post_moderation_a_flagged_idea_is_not_rated_before_review(
    db, bus, text, found
):
    plan = await make_plan(db, moderation="post")
    idea = await submit(db, bus, plan, text)

    assert await rateable(db, plan.rating) == {}
    assert db.tables.ideas[idea].status == Status.NEW
    assert db.tables.ideas[idea].flags == found


async def test_an_unflagged_idea_is_still_approved_at_once_under_post_moderation(db, bus):
    plan = await make_plan(db, moderation="post")
    idea = await submit(db, bus, plan, "Meer bomen in 2026, 500 stuks per jaar")

    assert await rateable(db, plan.rating) == {}  # it reaches rating through the shortlist
    assert db.tables.ideas[idea].status == Status.APPROVED
    assert db.tables.ideas[idea].flags == []


async def test_approving_a_held_idea_makes_it_shortlistable_and_keeps_its_flags(db, bus):
    plan = await make_plan(db, moderation="post")
    idea = await submit(db, bus, plan, "Zie www.buurtapp.nl voor de plek")

    await bus.handle(c.ApproveContribution("idea", idea, user_id=7))

    assert db.tables.ideas[idea].status == Status.APPROVED
    assert await rateable(db, plan.rating) == {}  # until the shortlist is fixed again
    assert db.tables.ideas[idea].flags == ["link"]


async def test_a_correction_that_removes_the_number_releases_the_idea_under_post_moderation(
    db, bus
):
    plan = await make_plan(db, moderation="post")
    idea = await submit(db, bus, plan, "Speeltuin bij de school, bel 0612345678")

    await bus.handle(c.CorrectContribution("idea", idea, "Speeltuin bij de school"))

    assert await rateable(db, plan.rating) == {}  # released: the shortlist may take it now
    assert db.tables.ideas[idea].status == Status.APPROVED
    assert db.tables.ideas[idea].flags == []


async def test_a_correction_that_leaves_a_detail_keeps_the_idea_held(db, bus):
    plan = await make_plan(db, moderation="post")
    idea = await submit(db, bus, plan, "Speeltuin, bel 0612345678 of mail a@b.nl")

    await bus.handle(c.CorrectContribution("idea", idea, "Speeltuin, mail a@b.nl"))

    assert await rateable(db, plan.rating) == {}
    assert db.tables.ideas[idea].flags == ["email"]


async def test_under_pre_moderation_a_corrected_idea_still_waits_for_approval(db, bus):
    plan = await make_plan(db, moderation="pre")
    idea = await submit(db, bus, plan, "Speeltuin, bel 0612345678")

    await bus.handle(c.CorrectContribution("idea", idea, "Speeltuin"))

    assert await rateable(db, plan.rating) == {}
    assert db.tables.ideas[idea].status == Status.NEW
    assert db.tables.ideas[idea].flags == []


async def test_feedback_comments_are_checked_when_they_arrive(db, bus):
    plan = await make_plan(db)
    rid = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))
    await bus.handle(c.GiveFeedback(rid, plan.feedback, 4, ""))
    await bus.handle(c.GiveFeedback(rid, plan.feedback, 4, "Mijn BSN is 123456782"))

    (feedback,) = db.tables.feedback.values()
    assert feedback.flags == ["bsn"]


async def test_nothing_is_merged_into_a_held_idea(db, bus):
    plan = await make_plan(db, moderation="post")
    plain = await submit(db, bus, plan, "Meer bankjes")
    held = await submit(db, bus, plan, "Meer bankjes, bel 0612345678", who="p2")
    await shortlisted(db, plan.rating, plain)

    with pytest.raises(InvalidInput):
        await bus.handle(c.MergeIdeas(plain, held))

    assert await rateable(db, plan.rating) == {plain: "Meer bankjes"}
    await bus.handle(c.MergeIdeas(held, plain))  # the other way round is fine
    assert db.tables.ideas[held].status == Status.MERGED
