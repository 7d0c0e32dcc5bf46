"""The process's similar-idea indexes: what the chat offers and the organise page suggests,
fresh after every change to a round's ideas without anything invalidating them."""

from __future__ import annotations

import pytest

from core.domain import commands as c
from core.services.similar_ideas import SimilarIdeas
from inspraak.bootstrap import Container
from tests.integration.test_moderation import resident, setup


async def ideas_round(container: Container) -> tuple[int, int, dict[str, int]]:
    project_id, rounds = await setup(container, "post")
    return project_id, rounds["ideeen"].id, {}


async def submit(container: Container, project_id: int, round_id: int, who: str, text: str) -> int:
    rid = await resident(container, project_id, who)
    return await container.bus.handle(c.SubmitIdea(rid, round_id, text))


@pytest.fixture
def similar() -> SimilarIdeas:
    return SimilarIdeas(encoder=False)  # words only: fast, and the same on every machine


async def offered(container: Container, similar: SimilarIdeas, round_id: int, text: str):
    async with container.reading() as uow:
        return [(s.id, s.text) for s in await similar.similar(uow, round_id, text)]


async def test_a_new_idea_is_offered_the_same_idea_and_never_the_opposite(demo, similar):
    project_id, round_id, _ = await ideas_round(demo)
    more = await submit(demo, project_id, round_id, "a", "Meer bomen in de Dorpsstraat")
    less = await submit(demo, project_id, round_id, "b", "Minder bomen in de Dorpsstraat")
    await submit(demo, project_id, round_id, "c", "Een zebrapad bij de school")
    assert (more, "Meer bomen in de Dorpsstraat") in await offered(
        demo, similar, round_id, "meer bomen dorpsstraat!"
    )
    assert less not in [i for i, _ in await offered(demo, similar, round_id, "Meer bomen graag")]


async def test_flagged_waiting_and_rejected_ideas_are_never_offered(demo, similar):
    project_id, round_id, _ = await ideas_round(demo)
    flagged = await submit(demo, project_id, round_id, "a", "Bankjes in het park, bel 0612345678")
    rejected = await submit(demo, project_id, round_id, "b", "Bankjes in het park")
    await demo.bus.handle(c.RejectContribution("idea", rejected, "dubbel", None))
    await demo.bus.handle(c.ApproveContribution("idea", flagged, None))  # reviewed, still flagged
    assert await offered(demo, similar, round_id, "Bankjes in het park") == []


async def test_a_merged_idea_leads_to_the_idea_it_was_merged_into(demo, similar):
    project_id, round_id, _ = await ideas_round(demo)
    kept = await submit(demo, project_id, round_id, "a", "Een speeltuin voor kleine kinderen")
    gone = await submit(demo, project_id, round_id, "b", "Schommels en een glijbaan in het park")
    assert [i for i, _ in await offered(demo, similar, round_id, "schommels glijbaan")][0] == gone
    await demo.bus.handle(c.MergeIdeas(gone, kept, None))
    found = await offered(demo, similar, round_id, "schommels en een glijbaan")
    assert found[0] == (kept, "Een speeltuin voor kleine kinderen")
    assert gone not in [i for i, _ in found]


async def test_new_ideas_are_added_without_rebuilding_and_a_correction_rebuilds(demo, similar):
    project_id, round_id, _ = await ideas_round(demo)
    first = await submit(demo, project_id, round_id, "a", "Laadpalen voor elektrische auto's")
    assert await offered(demo, similar, round_id, "laadpalen") == [
        (first, "Laadpalen voor elektrische auto's")
    ]
    second = await submit(demo, project_id, round_id, "b", "Meer laadpalen in de wijk")
    assert {i for i, _ in await offered(demo, similar, round_id, "laadpalen")} == {first, second}
    assert similar.builds == 1
    await demo.bus.handle(
        c.CorrectContribution("idea", second, "Een moestuin bij de school", None)
    )
    assert [i for i, _ in await offered(demo, similar, round_id, "laadpalen")] == [first]
    assert similar.builds == 2


async def test_suggested_clusters_cover_every_offerable_idea_once(demo, similar):
    project_id, round_id, _ = await ideas_round(demo)
    texts = [
        "Meer bomen in de straat",
        "Bomen planten in onze straat",
        "Een zebrapad bij de basisschool",
        "Zebrapad bij school graag",
        "Een hondenuitlaatveld",
    ]
    ids = [await submit(demo, project_id, round_id, f"r{n}", t) for n, t in enumerate(texts)]
    async with demo.reading() as uow:
        clusters = await similar.clusters(uow, round_id, 0.5)
    placed = [i for cluster in clusters for i in cluster.ideas]
    assert sorted(placed) == sorted(ids)
    together = {frozenset(cl.ideas) for cl in clusters}
    assert frozenset(ids[2:4]) in together
    assert all(cl.label for cl in clusters)


