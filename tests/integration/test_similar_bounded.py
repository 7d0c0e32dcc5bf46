"""The similar-ideas indexes stay bounded however many rounds and typed texts they see."""

from __future__ import annotations

from core.services.similar_ideas import ANSWERS_KEPT, SimilarIdeas
from inspraak.bootstrap import Container
from tests.integration.test_similar_ideas import ideas_round, submit


async def test_similar_ideas_keep_few_rounds_few_answers_and_no_idle_locks(demo: Container):
    similar = SimilarIdeas(encoder=False, max_rounds=1)
    project_id, round_id, _ = await ideas_round(demo)
    await submit(demo, project_id, round_id, "a", "Meer bomen in de Dorpsstraat")
    async with demo.reading() as uow:
        for n in range(ANSWERS_KEPT + 50):  # every resident types something else
            await similar.similar(uow, round_id, f"meer bomen bij huisnummer {n}")
        assert len(similar._rounds[round_id].answers) == ANSWERS_KEPT
        for other in (round_id + 100, round_id + 101, round_id):  # rounds with no ideas
            await similar.similar(uow, other, "bomen")
    assert len(similar._rounds) == 1
    assert len(similar._locks) == 0
