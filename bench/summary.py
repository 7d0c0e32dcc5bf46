"""Benchmark the summary page and the dashboard on a large project.

Run from the repository root: ``python bench/summary.py [--runs 40] [--postgres URL]``.
Builds a project with 10,000 ideas (each a rating item) and 100,000 ratings (5,000 residents
x 10 items x 2 criteria), publishes it, and times full HTTP requests through the ASGI app
(routing, SQL, template, SVG): p50 and p95 of ``--runs`` requests per page, and the ratio of
the p50 to a baseline measured in the same run (``/healthz``: one ``SELECT 1`` round trip).
Target: summary and dashboard p50 < 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.settings import Settings  # noqa: E402
from core.domain import commands as c  # noqa: E402
from core.services import accounts  # noqa: E402
from core.services.project_file import import_project, parse_project_file  # noqa: E402
from core.storage import tables as t  # noqa: E402
from core.storage.db import create_all  # noqa: E402
from core.storage.tables import metadata  # noqa: E402
from inspraak.bootstrap import Container, bootstrap  # noqa: E402
from web.app import create_app  # noqa: E402
from web.deps import SESSION_COOKIE  # noqa: E402

IDEAS = 10_000
RESIDENTS = 5_000
PER_RESIDENT = 10  # items rated per resident, on two criteria: 100,000 ratings
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)

PROJECT = """
[project]
code = "BENCH"
title = "Benchmark"
organisation = "gemeente-bench"
moderation = "post"

