"""Projects in every state, holding text that must never reach an anonymous visitor.

Built for the anonymous crawl (``test_public_crawl``): a draft, a running project, a running
project whose rounds show their results live, a closed one and a published one, each with
contributions that carry a tell-tale string (a phone number, an e-mail address, a swear word, an
unmoderated, rejected or held idea, a draft's title and question). ``SECRETS`` must appear
nowhere public; ``SHOWN`` must appear on the public summaries (so the crawl reaches content).
"""

from __future__ import annotations

import sqlalchemy as sa

from core.domain import commands as c
from core.services.project_file import import_project, parse_project_file
from core.storage import tables as t
from inspraak.bootstrap import Container

SECRETS = (
    "Zwanenwater",  # the draft's title
    "conceptvraag",  # the draft's question
    "Vlonder",  # an idea in the draft
    "0612345678",  # a phone number in a running round
    "Fietsbrug",  # an idea of a running round whose results are not published
    "klote",  # a swear word
    "piet@voorbeeld.nl",  # an e-mail address in a running round
    "Kademuur",  # an idea of a closed, unpublished project
    "Veerpont",  # a comment of a closed, unpublished project
    "Zonnepaneel",  # an unmoderated idea (moderation beforehand)
    "Kerncentrale",  # a rejected idea, rated before it was rejected
    "0687654321",  # a held idea (a phone number found on arrival), rated top
    "kees@voorbeeld.nl",  # another held idea, rated top
    "Waterbus",  # an unmoderated comment (moderation beforehand)
    "jan@voorbeeld.nl",  # a held comment with an e-mail address
    "Klokkentoren",  # a rejected comment
    "0611122233",  # a phone number in a comment of a round shown live
)
SHOWN = (
    "Meer bomen langs de singel",  # an approved idea, rated top, published
    "Goede reactie over de haven",  # an approved comment, published
    "Live reactie over de markt",  # a comment of a round shown live
)
CODES = ("CONCEPT", "LOOPT", "LIVE", "GESLOTEN", "KLAAR")


def project_file(
    code: str, title: str, rounds: str, status: str = "active", pre: bool = False
) -> str:
    moderation = "pre" if pre else "post"
    return f"""
[project]
code = "{code}"
title = "{title}"
organisation = "gemeente-test"
intro = "Doe mee met {code.lower()}."
status = "{status}"
moderation = "{moderation}"
ask_profile = false
{rounds}
"""


def rounds_file(question: str, live: bool = False) -> str:
    switch = "live_results = true" if live else ""
    return f"""
[[rounds]]
key = "ideeen"
kind = "ideas"
question = "{question}"
state = "open"
{switch}

[[rounds]]
key = "cijfers"
kind = "rating"
question = "Hoe belangrijk?"
items_from = "ideeen"
items = ["Een vast onderwerp"]
state = "open"
{switch}

[[rounds]]
key = "reactie"
kind = "feedback"
question = "Wat vind je van het plan?"
state = "open"
{switch}
"""


class Builder:
    """Fills one project through the bus, as residents and facilitators would."""

    def __init__(self, container: Container, code: str) -> None:
        self.container = container
        self.code = code
        self.rounds: dict[str, int] = {}
        self.project_id = 0
        self.residents: list[int] = []

    async def load(self, text: str) -> Builder:
        async with self.container.uow() as uow:
            project, _ = await import_project(uow, parse_project_file(text, "t.toml"))
            await uow.commit()
            self.project_id = project.id or 0
            for rnd in await uow.projects.rounds(self.project_id):
                self.rounds[rnd.key] = rnd.id or 0
        for n in range(3):
            pseudonym = f"{self.code}-bewoner-{n}"
            self.residents.append(
                await self.bus(c.GiveConsent(pseudonym, self.project_id, "web", "nl"))
            )
        return self

    async def bus(self, command: c.Command) -> int:
        return await self.container.bus.handle(command)  # type: ignore[no-any-return]

    async def idea(self, text: str, resident: int = 0) -> int:
        who = self.residents[resident]
        return await self.bus(c.SubmitIdea(who, self.rounds["ideeen"], text))

    async def comment(self, text: str, resident: int = 0) -> int:
        await self.bus(c.GiveFeedback(self.residents[resident], self.rounds["reactie"], 8, text))
        async with self.container.reading() as uow:
            return int(
                await uow.conn.scalar(
                    sa.select(t.feedback.c.id).where(
                        t.feedback.c.round_id == self.rounds["reactie"],
                        t.feedback.c.resident_id == self.residents[resident],
                    )
                )
            )

    async def rate_all(self, idea_id: int, score: int) -> None:
        """Every resident gives the item made from ``idea_id`` the same score (the facilitator
        fixes the shortlist first: ideas reach the rating round only so)."""
        round_id = self.rounds["cijfers"]
        await self.bus(c.ApplyShortlist(round_id))
        async with self.container.reading() as uow:
            item_id = await uow.conn.scalar(
                sa.select(t.items.c.id).where(
                    t.items.c.round_id == round_id, t.items.c.idea_id == idea_id
                )
            )
        assert item_id is not None
        for who in self.residents:
            await self.bus(c.RateItem(who, round_id, int(item_id), 0, score))

    async def rated_while_held(self, idea_id: int, flag: str) -> None:
        """An idea held on arrival that still became a rated item (as before holding existed):
        let through, rated by everyone, then held again."""
        await self.bus(c.ApproveContribution("idea", idea_id))
        await self.rate_all(idea_id, 5)
        await self.hold(t.ideas, idea_id, flag)

    async def hold(self, table: sa.Table, row_id: int, flag: str) -> None:
        """Hold a contribution for review, as the detection of personal details does."""
        async with self.container.uow() as uow:
            await uow.conn.execute(
                table.update().where(table.c.id == row_id).values(status="new", flags=[flag])
            )
            await uow.commit()

    async def close_and_publish(self, publish: bool = True) -> None:
        for round_id in self.rounds.values():
            await self.bus(c.CloseRound(round_id))
            if publish:
                await self.bus(c.PublishResults(round_id))


