"""Messages sent to residents (a round that opens, the results) speak the resident's language
and show the project's texts in it, Dutch where the project has no translation."""

from __future__ import annotations

from core.domain import commands as c
from inspraak.bootstrap import Container
from tests.factories import TestClock
from tests.integration.outbox_support import make_project, make_sender, round_id, subscribe

ROUNDS = """
[[rounds]]
key = "stellingen"
kind = "statements"
question = { nl = "Eens of oneens?", en = "Agree or disagree?" }
statements = [{ nl = "Meer bomen.", en = "More trees." }]
state = "draft"
"""


async def test_a_new_round_and_its_results_reach_each_resident_in_their_language(
    container: Container, clock: TestClock
):
    project_id = await make_project(container, ROUNDS)
    dutch = await subscribe(container, project_id, 1, first=2000)
    english = await subscribe(container, project_id, 1, first=3000, language="en")
    turkish = await subscribe(container, project_id, 1, first=4000, language="tr")
    rnd = await round_id(container, "stellingen")
    await container.bus.handle(c.OpenRound(rnd))
    outbox, fake = make_sender(container, clock)
    await outbox.drain()
    opened = {d.address: d.message.replies[0].text for d in fake.deliveries}
    assert "Agree or disagree?" in opened[english[0]] and "A new round" in opened[english[0]]
    assert "Eens of oneens?" in opened[dutch[0]]
    assert "Eens of oneens?" in opened[turkish[0]] and "yeni bir tur" in opened[turkish[0]]

    async with container.uow() as uow:
        item = (await uow.projects.items(rnd))[0]
        pseudonyms = [container.conversations.pseudonym("telegram", a) for a in (*dutch, *english)]
        people = [await uow.residents.get(p, project_id) for p in pseudonyms]
    for person in people:
        assert person is not None and person.id is not None
        await container.bus.handle(c.CastVote(person.id, rnd, item.id or 0, 1))
    fake.deliveries.clear()
    assert await container.bus.handle(c.PublishResults(rnd)) == 2  # those who took part
    await outbox.drain()
    results = {d.address: d.message.replies[0].text for d in fake.deliveries}
    assert "1. More trees. (100% agree)" in results[english[0]]
    assert "1. Meer bomen. (100% eens)" in results[dutch[0]]
