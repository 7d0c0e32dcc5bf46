"""The simulated DEMO goes through the shortlist: halfway a facilitator merges ideas written in
the same words and fixes the rating round's items, so its top ten names every idea once."""

from __future__ import annotations

from core import views
from inspraak.bootstrap import Container
from inspraak.simulation import simulate


async def test_the_simulated_demo_rates_each_idea_once_and_says_what_it_stands_for(
    demo: Container,
):
    await simulate(demo, "DEMO", 60, seed=5, publish=True)

    async with demo.reading() as uow:
        summary = await views.public_summary(uow, "DEMO", demo.clock())
        results = await views.project_results(uow, "DEMO", demo.clock())
    (rated,) = [r for r in summary.rounds if r.key == "beoordelen"]
    texts = [i.text for i in rated.items]
    assert len(texts) == len(set(texts)) == 10
    (rating,) = [r for r in results.rounds if r.key == "beoordelen"]
    from_ideas = [i for i in rating.items if i.ideas is not None]
    assert 0 < len(from_ideas) <= 10  # the DEMO's shortlist keeps the ten most supported
    assert len({i.text for i in rating.items}) == len(rating.items)
    assert any(i.ideas and i.ideas > 1 for i in from_ideas)  # merged duplicates, one item
    assert all(i.supporters and i.supporters >= 1 for i in from_ideas)
