"""DEMO as a council would get it: a few dozen residents over all four rounds, published.

Thirty-six residents in two wijken and three age bands (Telegram, WhatsApp and the web chat)
write ideas with themes, rate the six items on importance and feasibility, vote on the five
statements in two camps (so opinion groups form), and give the plan a mark, some with a comment.
Deterministic (a seeded random), for the report tests and for looking at the report.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from core.domain import commands as c
from core.storage import tables as t
from inspraak.bootstrap import Container, load_demo_if_empty

RESIDENTS = 36
START = datetime(2026, 9, 7, 8, tzinfo=UTC)
IDEAS = [
    ("Meer bankjes in de schaduw bij het winkelcentrum", "ontmoeten"),
    ("Een pluktuin bij de basisschool", "groen"),
    ("Minder verharding op de parkeerplaats achter de sporthal", "groen"),
    ("Drinkwaterpunten in het Oosterpark", "hitte"),
    ("Bomen langs de fietsroute naar het station", "groen"),
    ("Een buurtcompostplek per blok", "groen"),
    ("Koele plekken voor ouderen in de zomer", "hitte"),
    ("Speelplekken met water voor kinderen", "hitte"),
    ("Een wekelijkse markt op het plein", "ontmoeten"),
    ("Groene daken op de gemeentelijke gebouwen", "groen"),
]
COMMENTS = [
    "Goed plan, maar begin in de straten zonder een enkele boom.",
    "Vijfhonderd bomen klinkt mooi; wie zorgt er voor het water in droge zomers?",
    "Ik mis aandacht voor parkeren: waar laten we de auto's?",
    "Fijn dat bewoners mee mogen denken. Graag ook een plek voor jongeren.",
    "De geveltuinen zijn een prima idee, ik doe graag mee in mijn straat.",
]


async def build_council_demo(container: Container, residents: int = RESIDENTS) -> None:
    """Load DEMO, let ``residents`` residents take part in every round, publish the results."""
    assert await load_demo_if_empty(container) == "DEMO"
    rng = random.Random(16)
    async with container.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = {r.key: r for r in await uow.projects.rounds(project.id or 0)}
        conn = uow.conn
        for n, rnd in enumerate(rounds.values()):
            opens = START + timedelta(weeks=2 * n)
            await conn.execute(
                t.rounds.update()
                .where(t.rounds.c.id == rnd.id)
                .values(opens_at=opens, closes_at=opens + timedelta(days=12, hours=10))
            )
        people = await _residents(conn, project.id or 0, residents, rng)
        for idea, text in await _ideas(conn, rounds["ideeen"].id or 0, people):
            await uow.projects.add_item_for_idea(rounds["beoordelen"].id or 0, idea, text)
        await _ratings(conn, rounds["beoordelen"].id or 0, people, rng)
        await _votes(conn, rounds["stellingen"].id or 0, people, rng)
        await _feedback(conn, rounds["reactie"].id or 0, people, rng)
        for rnd in rounds.values():
            await conn.execute(
                t.round_progress.insert(),
                [
                    {
                        "round_id": rnd.id,
                        "resident_id": r,
                        "started_at": START,
                        "finished_at": START if i % 6 else None,
                    }
                    for i, r in enumerate(people)
                ],  # fmt: skip
            )
        await uow.commit()
    for rnd in rounds.values():
        await container.bus.handle(c.PublishResults(rnd.id or 0))


async def _residents(conn, project_id: int, count: int, rng: random.Random) -> list[int]:
    ids = []
    for n in range(count):
        ids.append(
            await conn.scalar(
                t.residents.insert()
                .values(
                    pseudonym=f"raad-{n}",
                    project_id=project_id,
                    channel=("telegram", "whatsapp", "web")[n % 3],
                    consent_at=START,
                    wijk=("Oosterwijk-Noord", "Oosterwijk-Zuid")[n % 2] if n % 9 else None,
                    age_band=("18-29", "30-44", "45-64", "65+")[rng.randrange(4)],
                    created_at=START,
                )
                .returning(t.residents.c.id)
            )
        )
    return ids


async def _ideas(conn, round_id: int, people: list[int]) -> list[tuple[int, str]]:
    made = []
    for n, (text, theme) in enumerate(IDEAS):
        idea = await conn.scalar(
            t.ideas.insert()
            .values(
                round_id=round_id,
                resident_id=people[n],
                text=text,
                status="approved",
                created_at=START + timedelta(hours=n),
            )
            .returning(t.ideas.c.id)
        )
        theme_id = await conn.scalar(
            sa.select(t.themes.c.id).where(
                t.themes.c.round_id == round_id, t.themes.c.name == theme
            )
        )
        if theme_id is None:
            theme_id = await conn.scalar(
                t.themes.insert()
                .values(round_id=round_id, name=theme, created_at=START)
                .returning(t.themes.c.id)
            )
        await conn.execute(t.idea_themes.insert().values(idea_id=idea, theme_id=theme_id))
        made.append((idea, text))
    return made


async def _ratings(conn, round_id: int, people: list[int], rng: random.Random) -> None:
    query = sa.select(t.items.c.id).where(t.items.c.round_id == round_id).order_by(t.items.c.id)
    items = list(await conn.scalars(query))
    rows = []
    for resident in people:  # each rates six items: the first ones more often
        chosen = sorted(items, key=lambda i: rng.random() * (1 if items.index(i) < 6 else 2))
        for item in chosen[:6]:
            rank = items.index(item) % 8
            for criterion in (0, 1):
                base = 5 - rank * 0.4 if criterion == 0 else 2 + rank * 0.4
                score = min(5, max(1, round(base + rng.uniform(-1.5, 1.5))))
                rows.append(
                    {"round_id": round_id, "item_id": item, "resident_id": resident,
                     "criterion": criterion, "score": score}
                )  # fmt: skip
    await conn.execute(t.ratings.insert(), rows)


async def _votes(conn, round_id: int, people: list[int], rng: random.Random) -> None:
    statements = list(
        await conn.scalars(sa.select(t.items.c.id).where(t.items.c.round_id == round_id))
    )
    rows = []
    for n, resident in enumerate(people):
        camp = 1 if n % 3 else -1  # two camps: green first, and houses first
        for s, item in enumerate(statements):
            value = camp if s % 2 == 0 else (1 if rng.random() < 0.7 else 0)
            if rng.random() < 0.15:
                value = -value
            rows.append(
                {"round_id": round_id, "item_id": item, "resident_id": resident, "value": value}
            )
    await conn.execute(t.votes.insert(), rows)


async def _feedback(conn, round_id: int, people: list[int], rng: random.Random) -> None:
    rows = []
    for n, resident in enumerate(people[:30]):
        text = COMMENTS[n // 6] if n % 6 == 0 else ""
        rows.append(
            {"round_id": round_id, "resident_id": resident, "score": rng.randint(5, 9),
             "text": text, "status": "approved" if text else "new"}
        )  # fmt: skip
    await conn.execute(t.feedback.insert(), rows)
