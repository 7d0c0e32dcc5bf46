"""Contributions with personal details are held back from other residents and from every page
outside moderation until a facilitator approves or corrects them (real storage)."""

from __future__ import annotations

import sqlalchemy as sa

from core import views
from core.domain import commands as c
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import ChatResident

PHONE_IDEA = "Een bankje bij de vijver, bel me op 06 12 34 56 78"


async def _rounds(container: Container, moderation: str = "post") -> tuple[int, dict[str, int]]:
    async with container.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        project.settings["moderation"] = moderation
        await uow.projects.update(project)
        rounds = {r.key: r.id for r in await uow.projects.rounds(project.id)}
        await uow.commit()
    return project.id, rounds


async def _rating_texts(container: Container, round_id: int) -> list[str]:
    async with container.uow() as uow:
        return [i.text for i in await uow.projects.items(round_id)]


async def _send_idea(resident: ChatResident, text: str, send: str = "Versturen") -> str:
    await resident.say(text)
    await resident.press(send)
    return resident.texts()


async def test_a_resident_is_told_kindly_why_an_idea_with_a_phone_number_waits(demo: Container):
    _, rounds = await _rounds(demo, "post")
    anna = ChatResident(demo.conversations, "anna")
    await anna.join()

    said = await _send_idea(anna, PHONE_IDEA)

    assert "Dank je wel! Je idee is bewaard." in said
    assert "Er lijkt een telefoonnummer in te staan" in said
    assert "iemand van de gemeente er eerst naar" in said
    assert "12 34 56 78" not in said  # the number is not echoed back
    assert PHONE_IDEA not in await _rating_texts(demo, rounds["beoordelen"])


async def test_the_note_is_in_english_for_an_english_resident(demo: Container):
    await _rounds(demo, "post")
    jan = ChatResident(demo.conversations, "jan")
    await jan.join()
    await jan.say("taal")
    await jan.press("English")

    said = await _send_idea(jan, "Mail me at jan@example.org about the bench", "Send")

    assert "It seems to contain an e-mail address" in said
    assert "someone from the municipality will look at it first" in said
    assert "jan@example.org" not in said


async def test_a_held_idea_reaches_the_rating_round_only_after_approval(demo: Container):
    project_id, rounds = await _rounds(demo, "post")
    anna = ChatResident(demo.conversations, "anna")
    await anna.join()
    await _send_idea(anna, "Wat een klote plan, maak er een park van")
    async with demo.uow() as uow:
        idea_id, flags, status = (
            await uow.conn.execute(sa.select(t.ideas.c.id, t.ideas.c.flags, t.ideas.c.status))
        ).one()
    assert (flags, status) == (["profanity"], "new")
    assert "Wat een klote plan, maak er een park van" not in await _rating_texts(
        demo, rounds["beoordelen"]
    )

    await demo.bus.handle(c.ApplyShortlist(rounds["beoordelen"]))
    assert "Wat een klote plan, maak er een park van" not in await _rating_texts(
        demo, rounds["beoordelen"]
    )
    await demo.bus.handle(c.ApproveContribution("idea", idea_id, None))
    await demo.bus.handle(c.ApplyShortlist(rounds["beoordelen"]))

    assert "Wat een klote plan, maak er een park van" in await _rating_texts(
        demo, rounds["beoordelen"]
    )


async def test_held_ideas_and_comments_are_left_out_of_results_quotes_and_dashboard(
    demo: Container,
):
    project_id, rounds = await _rounds(demo, "post")
    ids = [await demo.bus.handle(c.GiveConsent(f"r{n}", project_id, "web", "nl")) for n in (1, 2)]
    held = await demo.bus.handle(c.SubmitIdea(ids[0], rounds["ideeen"], PHONE_IDEA))
    await demo.bus.handle(c.SubmitIdea(ids[1], rounds["ideeen"], "Meer bomen"))
    await demo.bus.handle(c.GiveFeedback(ids[0], rounds["reactie"], 8, "Mijn BSN is 123456782"))
    await demo.bus.handle(c.GiveFeedback(ids[1], rounds["reactie"], 6, "Mooi plan"))
    for key in ("ideeen", "reactie"):
        await demo.bus.handle(c.PublishResults(rounds[key]))

    async with demo.uow() as uow:
        results = await views.project_results(uow, "DEMO", demo.clock())
        summary = await views.public_summary(uow, "DEMO", demo.clock())
        dashboard = await views.dashboard(uow, project_id, demo.clock())
    by_key = {r.key: r for r in results.rounds}
    assert [i["text"] for i in by_key["ideeen"].ideas] == ["Meer bomen"]
    assert by_key["reactie"].comments == ["Mooi plan"]
    quotes = [q for r in summary.rounds for q in r.quotes]
    assert quotes == ["Mooi plan"]
    newest = [n["text"] for n in dashboard.newest]
    assert "Mooi plan" in newest and PHONE_IDEA not in newest
    assert "Mijn BSN is 123456782" not in newest

    await demo.bus.handle(c.CorrectContribution("idea", held, "Een bankje bij de vijver", None))
    async with demo.uow() as uow:
        results = await views.project_results(uow, "DEMO", demo.clock())
    ideas = [i["text"] for i in {r.key: r for r in results.rounds}["ideeen"].ideas]
    assert ideas == ["Een bankje bij de vijver", "Meer bomen"]
    await demo.bus.handle(c.ApplyShortlist(rounds["beoordelen"]))
    assert "Een bankje bij de vijver" in await _rating_texts(demo, rounds["beoordelen"])


async def test_the_queue_names_stored_flags_and_lists_flagged_ones_first(demo: Container):
    project_id, rounds = await _rounds(demo, "post")
    ids = [await demo.bus.handle(c.GiveConsent(f"r{n}", project_id, "web", "nl")) for n in (1, 2)]
    plain = [
        await demo.bus.handle(c.SubmitIdea(ids[0], rounds["ideeen"], f"Idee {n}"))
        for n in range(3)
    ]
    flagged = await demo.bus.handle(c.SubmitIdea(ids[1], rounds["ideeen"], "NL91ABNA0417164300"))

    async with demo.uow() as uow:
        queue = await views.moderation_queue(uow, project_id, limit=2)
    assert queue.total == 4
    assert [(e.id, e.flags, e.held) for e in queue.entries] == [
        (flagged, ["iban"], True),
        (plain[0], [], False),
    ]