async def build_every_state(container: Container) -> None:
    """The five projects of the crawl."""
    questions = rounds_file("Geheime conceptvraag?")
    draft = await Builder(container, "CONCEPT").load(
        project_file("CONCEPT", "Geheime plannen Zwanenwater", questions, status="draft")
    )
    await draft.idea("Een Vlonder aan het water")
    await draft.close_and_publish()  # published rounds of a draft stay unpublished

    running = await Builder(container, "LOOPT").load(
        project_file("LOOPT", "Looptstraat", rounds_file("Wat wil je in de Looptstraat?"))
    )
    phone = await running.idea("Bel me op 0612345678 over de Looptstraat")
    await running.idea("Een Fietsbrug over het kanaal", resident=1)
    await running.idea("Wat een klote plan", resident=2)
    await running.rated_while_held(phone, "phone")
    await running.comment("Mail me: piet@voorbeeld.nl")

    live = await Builder(container, "LIVE").load(
        project_file("LIVE", "Markt", rounds_file("Wat wil je op de markt?", live=True))
    )
    swear = await live.idea("Wat een klote markt")
    await live.rated_while_held(swear, "profanity")
    await live.comment("Live reactie over de markt")
    await live.comment("Bel me op 0611122233 over de markt", resident=1)

    closed = await Builder(container, "GESLOTEN").load(
        project_file("GESLOTEN", "Kade", rounds_file("Wat wil je aan de kade?"), status="closed")
    )
    await closed.idea("De Kademuur herstellen")
    await closed.comment("Een Veerpont naar de overkant")
    await closed.close_and_publish(publish=False)

    await _published(container)


async def _published(container: Container) -> None:
    """A published project with moderation beforehand."""
    done = await Builder(container, "KLAAR").load(
        project_file("KLAAR", "Singel", rounds_file("Wat wil je aan de singel?"), pre=True)
    )
    trees = await done.idea("Meer bomen langs de singel")
    await done.idea("Een Zonnepaneel op elk dak", resident=1)  # never reviewed
    nuclear = await done.idea("Een Kerncentrale in het park", resident=2)
    held = await done.idea("Bel 0687654321 voor overleg")
    also_held = await done.idea("Mail kees@voorbeeld.nl", resident=1)
    for idea_id in (trees, nuclear, held, also_held):
        await done.bus(c.ApproveContribution("idea", idea_id))
    await done.rate_all(trees, 4)
    for idea_id in (nuclear, held, also_held):
        await done.rate_all(idea_id, 5)
    await done.bus(c.RejectContribution("idea", nuclear, "past niet"))
    await done.hold(t.ideas, held, "phone")
    await done.hold(t.ideas, also_held, "email")
    good = await done.comment("Goede reactie over de haven")
    await done.bus(c.ApproveContribution("feedback", good))
    await done.comment("Onbeoordeelde reactie over de Waterbus", resident=1)
    mail = await done.comment("Mail jan@voorbeeld.nl", resident=2)
    await done.hold(t.feedback, mail, "email")
    extra = await done.bus(c.GiveConsent("KLAAR-bewoner-3", done.project_id, "web", "nl"))
    await done.bus(c.GiveFeedback(extra, done.rounds["reactie"], 2, "De Klokkentoren weg"))
    async with container.reading() as uow:
        rejected = await uow.conn.scalar(
            sa.select(t.feedback.c.id).where(t.feedback.c.resident_id == extra)
        )
    await done.bus(c.RejectContribution("feedback", int(rejected or 0), "scheldwoord"))
    await done.close_and_publish()
