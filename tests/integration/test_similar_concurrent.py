"""A resident looks similar ideas up while another's idea joins the round's index: the index
grows in place on a worker thread, so a look-up must never read it half-grown (that was a 500
in bench/webchat.py: word and character scores of different lengths)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from core.analysis.similarity import SimilarityIndex
from core.domain import commands as c
from core.services.similar_ideas import SimilarIdeas
from inspraak.bootstrap import Container


async def test_a_look_up_never_reads_an_index_that_is_half_grown(
    demo: Container, monkeypatch: pytest.MonkeyPatch
):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        ideas = next(r for r in await uow.projects.rounds(project.id) if r.key == "ideeen")

    async def submit(who: str, text: str) -> None:
        resident = await demo.bus.handle(c.GiveConsent(who, project.id, "web", "nl"))
        await demo.bus.handle(c.SubmitIdea(resident, ideas.id, text))

    similar = SimilarIdeas(encoder=False)
    await submit("anna", "Meer bankjes in het Oosterpark")
    assert await similar.prepare(demo.reading, ideas.id)

    half_grown = threading.Event()  # words of the new idea added, its characters not yet
    look_up, add_many = SimilarityIndex.similar, SimilarityIndex.add_many

    def waiting_look_up(index: SimilarityIndex, text: str, *args: object) -> object:
        half_grown.wait(timeout=1)  # the look-up would read the index in the middle of a growth
        return look_up(index, text, *args)  # type: ignore[arg-type]

    def growing(index: SimilarityIndex, new: object) -> None:
        chars = index._chars.add  # noqa: SLF001 - our own class, slowed down, not changed

        def late(docs: list[str]) -> None:
            half_grown.set()
            threading.Event().wait(0.05)
            chars(docs)

        index._chars.add = late  # type: ignore[method-assign]  # noqa: SLF001
        try:
            add_many(index, new)  # type: ignore[arg-type]
        finally:
            index._chars.add = chars  # type: ignore[method-assign]  # noqa: SLF001

    monkeypatch.setattr(SimilarityIndex, "similar", waiting_look_up)
    monkeypatch.setattr(SimilarityIndex, "add_many", growing)

    async def look() -> list[str]:
        async with demo.reading() as uow:
            return [i.text for i in await similar.similar(uow, ideas.id, "Bankjes in het park")]

    looking = asyncio.create_task(look())
    await asyncio.sleep(0.05)  # the look-up has its round and waits in its thread
    await submit("bob", "Een speeltuin bij de school")
    await similar.prepare(demo.reading, ideas.id)
    assert await looking == ["Meer bankjes in het Oosterpark"]
