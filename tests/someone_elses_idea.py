"""An approved idea of another resident in DEMO's ideas round, ready to be offered as similar.

Shared by the channel tests of similar ideas. The round's similar-ideas index is built before
the helper returns: a chat step waits at most two seconds for a round's first index (the
encoder loads and encodes then), which a busy test machine can overrun, and the test would then
see no offer at all.
"""

from __future__ import annotations

from core.domain import commands as c
from inspraak.bootstrap import Container


async def an_idea_of_someone_else(container: Container, text: str, who: str = "someone") -> int:
    async with container.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
    resident = await container.bus.handle(c.GiveConsent(who, project.id, "web", "nl"))
    round_id = rounds["ideeen"].id
    idea: int = await container.bus.handle(c.SubmitIdea(resident, round_id, text))
    await container.similar_ideas.prepare(container.reading, round_id, wait=300)
    return idea