async def test_after_a_merge_or_rejection_the_groups_are_mapped_again_not_recomputed(
    demo, similar, monkeypatch
):
    project_id, round_id, _ = await ideas_round(demo)
    trees = [
        await submit(demo, project_id, round_id, f"t{n}", f"Meer bomen in de Lindelaan {tail}")
        for n, tail in enumerate(("", "graag", "aub!"))
    ]
    bench = await submit(demo, project_id, round_id, "b", "Een bankje bij de bushalte")
    async with demo.reading() as uow:
        before = await similar.clusters(uow, round_id)
    assert sorted(trees) in [sorted(cl.ideas) for cl in before]
    from core.analysis.similarity import SimilarityIndex

    calls = []
    real = SimilarityIndex.clusters
    monkeypatch.setattr(
        SimilarityIndex, "clusters", lambda self, s=0.5: calls.append(s) or real(self, s)
    )
    await demo.bus.handle(
        c.MergeCluster(round_id, tuple(trees), trees[0], "Bomen Lindelaan", None)
    )
    await demo.bus.handle(c.RejectIdeas(round_id, (bench,), "dubbel", None))
    async with demo.reading() as uow:
        after = await similar.clusters(uow, round_id)
    assert calls == []  # nothing new in the index: the cached groups are mapped again
    assert [(cl.ideas, cl.label) for cl in after] == [([trees[0]], "Bomen Lindelaan")]
    zebra = await submit(demo, project_id, round_id, "n", "Een zebrapad bij de school")
    tree = await submit(demo, project_id, round_id, "m", "Meer bomen in de Lindelaan!!")
    async with demo.reading() as uow:
        grown = await similar.clusters(uow, round_id)
    assert calls == []  # a few new ideas join the groups of the ideas most like them
    assert sorted(sorted(cl.ideas) for cl in grown) == sorted([[trees[0], tree], [zebra]])
    async with demo.reading() as uow:
        await similar.clusters(uow, round_id, 0.9)
    assert calls == [0.9]  # another strictness: clustered


async def test_a_chat_step_does_not_wait_for_a_large_rounds_first_index(demo):
    """The first look at a round encodes all its ideas (seconds at 10,000): the chat waits a
    moment, then goes on offering nothing until the index is ready."""
    project_id, round_id, _ = await ideas_round(demo)
    first = await submit(demo, project_id, round_id, "a", "Laadpalen voor elektrische auto's")

    def slow_encoder():
        import time

        import numpy as np

        def encode(texts):
            time.sleep(0.5)  # a large round's worth of encoding
            return np.ones((len(texts), 4), dtype=np.float32) / 2

        return encode

    slow = SimilarIdeas(encoder=True, load=slow_encoder)
    assert await slow.prepare(demo.reading, round_id, wait=0.05) is False
    async with demo.reading() as uow:
        assert await slow.similar(uow, round_id, "laadpalen") == []  # not ready: none offered
    assert await slow.prepare(demo.reading, round_id, wait=5) is True
    async with demo.reading() as uow:
        assert [s.id for s in await slow.similar(uow, round_id, "laadpalen")] == [first]


async def test_a_group_lists_its_most_central_idea_first_and_marks_one_pulled_in(demo, similar):
    project_id, round_id, _ = await ideas_round(demo)
    texts = [
        "Meer prullenbakken in het centrum",
        "Extra afvalbakken in het centrum",
        "Meer afvalbakken in het centrum, het ligt vol",
        "Prullenbakken in het centrum graag",
    ]
    ids = [await submit(demo, project_id, round_id, f"r{n}", t) for n, t in enumerate(texts)]
    async with demo.reading() as uow:
        clusters = await similar.clusters(uow, round_id, 0.3)
    group = next(cl for cl in clusters if ids[0] in cl.ideas)
    assert set(group.fit) == set(group.ideas)
    assert group.fit[group.ideas[0]] == max(group.fit.values())  # most central first
    assert group.label == texts[ids.index(group.ideas[0])]
    assert group.threshold > 0
    loose = [i for i in group.ideas if group.loose(i)]
    assert all(group.fit[i] < group.threshold for i in loose)


async def test_preloading_loads_the_encoder_once_and_runs_it_before_any_idea():
    """A server warms the encoder at start: its first encoding (the runtime's set-up, more
    than a second with the bundled model) then falls on no resident's idea, nor does reading
    the synonym list that the first look-up needs."""
    import numpy as np

    from core.analysis.similarity_text import synonyms

    synonyms.cache_clear()

    loads, seen = [], []

    def encoder(texts):
        seen.append(list(texts))
        return np.ones((len(texts), 4)) / 2.0

    def load():
        loads.append(1)
        return encoder

    ideas = SimilarIdeas(encoder=True, load=load)
    await ideas.preload()
    assert loads == [1] and seen[0] == ["warm"] and len(seen) > 1  # then a look-up
    assert synonyms.cache_info().currsize == 1
    await ideas.preload()  # once only
    assert await ideas._encoder_once() is not None and loads == [1]
