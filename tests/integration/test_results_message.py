"""The results message residents get when a round is published names only ideas that may be
shown: none held for review, unmoderated, or with a phone number or a swear word."""

from __future__ import annotations

from core.domain import commands as c
from inspraak.bootstrap import Container
from tests.factories import TestClock
from tests.integration.outbox_support import make_project, make_sender, round_id, subscribe

ROUNDS = """
[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat moet er beter?"
state = "open"

[[rounds]]
key = "cijfers"
kind = "rating"
question = "Hoe belangrijk?"
items_from = "ideeen"
state = "open"
"""


async def test_the_results_message_names_no_idea_that_may_not_be_shown(
    container: Container, clock: TestClock
):
    project_id = await make_project(container, ROUNDS)
    addresses = await subscribe(container, project_id, 2)
    async with container.uow() as uow:
        people = [
            await uow.residents.get(container.conversations.pseudonym("telegram", a), project_id)
            for a in addresses
        ]
    ids = [p.id for p in people if p is not None and p.id is not None]
    ideas, cijfers = await round_id(container, "ideeen"), await round_id(container, "cijfers")
    texts = ["Meer bomen in de straat", "Bel me op 0612345678", "Wat een klote plan"]
    for text in texts:  # moderation afterwards: a clean idea is approved at once
        await container.bus.handle(c.SubmitIdea(ids[0], ideas, text))
    async with container.uow() as uow:  # the held two are let through by a facilitator
        held = [i for i in await uow.contributions.ideas_of_round(ideas, False) if i.flags]
    assert len(held) == 2
    for idea in held:
        await container.bus.handle(c.ApproveContribution("idea", idea.id or 0))
    await container.bus.handle(c.ApplyShortlist(cijfers))  # the facilitator fixes the list
    async with container.uow() as uow:
        items = {i.text: i.id or 0 for i in await uow.projects.items(cijfers)}
    for who in ids:
        for text, score in zip(texts, (3, 5, 5), strict=True):
            await container.bus.handle(c.RateItem(who, cijfers, items[text], 0, score))

    assert await container.bus.handle(c.PublishResults(cijfers)) == 2
    outbox, fake = make_sender(container, clock)
    await outbox.drain()

    messages = [d.message.replies[0].text for d in fake.deliveries]
    assert len(messages) == 2
    for text in messages:
        assert "1. Meer bomen in de straat (3,0)" in text
        assert "0612345678" not in text and "klote" not in text
        assert "Jouw gemiddelde score was 3,0; de groep gaf dezelfde punten gemiddeld 3,0" in text
