"""Benchmark the organise page of an ideas round with 5,000 ideas.

Run from the repository root: ``python bench/organise.py [--runs 5] [--requests 20]``.

Builds a round of ``--ideas`` realistic Dutch ideas (variants of the labelled set in
tests/fixtures/ideas/labelled.csv: other streets, politeness, typos, emoji, case), most approved,
some waiting and some held back for personal details, each approved one a rating item. Then times
full HTTP requests through the ASGI app (routing, SQL, clustering cache, template):

- the first view (it says the groups are being computed) and the time until they are there
  (the round is indexed and clustered once, in the background: seconds);
- the page as it opens (no filter, default grouping, first page): ``--requests`` requests per
  run, p50 and p99 per run, and the median of ``--runs`` runs (target p50 < 300 ms);
- a search, and the second page of groups;
- after actions (merging a suggested group, rejecting ideas, undo): the action itself and the
  first view after it, which must not cluster again.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import percentile  # noqa: E402
from config.settings import Settings  # noqa: E402
from core.analysis.similarity import SimilarityIndex  # noqa: E402
from core.services import accounts  # noqa: E402
from core.services.project_file import import_project, parse_project_file  # noqa: E402
from core.storage import tables as t  # noqa: E402
from core.storage.db import create_all  # noqa: E402
from inspraak.bootstrap import Container, bootstrap  # noqa: E402
from web.app import create_app  # noqa: E402
from web.deps import SESSION_COOKIE  # noqa: E402

CLUSTERINGS: list[float] = []  # every time a round's ideas are clustered (the slow part)
LABELLED = ROOT / "tests" / "fixtures" / "ideas" / "labelled.csv"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
URL = "/manage/projects/BENCH/rounds/ideeen/ordenen"
PROJECT = """
[project]
code = "BENCH"
title = "Benchmark ordenen"
organisation = "gemeente-bench"
moderation = "post"

