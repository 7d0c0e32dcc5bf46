"""New ideas reach the similar-ideas cache without reading the whole round again; any other
change still reads it whole, so nothing offered is ever stale."""

from __future__ import annotations

import pytest

from core.domain import commands as c
from core.services.similar_ideas import SimilarIdeas
from tests.integration.test_similar_ideas import ideas_round, offered, submit


@pytest.fixture
def similar() -> SimilarIdeas:
    return SimilarIdeas(encoder=False)


async def test_new_ideas_alone_are_read_and_added(demo, similar):
    project_id, round_id, _ = await ideas_round(demo)
    first = await submit(demo, project_id, round_id, "a", "Meer bomen in de Lindelaan")
    assert [i for i, _ in await offered(demo, similar, round_id, "bomen lindelaan")] == [first]
    second = await submit(demo, project_id, round_id, "b", "Extra bomen in de Lindelaan")
    third = await submit(demo, project_id, round_id, "c", "Een zebrapad bij de school")
    assert {i for i, _ in await offered(demo, similar, round_id, "bomen lindelaan")} == {
        first,
        second,
    }
    assert [i for i, _ in await offered(demo, similar, round_id, "zebrapad school")] == [third]
    assert similar.reads == 1 and similar.builds == 1


async def test_an_older_idea_approved_beside_a_new_one_is_read_too(demo, similar):
    project_id, round_id, _ = await ideas_round(demo)
    waiting = await submit(demo, project_id, round_id, "a", "Bankjes in het park, bel 0612345678")
    await offered(demo, similar, round_id, "bankjes park")
    await demo.bus.handle(c.ApproveContribution("idea", waiting, None))
    await submit(demo, project_id, round_id, "b", "Een zebrapad bij de school")
    assert await offered(demo, similar, round_id, "bankjes park") == []  # flagged: never
    rejected = await submit(demo, project_id, round_id, "c", "Meer bankjes in het park")
    assert [i for i, _ in await offered(demo, similar, round_id, "bankjes park")] == [rejected]
    await demo.bus.handle(c.RejectContribution("idea", rejected, "dubbel", None))
    await submit(demo, project_id, round_id, "d", "Een ijsbaan op het plein")
    assert await offered(demo, similar, round_id, "bankjes park") == []
    assert similar.reads == 3  # the first, the approval, the rejection: never a stale pool


async def unsettled(container, similar: SimilarIdeas, round_id: int, text: str):
    async with container.reading() as uow:
        found = await similar.similar(uow, round_id, text, settle=False)
        return [(s.id, s.text) for s in found]


async def test_a_step_answers_from_the_index_while_only_new_ideas_came(demo, similar):
    """Inside a step's transaction new ideas are not encoded (the next settling look-up adds
    them); anything else that changed the pool is still read first."""
    project_id, round_id, _ = await ideas_round(demo)
    first = await submit(demo, project_id, round_id, "a", "Meer bomen in de Lindelaan")
    assert [i for i, _ in await offered(demo, similar, round_id, "bomen lindelaan")] == [first]
    indexed = similar.indexed(round_id)
    second = await submit(demo, project_id, round_id, "b", "Extra bomen in de Lindelaan")
    assert [i for i, _ in await unsettled(demo, similar, round_id, "bomen lindelaan")] == [first]
    assert similar.indexed(round_id) == indexed  # nothing encoded meanwhile
    found = {i for i, _ in await offered(demo, similar, round_id, "bomen lindelaan")}
    assert found == {first, second}  # the next settling look-up adds it
    await demo.bus.handle(c.RejectContribution("idea", first, "dubbel", None))
    await submit(demo, project_id, round_id, "c", "Een zebrapad bij de school")
    assert [i for i, _ in await unsettled(demo, similar, round_id, "bomen lindelaan")] == [second]