[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat wil je?"
state = "open"

[[rounds]]
key = "beoordelen"
kind = "rating"
question = "Hoe belangrijk en haalbaar?"
items_from = "ideeen"
criteria = ["Belang", "Haalbaarheid"]
state = "open"

[[rounds]]
key = "stellingen"
kind = "statements"
question = "Eens?"
statements = ["Een", "Twee", "Drie", "Vier", "Vijf"]
state = "open"

[[rounds]]
key = "reactie"
kind = "feedback"
question = "Cijfer?"
scale = [1, 10]
state = "open"
"""


async def build(container: Container) -> str:
    """Fill the database; return a session token for a facilitator."""
    rng = random.Random(7)
    async with container.uow() as uow:
        project, _ = await import_project(uow, parse_project_file(PROJECT))
        rounds = {r.key: r for r in await uow.projects.rounds(project.id or 0)}
        await uow.commit()
    pid = project.id
    ideas_id, rating_id = rounds["ideeen"].id, rounds["beoordelen"].id
    stat_id, fb_id = rounds["stellingen"].id, rounds["reactie"].id
    async with container.engine.begin() as conn:
        await conn.execute(
            t.residents.insert(),
            [
                {
                    "pseudonym": f"p{i}",
                    "project_id": pid,
                    "channel": ("web", "telegram")[i % 2],
                    "consent_at": NOW,
                    "language": "nl",
                    "status": "active",
                    "wijk": f"wijk-{i % 7}",
                    "age_band": ("18-29", "30-44", "45-64")[i % 3],
                    "created_at": NOW,
                }
                for i in range(RESIDENTS)
            ],  # fmt: skip
        )
        first = await conn.scalar(sa.select(sa.func.min(t.residents.c.id)))
        residents = list(range(first, first + RESIDENTS))
        await conn.execute(
            t.ideas.insert(),
            [
                {
                    "round_id": ideas_id,
                    "resident_id": residents[i % RESIDENTS],
                    "text": f"Idee nummer {i}: meer groen in straat {i % 300}",
                    "status": "approved",
                    "created_at": NOW + timedelta(seconds=i),
                }
                for i in range(IDEAS)
            ],  # fmt: skip
        )
        idea_rows = (await conn.execute(sa.select(t.ideas.c.id, t.ideas.c.text))).all()
        await conn.execute(
            t.items.insert(),
            [
                {
                    "round_id": rating_id,
                    "text": text,
                    "position": 0,
                    "idea_id": idea_id,
                    "active": True,
                }
                for idea_id, text in idea_rows
            ],  # fmt: skip
        )
        items = list(
            await conn.scalars(sa.select(t.items.c.id).where(t.items.c.round_id == rating_id))
        )
        ratings = []
        for resident in residents:
            for item in rng.sample(items, PER_RESIDENT):
                for criterion in (0, 1):
                    ratings.append(
                        {"round_id": rating_id, "item_id": item, "resident_id": resident,
                         "criterion": criterion, "score": rng.randint(1, 5), "created_at": NOW}
                    )  # fmt: skip
        for start in range(0, len(ratings), 20_000):
            await conn.execute(t.ratings.insert(), ratings[start : start + 20_000])
        statements = list(
            await conn.scalars(sa.select(t.items.c.id).where(t.items.c.round_id == stat_id))
        )
        await conn.execute(
            t.votes.insert(),
            [
                {
                    "round_id": stat_id,
                    "item_id": s,
                    "resident_id": r,
                    "value": rng.choice((1, -1, 0)),
                    "created_at": NOW,
                }
                for r in residents[:2000]
                for s in statements
            ],  # fmt: skip
        )
        await conn.execute(
            t.feedback.insert(),
            [
                {
                    "round_id": fb_id,
                    "resident_id": r,
                    "score": rng.randint(1, 10),
                    "text": f"Opmerking {r}" if r % 5 == 0 else "",
                    "status": "new",
                    "created_at": NOW,
                }
                for r in residents[:3000]
            ],  # fmt: skip
        )
        await conn.execute(
            t.round_progress.insert(),
            [
                {
                    "round_id": rid,
                    "resident_id": r,
                    "started_at": NOW,
                    "finished_at": NOW if r % 2 else None,
                }
                for rid in (ideas_id, rating_id)
                for r in residents
            ],  # fmt: skip
        )
    for rid in (ideas_id, rating_id, stat_id, fb_id):
        await container.bus.handle(c.PublishResults(rid))
    async with container.uow() as uow:
        user, _ = await accounts.create_user(uow, "bench@x.nl", "facilitator", "gemeente-bench")
        await uow.conn.execute(
            t.users.update().where(t.users.c.id == user.id).values(must_change_password=False)
        )
        token = await accounts.start_session(uow, user.id or 0)
        await uow.commit()
    return token


async def measure(client: httpx.AsyncClient, path: str, runs: int) -> list[float]:
    await client.get(path)  # warm up caches and templates
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = await client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def main(runs: int, postgres: str | None) -> None:
    folder = tempfile.mkdtemp(prefix="inspraak-bench-")
    url = postgres or f"sqlite+aiosqlite:///{folder}/bench.db"
    settings = Settings(
        database_url=url, secret_key="bench-" + "x" * 40, data_dir=Path(folder), _env_file=None
    )  # type: ignore[call-arg]
    container = bootstrap(settings, clock=lambda: NOW)
    if postgres:
        async with container.engine.begin() as conn:
            await conn.run_sync(metadata.drop_all)
    await create_all(container.engine)
    started = time.perf_counter()
    token = await build(container)
    print(
        f"database: {container.engine.dialect.name}; "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    app = create_app(container)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", cookies={SESSION_COOKIE: token}
    ) as client:
        pages = {
            "baseline /healthz": "/healthz",
            "summary /p/BENCH": "/p/BENCH",
            "dashboard": "/manage/projects/BENCH",
            "dashboard (HTMX part)": "/manage/projects/BENCH/live",
        }
        results = {name: await measure(client, path, runs) for name, path in pages.items()}
    base = statistics.median(results["baseline /healthz"])
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'p50/baseline':>13}")
    for name, times in results.items():
        p50 = statistics.median(times)
        print(f"{name:28} {p50:8.1f} {p95(times):8.1f} {p50 / base:13.1f}")
    await container.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--postgres", help="PostgreSQL URL to use instead of SQLite (wiped!)")
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.postgres))