[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat kan er beter in de wijk?"
state = "open"

[[rounds]]
key = "beoordelen"
kind = "rating"
question = "Hoe belangrijk?"
items_from = "ideeen"
state = "draft"
"""
STREETS = [
    "Lindelaan",
    "Kerkstraat",
    "Dorpsstraat",
    "Molenweg",
    "Stationsplein",
    "Parklaan",
    "Beukenlaan",
]
STREETS += ["Schoolstraat", "Marktplein", "Havenkade", "Julianastraat", "Esdoorn"]
BEFORE = [
    "",
    "",
    "",
    "Graag ",
    "Ik zou willen: ",
    "Mijn idee: ",
    "Alsjeblieft ",
    "Zou fijn zijn: ",
]
AFTER = ["", "", "", "!", " aub", " 🙏", " graag", " in onze buurt", " bij de school", "."]


def variant(text: str, rng: random.Random) -> str:
    """A resident's way of writing the same: another street, politeness, a typo, the case."""
    words = text.split()
    for n, word in enumerate(words):
        if word.strip(",.!") in STREETS and rng.random() < 0.7:
            words[n] = rng.choice(STREETS)
    if len(words) > 3 and rng.random() < 0.2:  # a typo: two letters swapped
        n = rng.randrange(len(words))
        w = words[n]
        if len(w) > 3:
            i = rng.randrange(len(w) - 1)
            words[n] = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    out = rng.choice(BEFORE) + " ".join(words) + rng.choice(AFTER)
    return out.lower() if rng.random() < 0.2 else out


async def build(container: Container, ideas: int) -> str:
    """Fill the database; return a facilitator's session token."""
    rng = random.Random(15)
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        seeds = [row["text"] for row in csv.DictReader(handle)]
    async with container.uow() as uow:
        project, _ = await import_project(uow, parse_project_file(PROJECT))
        rounds = {r.key: r for r in await uow.projects.rounds(project.id or 0)}
        await uow.commit()
    residents_n = ideas * 3 // 5
    async with container.engine.begin() as conn:
        await conn.execute(
            t.residents.insert(),
            [{"pseudonym": f"p{i}", "project_id": project.id, "channel": "web",
              "consent_at": NOW, "language": "nl", "status": "active", "created_at": NOW}
             for i in range(residents_n)],
        )  # fmt: skip
        first = int(await conn.scalar(sa.select(sa.func.min(t.residents.c.id))) or 0)
        rows = []
        for i in range(ideas):
            status, flags = "approved", []
            if i % 50 == 7:
                status = "new"  # waiting
            if i % 100 == 13:
                status, flags = "new", ["phone"]  # held back
            text = variant(rng.choice(seeds), rng)
            if flags:
                text += " bel me 0612345678"
            rows.append({"round_id": rounds["ideeen"].id, "resident_id": first + i % residents_n,
                         "text": text, "status": status, "flags": flags,
                         "created_at": NOW + timedelta(seconds=i)})  # fmt: skip
        await conn.execute(t.ideas.insert(), rows)
        approved = await conn.execute(
            sa.select(t.ideas.c.id, t.ideas.c.text).where(t.ideas.c.status == "approved")
        )
        await conn.execute(
            t.items.insert(),
            [{"round_id": rounds["beoordelen"].id, "text": text, "position": 0, "idea_id": i,
              "active": True} for i, text in approved],
        )  # fmt: skip
    async with container.uow() as uow:
        user, _ = await accounts.create_user(uow, "bench@x.nl", "facilitator", "gemeente-bench")
        await uow.conn.execute(
            t.users.update().where(t.users.c.id == user.id).values(must_change_password=False)
        )
        token = await accounts.start_session(uow, user.id or 0)
        await uow.commit()
    return token


async def timed(client: httpx.AsyncClient, method: str, path: str, **kw: object) -> tuple:
    start = time.perf_counter()
    response = await client.request(method, path, **kw)  # type: ignore[arg-type]
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code in (200, 303), (path, response.status_code, response.text[:300])
    return elapsed, response


async def runs_of(client: httpx.AsyncClient, path: str, runs: int, requests: int) -> tuple:
    p50s, p99s = [], []
    for _ in range(runs):
        times = [(await timed(client, "GET", path))[0] for _ in range(requests)]
        p50s.append(statistics.median(times))
        p99s.append(percentile(times, 99))
    return statistics.median(p50s), statistics.median(p99s), p50s


async def actions(client: httpx.AsyncClient, token: str) -> None:
    """Merge a suggested group, reject ideas, undo: each action, then the first view after."""
    html = (await client.get(URL)).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    block = re.search(r'<form id="(g\d+)".*?</form>', html, re.S)
    assert block, "no suggested group on the page"
    ids = re.findall(r'name="ids" value="(\d+)"', block.group(0))
    hx = {"HX-Request": "true"}
    merge = {"csrf": csrf, "action": "merge", "block": block.group(1), "kind": "cluster",
             "ids": ids, "shown": ids, "wording_from": ids[0], "confirm": "1"}  # fmt: skip
    waiting = re.search(r'<form id="waiting".*?</form>', html, re.S)
    assert waiting
    rejects = re.findall(r'name="ids" value="(\d+)" id="waiting-i\d+" checked', waiting.group(0))
    reject = {"csrf": csrf, "action": "reject", "block": "waiting", "kind": "waiting",
              "ids": rejects[:5], "shown": rejects[:5], "confirm": "1"}  # fmt: skip
    approve = {**reject, "action": "approve", "ids": rejects[5:10], "shown": rejects[5:10]}
    print(f"\n{'after an action':42} {'action ms':>10} {'next view ms':>13}")
    steps = (
        (f"merge a group of {len(ids)}", merge),
        ("approve 5 waiting ideas (new in the index)", approve),
        ("reject 5 waiting ideas", reject),
    )
    for name, data in steps:
        spent, _ = await timed(client, "POST", f"{URL}/ideeen", data=data, headers=hx)
        view, _ = await timed(client, "GET", URL)
        print(f"{name:42} {spent:10.1f} {view:13.1f}")
    html = (await client.get(URL)).text
    action = re.search(r'name="action_id" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    spent, _ = await timed(
        client, "POST", f"{URL}/herstel", data={"csrf": csrf, "action_id": action}
    )
    view, _ = await timed(client, "GET", URL)
    print(f"{'undo the rejection':42} {spent:10.1f} {view:13.1f}")
    print(f"clusterings of the round so far: {len(CLUSTERINGS)} (the first view only)")


def count_clusterings() -> None:
    clusters = SimilarityIndex.clusters

    def counted(self: SimilarityIndex, strictness: float = 0.5) -> list[list[int]]:
        CLUSTERINGS.append(strictness)
        return clusters(self, strictness)

    SimilarityIndex.clusters = counted  # type: ignore[method-assign]


async def main(ideas: int, runs: int, requests: int, encoder: bool) -> None:
    count_clusterings()
    folder = tempfile.mkdtemp(prefix="inspraak-bench-organise-")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder}/bench.db",
        secret_key="bench-" + "x" * 40,
        data_dir=Path(folder),
        similarity_encoder=encoder,
        _env_file=None,  # type: ignore[call-arg]
    )
    container = bootstrap(settings, clock=lambda: NOW)
    await create_all(container.engine)
    started = time.perf_counter()
    token = await build(container, ideas)
    print(f"{ideas} ideas built in {time.perf_counter() - started:.1f} s; encoder: {encoder}")
    app = create_app(container)
    transport = httpx.ASGITransport(app=app)
    cookies = {SESSION_COOKIE: token}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://b", cookies=cookies
    ) as client:
        start = time.perf_counter()
        first, response = await timed(client, "GET", URL)
        while "worden berekend" in response.text:  # the page said so; HTMX would ask again
            await asyncio.sleep(0.2)
            response = (await timed(client, "GET", URL))[1]
        ready = (time.perf_counter() - start) * 1000
        print(f"first view: {first:.0f} ms (the groups being computed in the background)")
        print(f"groups ready (the round indexed and clustered once): {ready:.0f} ms")
        print(f"\n{'page':42} {'p50 ms':>8} {'p99 ms':>8}   p50 per run")
        for name, path in (
            ("organise page (default, first page)", URL),
            ("search 'bomen'", f"{URL}?q=bomen"),
            ("groups, page 2", f"{URL}?pagina=2"),
        ):
            p50, worst, per_run = await runs_of(client, path, runs, requests)
            shown = " ".join(f"{v:.0f}" for v in per_run)
            print(f"{name:42} {p50:8.1f} {worst:8.1f}   {shown}")
        start = time.perf_counter()
        gc.collect()  # what the p99 outliers are made of: the process's many live objects
        print(f"one full garbage collection: {(time.perf_counter() - start) * 1000:.0f} ms")
        await actions(client, token)
        p50, worst, _ = await runs_of(client, URL, runs, requests)
        print(f"\n{'organise page after the actions':42} {p50:8.1f} {worst:8.1f}")
    print(f"index builds: {container.similar_ideas.builds}")
    await container.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--no-encoder", action="store_true", help="lexical similarity only")
    args = parser.parse_args()
    asyncio.run(main(args.ideas, args.runs, args.requests, not args.no_encoder))
