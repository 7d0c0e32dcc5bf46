"""Moderation: pre- and post-moderation, rejecting, correcting, merging, tagging, flags."""

from __future__ import annotations

import sqlalchemy as sa

from core import views
from core.domain import commands as c
from core.domain.model import ContributionStatus
from core.domain.screening import flags
from core.storage import tables as t


async def setup(container, moderation: str = "post"):
    """The demo project with the given moderation; returns (project id, rounds by key)."""
    async with container.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        project.settings["moderation"] = moderation
        await uow.projects.update(project)
        rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
        await uow.commit()
    return project.id, rounds


async def resident(container, project_id: int, name: str) -> int:
    return await container.bus.handle(c.GiveConsent(name, project_id, "web", "nl"))


async def shortlist(container, round_id: int) -> None:
    """The facilitator fixes the rating round's shortlist again (ideas reach it only so)."""
    await container.bus.handle(c.ApplyShortlist(round_id))


async def idea_items(container, round_id: int) -> dict[int, tuple[int, bool, str]]:
    async with container.uow() as uow:
        items = await uow.projects.items(round_id, active_only=False)
    return {i.idea_id: (i.id, i.active, i.text) for i in items if i.idea_id}


async def test_under_pre_moderation_an_idea_is_rated_only_after_approval(demo):
    project_id, rounds = await setup(demo, "pre")
    rid = await resident(demo, project_id, "a")
    idea = await demo.bus.handle(c.SubmitIdea(rid, rounds["ideeen"].id, "Meer bankjes"))
    assert idea not in await idea_items(demo, rounds["beoordelen"].id)
    await shortlist(demo, rounds["beoordelen"].id)
    assert idea not in await idea_items(demo, rounds["beoordelen"].id)
    await demo.bus.handle(c.ApproveContribution("idea", idea, None))
    await shortlist(demo, rounds["beoordelen"].id)
    assert (await idea_items(demo, rounds["beoordelen"].id))[idea][1] is True


async def test_rejecting_an_idea_takes_it_out_of_the_rating_round(demo):
    project_id, rounds = await setup(demo, "post")
    rid = await resident(demo, project_id, "a")
    idea = await demo.bus.handle(c.SubmitIdea(rid, rounds["ideeen"].id, "Alles asfalteren"))
    await shortlist(demo, rounds["beoordelen"].id)
    assert (await idea_items(demo, rounds["beoordelen"].id))[idea][1] is True
    await demo.bus.handle(c.RejectContribution("idea", idea, "buiten het plan", None))
    assert (await idea_items(demo, rounds["beoordelen"].id))[idea][1] is False
    async with demo.uow() as uow:
        queue = await views.moderation_queue(uow, project_id)
        log = await views.moderation_log(uow, project_id)
    assert queue.total == 0
    assert log[0]["action"] == "reject" and log[0]["detail"] == {"reason": "buiten het plan"}


async def test_post_moderated_ideas_wait_in_the_queue_until_reviewed(demo):
    project_id, rounds = await setup(demo, "post")
    rid = await resident(demo, project_id, "a")
    idea = await demo.bus.handle(c.SubmitIdea(rid, rounds["ideeen"].id, "Mail me: a@b.nl"))
    async with demo.uow() as uow:
        queue = await views.moderation_queue(uow, project_id, flag=flags)
    assert [(e.id, e.flags) for e in queue.entries] == [(idea, ["email"])]
    await demo.bus.handle(c.ApproveContribution("idea", idea, None))
    async with demo.uow() as uow:
        assert (await views.moderation_queue(uow, project_id)).total == 0


async def test_correcting_a_typo_changes_the_idea_and_its_rating_items(demo):
    project_id, rounds = await setup(demo)
    rid = await resident(demo, project_id, "a")
    idea = await demo.bus.handle(c.SubmitIdea(rid, rounds["ideeen"].id, "Meer boomen"))
    await shortlist(demo, rounds["beoordelen"].id)
    await demo.bus.handle(c.CorrectContribution("idea", idea, "Meer bomen", None))
    assert (await idea_items(demo, rounds["beoordelen"].id))[idea][2] == "Meer bomen"


async def test_a_merged_idea_keeps_its_supporters_without_counting_anyone_twice(demo):
    project_id, rounds = await setup(demo)
    ideas_round, rating = rounds["ideeen"].id, rounds["beoordelen"].id
    a, b, x = [await resident(demo, project_id, n) for n in ("a", "b", "x")]
    keep = await demo.bus.handle(c.SubmitIdea(a, ideas_round, "Meer bomen"))
    dup = await demo.bus.handle(c.SubmitIdea(b, ideas_round, "Meer boompjes"))
    await shortlist(demo, rating)
    items = await idea_items(demo, rating)
    # a rates both (5 and 1): only the survivor's 5 may count; x rated only the duplicate.
    await demo.bus.handle(c.RateItem(a, rating, items[keep][0], 0, 5))
    await demo.bus.handle(c.RateItem(a, rating, items[dup][0], 0, 1))
    await demo.bus.handle(c.RateItem(x, rating, items[dup][0], 0, 4))
    moved = await demo.bus.handle(c.MergeIdeas(dup, keep, None))
    assert moved == 1
    async with demo.uow() as uow:
        scores = sorted(
            (r.resident_id, r.score)
            for r in await uow.conn.execute(
                sa.select(t.ratings).where(t.ratings.c.item_id == items[keep][0])
            )
        )
        merged = await uow.conn.scalar(sa.select(t.ideas.c.status).where(t.ideas.c.id == dup))
    assert scores == [(a, 5), (x, 4)]
    assert merged == ContributionStatus.MERGED.value
    assert (await idea_items(demo, rating))[dup][1] is False


async def test_tags_are_cleaned_and_counted_on_the_summary(demo):
    project_id, rounds = await setup(demo)
    rid = await resident(demo, project_id, "a")
    idea = await demo.bus.handle(c.SubmitIdea(rid, rounds["ideeen"].id, "Meer bomen"))
    themes = await demo.bus.handle(c.TagIdea(idea, ("  Groen ", "groen", "Klimaat"), None))
    assert themes == ["groen", "klimaat"]
    await demo.bus.handle(c.PublishResults(rounds["ideeen"].id))
    async with demo.uow() as uow:
        summary = await views.public_summary(uow, "DEMO", demo.clock())
    assert summary.rounds[0].themes == [("groen", 1), ("klimaat", 1)]


def test_flags_find_phone_numbers_addresses_links_and_swearing():
    assert flags("Bel me op 06-12345678") == ["phone"]
    assert flags("+31 20 123 4567") == ["phone"]
    assert flags("mail jan@example.org") == ["email"]
    assert flags("zie https://example.org/x en www.test.nl") == ["link"]
    assert flags("wat een klote plan") == ["profanity"]
    assert flags("This is fucking great") == ["profanity"]
    assert flags("Meer bomen in 2026, 500 stuks per jaar") == []


async def test_publishing_sets_the_time_once(demo, clock):
    _, rounds = await setup(demo)
    published_at = clock.now
    await demo.bus.handle(c.PublishResults(rounds["reactie"].id))
    clock.advance(hours=1)
    await demo.bus.handle(c.PublishResults(rounds["reactie"].id))
    async with demo.uow() as uow:
        rnd = await uow.projects.round(rounds["reactie"].id)
    assert rnd is not None and rnd.results_published_at == published_at
