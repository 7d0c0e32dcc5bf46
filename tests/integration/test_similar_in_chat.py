"""Similar ideas offered in the chat, through the conversation service and real storage: a
resident supports an idea like theirs instead of repeating it, once, and forgetting or asking
for their data covers that support."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import views
from core.domain import commands as c
from core.services.similar_ideas import SimilarIdeas
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import ChatResident

BANKJES = "Meer bankjes in het Oosterpark"


@pytest.fixture
def chat(demo: Container) -> Container:
    """The demo with words-only similarity: fast, and the same on every machine."""
    demo.conversations.similar = SimilarIdeas(encoder=False)
    return demo


async def sent_idea(container: Container, who: str, text: str) -> ChatResident:
    """A resident who joined and sent ``text`` as their idea (approved: post-moderation)."""
    resident = ChatResident(container.conversations, who)
    await resident.join()
    await resident.say(text)
    labels = [o.label for o in resident.question.options]
    await resident.press("Versturen" if "Versturen" in labels else "Nee, mijn idee is anders")
    # The round's index is brought up to date now, however busy the machine: a chat step waits
    # two seconds at most for it and then offers nothing.
    conversations = container.conversations
    if conversations.similar is not None and conversations.reading is not None:
        async with container.reading() as uow:
            project = await uow.projects.by_code("DEMO")
            assert project is not None and project.id is not None
            rounds = {r.key: r.id for r in await uow.projects.rounds(project.id)}
        await conversations.similar.prepare(conversations.reading, rounds["ideeen"] or 0, wait=300)
    return resident


async def supports(container: Container) -> list[tuple[int, int]]:
    async with container.uow() as uow:
        rows = await uow.conn.execute(
            sa.select(t.idea_supports.c.idea_id, t.idea_supports.c.resident_id)
        )
        return [(int(a), int(b)) for a, b in rows]


async def idea_texts(container: Container) -> list[str]:
    async with container.uow() as uow:
        return list(await uow.conn.scalars(sa.select(t.ideas.c.text).order_by(t.ideas.c.id)))


async def idea_id(container: Container, text: str) -> int:
    async with container.uow() as uow:
        return int(await uow.conn.scalar(sa.select(t.ideas.c.id).where(t.ideas.c.text == text)))


async def test_a_resident_is_offered_a_similar_idea_and_supports_it_once(chat: Container):
    await sent_idea(chat, "anna", BANKJES)
    bob = ChatResident(chat.conversations, "bob")
    await bob.join()
    await bob.say("Bankjes in het Oosterpark!")
    assert "Bedoel je dit idee?" in bob.question.text
    assert [o.label for o in bob.question.options] == [BANKJES, "Nee, mijn idee is anders"]

    await bob.press(BANKJES)

    assert "Je steunt nu het idee" in bob.texts()
    assert bob.question.text == "Heb je nog een idee?"
    anna_idea = await idea_id(chat, BANKJES)
    assert [s[0] for s in await supports(chat)] == [anna_idea]
    assert await idea_texts(chat) == [BANKJES]  # no new idea
    # the old button once more: said kindly, counted once
    await bob.choose(f"sup:{bob.question.options[0].data.split(':')[1]}:{anna_idea}")
    assert "Je steunt dit idee al" in bob.texts()
    assert len(await supports(chat)) == 1
    # and they may still add an idea of their own
    await bob.press("Ja, nog een")
    await bob.say("Een zebrapad bij de school")
    await bob.press("Versturen")
    assert await idea_texts(chat) == [BANKJES, "Een zebrapad bij de school"]


async def test_no_my_idea_is_different_stores_the_idea_as_typed(chat: Container):
    await sent_idea(chat, "anna", BANKJES)
    bob = ChatResident(chat.conversations, "bob")
    await bob.join()
    await bob.say("Meer bankjes in het Oosterpark, bij de vijver")
    await bob.press("Nee, mijn idee is anders")
    assert "Je idee is bewaard" in bob.texts()
    assert await idea_texts(chat) == [BANKJES, "Meer bankjes in het Oosterpark, bij de vijver"]
    assert await supports(chat) == []


async def test_typed_numbers_and_words_answer_on_a_channel_without_buttons(chat: Container):
    await sent_idea(chat, "anna", BANKJES)
    bob = ChatResident(chat.conversations, "bob")
    await bob.join()
    await bob.say("bankjes oosterpark")
    await bob.say("1")
    assert len(await supports(chat)) == 1
    cas = ChatResident(chat.conversations, "cas")
    await cas.join()
    await cas.say("bankjes in het oosterpark")
    await cas.say("anders")
    assert await idea_texts(chat) == [BANKJES, "bankjes in het oosterpark"]


async def test_nothing_similar_leaves_the_flow_unchanged(chat: Container):
    await sent_idea(chat, "anna", BANKJES)
    bob = ChatResident(chat.conversations, "bob")
    await bob.join()
    await bob.say("Een zebrapad bij de school")
    assert [o.label for o in bob.question.options] == ["Versturen", "Aanpassen"]


async def test_own_held_and_rejected_ideas_are_never_offered(chat: Container):
    anna = await sent_idea(chat, "anna", BANKJES)
    await anna.press("Ja, nog een")
    await anna.say("Bankjes in het Oosterpark")  # like her own idea: not offered to her
    assert [o.label for o in anna.question.options] == ["Versturen", "Aanpassen"]
    await sent_idea(chat, "bob", "Bankjes in het Oosterpark, bel 0612345678")  # held: flagged
    await chat.bus.handle(
        c.RejectContribution("idea", await idea_id(chat, BANKJES), "dubbel", None)
    )
    cas = ChatResident(chat.conversations, "cas")
    await cas.join()
    await cas.say("Bankjes in het Oosterpark")
    assert [o.label for o in cas.question.options] == ["Versturen", "Aanpassen"]


async def test_an_idea_merged_away_is_supported_through_the_idea_it_joined(chat: Container):
    await sent_idea(chat, "anna", BANKJES)
    await sent_idea(chat, "bob", "Zitbanken bij de speeltuin")
    kept, gone = await idea_id(chat, "Zitbanken bij de speeltuin"), await idea_id(chat, BANKJES)
    await chat.bus.handle(c.MergeIdeas(gone, kept, None))
    cas = ChatResident(chat.conversations, "cas")
    await cas.join()
    await cas.say("meer bankjes oosterpark")
    assert bob_label(cas) == "Zitbanken bij de speeltuin"
    await cas.press("Zitbanken bij de speeltuin")
    assert [s[0] for s in await supports(chat)] == [kept]
    async with chat.reading() as uow:
        rounds = {r.key: r for r in await uow.projects.rounds(1)}
        backing = await views.idea_backing(uow, rounds["ideeen"].id or 0)
    assert set(backing) == {kept}
    assert (backing[kept].authors, backing[kept].supporters, backing[kept].originals) == (2, 1, 2)


def bob_label(resident: ChatResident) -> str:
    return resident.question.options[0].label


async def test_help_while_choosing_keeps_the_typed_idea(chat: Container):
    await sent_idea(chat, "anna", BANKJES)
    bob = ChatResident(chat.conversations, "bob")
    await bob.join()
    await bob.say("Bankjes in het Oosterpark graag")
    await bob.say("help")
    assert "Bedoel je dit idee?" in bob.question.text
    await bob.press("Nee, mijn idee is anders")
    assert await idea_texts(chat) == [BANKJES, "Bankjes in het Oosterpark graag"]


async def test_my_data_lists_supports_and_forget_erases_them(chat: Container):
    await sent_idea(chat, "anna", BANKJES)
    bob = ChatResident(chat.conversations, "bob")
    await bob.join()
    await bob.say("Bankjes in het Oosterpark")
    await bob.press(BANKJES)
    text = (await bob.say("mijn gegevens"))[0].text
    assert f"Ideeën van anderen die je steunt (1):\n\u2022 {BANKJES}" in text
    await bob.say("vergeet")
    await bob.press("Ja, wis alles")
    assert await supports(chat) == []
    assert await idea_texts(chat) == [BANKJES]


async def test_forgetting_the_author_hands_the_support_to_the_idea_merged_into_theirs(
    chat: Container,
):
    anna = await sent_idea(chat, "anna", BANKJES)
    await sent_idea(chat, "bob", "Zitbanken in het Oosterpark")
    await chat.bus.handle(
        c.MergeIdeas(
            await idea_id(chat, "Zitbanken in het Oosterpark"), await idea_id(chat, BANKJES), None
        )
    )
    cas = ChatResident(chat.conversations, "cas")
    await cas.join()
    await cas.say("bankjes oosterpark")
    await cas.press(BANKJES)
    await anna.say("vergeet")
    await anna.press("Ja, wis alles")
    heir = await idea_id(chat, "Zitbanken in het Oosterpark")
    assert [s[0] for s in await supports(chat)] == [heir]


async def test_support_does_not_count_against_the_maximum_of_ideas(chat: Container):
    await sent_idea(chat, "anna", BANKJES)
    bob = ChatResident(chat.conversations, "bob")
    await bob.join()
    await bob.say("Bankjes in het Oosterpark")
    await bob.press(BANKJES)
    for n in range(3):  # the demo's ideas round allows three ideas per resident
        await bob.press("Ja, nog een")
        await bob.say(f"Eigen idee {n} over de Kanaalweg")
        await bob.press("Versturen")
    assert len(await idea_texts(chat)) == 4 and len(await supports(chat)) == 1


async def test_the_sentence_encoder_offers_a_paraphrase(demo: Container):
    await sent_idea(demo, "anna", "Een speeltuin in het Oosterpark")
    bob = ChatResident(demo.conversations, "bob")
    await bob.join()
    await bob.say("Een speelplek in het park")
    assert bob.question.options[0].label == "Een speeltuin in het Oosterpark"


async def test_ideas_worded_alike_are_offered_once(chat: Container):
    await sent_idea(chat, "anna", BANKJES)
    await sent_idea(chat, "bob", BANKJES + ".")
    cas = ChatResident(chat.conversations, "cas")
    await cas.join()
    await cas.say("Bankjes in het Oosterpark")
    assert [o.label for o in cas.question.options] == [BANKJES, "Nee, mijn idee is anders"]
