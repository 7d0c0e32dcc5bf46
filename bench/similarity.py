"""Measure the similar-ideas engine: quality on the labelled set, speed at 10,000 ideas.

    python bench/similarity.py [--runs 5] [--size 10000] [--no-encoder] [--skip-speed]

Quality, on tests/fixtures/ideas/labelled.csv (ideas written as residents write, each with the
group of the proposal it states and, for opposite proposals, the group it contradicts):

- adjusted Rand index of ``clusters()`` against the groups (singletons are groups of one), at
  several strictnesses; the default strictness is the figure that counts (target >= 0.80);
- right idea offered: for every idea whose group has another member, an index of all *other*
  ideas is asked ``similar(text, k=3)``; a hit when one of the offers is of the same group
  (target >= 85 %);
- opposite offered: for every idea with a contrast group, how often an offer is of that group
  (target <= 5 %).

Each is printed for the whole set and for the two halves of its groups: the engine's constants
were chosen on the first half (``tuning``), the second (``check``) shows how they carry over to
proposals they were not tuned on. ``fresh`` is tests/fixtures/ideas/fresh.csv: groups written
after the engine was tuned (typos, dialect, short texts, emoji, English), never tuned on.

Speed, with and without the encoder: an index of ``--size`` generated ideas (built once,
timed), then 200 new ideas each asked ``similar()`` against it, and 50 ideas each added with
``add()`` after it; p50 and p99 per run, the medians of ``--runs`` runs (target p99 <= 50 ms).
Also ``clusters()`` over 2,000 ideas. Then the same through ``SimilarIdeas``, the per-round
cache the chat uses, on a temporary SQLite database with a round of ``--size`` approved ideas:
``similar()`` including the pool key query, and ``similar()`` right after a new idea arrived
(the pool read again and the idea added to the index).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import shutil
import statistics
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import percentile  # noqa: E402
from core.analysis.similarity import (  # noqa: E402
    DEFAULT_STRICTNESS,
    Encoder,
    SimilarityIndex,
)
from core.analysis.similarity_encoder import bundled_encoder  # noqa: E402

if TYPE_CHECKING:
    from inspraak.bootstrap import Container

LABELLED = ROOT / "tests" / "fixtures" / "ideas" / "labelled.csv"
FRESH = ROOT / "tests" / "fixtures" / "ideas" / "fresh.csv"
STRICTNESSES = (0.25, DEFAULT_STRICTNESS, 0.75)


def read_labelled(path: Path = LABELLED) -> list[dict[str, str]]:
    """The labelled ideas: text, group, contrast_of."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def half_of(group: str, contrast_of: str) -> int:
    """0 for the tuning half, 1 for the check half; a contrast pair stays together."""
    pair = min(group, contrast_of) if contrast_of else group
    return zlib.crc32(pair.encode()) % 2


def remembering(encoder: Encoder | None) -> Encoder | None:
    """The encoder, remembering what it has encoded (the leave-one-out indexes repeat texts)."""
    if encoder is None:
        return None
    seen: dict[str, np.ndarray] = {}

    def encode(texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in seen]
        if missing:
            seen.update(zip(missing, encoder(missing), strict=True))
        return np.stack([seen[t] for t in texts]) if texts else np.zeros((0, 512))

    return encode


def adjusted_rand(rows: list[dict[str, str]], encoder: Encoder | None, strictness: float) -> float:
    index = SimilarityIndex(encoder)
    index.add_many(enumerate(row["text"] for row in rows))
    label = {i: n for n, cluster in enumerate(index.clusters(strictness)) for i in cluster}
    found = [label[i] for i in range(len(rows))]
    return float(adjusted_rand_score([r["group"] for r in rows], found))


def offers(rows: list[dict[str, str]], encoder: Encoder | None) -> tuple[float, float, int, int]:
    """Share of variants offered their own proposal, and share offered the opposite one."""
    size = Counter(row["group"] for row in rows)
    right = variants = wrong = contrasted = 0
    for i, row in enumerate(rows):
        if size[row["group"]] < 2 and not row["contrast_of"]:
            continue
        index = SimilarityIndex(encoder)
        index.add_many((j, other["text"]) for j, other in enumerate(rows) if j != i)
        offered = {rows[j]["group"] for j, _ in index.similar(row["text"], k=3)}
        if size[row["group"]] >= 2:
            variants += 1
            right += row["group"] in offered
        if row["contrast_of"]:
            contrasted += 1
            wrong += row["contrast_of"] in offered
    return right / variants, wrong / max(contrasted, 1), variants, contrasted


def quality(
    rows: list[dict[str, str]], fresh: list[dict[str, str]], encoder: Encoder | None
) -> None:
    parts = {
        "whole set": rows,
        "tuning half": [r for r in rows if half_of(r["group"], r["contrast_of"]) == 0],
        "check half": [r for r in rows if half_of(r["group"], r["contrast_of"]) == 1],
        "fresh part (never tuned on)": fresh,
    }
    for name, part in parts.items():
        groups = Counter(r["group"] for r in part)
        print(
            f"\n{name}: {len(part)} ideas, {sum(n > 1 for n in groups.values())} groups, "
            f"{sum(n == 1 for n in groups.values())} singletons"
        )
        for strictness in STRICTNESSES:
            mark = "  <- default" if strictness == DEFAULT_STRICTNESS else ""
            ari = adjusted_rand(part, encoder, strictness)
            print(f"  adjusted Rand at strictness {strictness:.2f}: {ari:.3f}{mark}")
        right, wrong, variants, contrasted = offers(part, encoder)
        print(f"  right idea offered (top 3): {right:.1%} of {variants} variants")
        print(f"  opposite proposal offered:  {wrong:.1%} of {contrasted} ideas with an opposite")


def generated_ideas(rows: list[dict[str, str]], count: int, seed: int) -> list[str]:
    """``count`` distinct idea-like texts made from the labelled ideas' words and place names."""
    rng = random.Random(seed)
    words = [w for row in rows for w in row["text"].split()]
    places = ["Lindelaan", "Dorpsstraat", "Meerzicht", "Vogelbuurt", "Stadspark", "Parklaan"]
    texts: set[str] = set()
    while len(texts) < count:
        body = " ".join(rng.choice(words) for _ in range(rng.randint(3, 14)))
        texts.add(f"{body} {rng.choice(places)} {rng.randint(1, 99)}")
    return sorted(texts)


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    return percentile(times, 50) * 1000, percentile(times, 99) * 1000


def medians(runs: list[tuple[float, float]]) -> str:
    p50 = statistics.median(p for p, _ in runs)
    p99 = statistics.median(p for _, p in runs)
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (medians of {len(runs)} runs)"


def speed(rows: list[dict[str, str]], encoder: Encoder | None, size: int, runs: int) -> None:
    ideas = generated_ideas(rows, size, seed=15)
    start = time.perf_counter()
    index = SimilarityIndex(encoder)
    index.add_many(enumerate(ideas))
    print(f"  index of {size:,} ideas built in {time.perf_counter() - start:.1f} s")
    queries = generated_ideas(rows, 200, seed=16)
    index.similar(queries[0])  # warm up
    asked, added = [], []
    for run in range(runs):
        times = []
        for text in queries:
            start = time.perf_counter()
            index.similar(text, k=3)
            times.append(time.perf_counter() - start)
        asked.append(percentiles(times))
        times = []
        for n, text in enumerate(queries[:50]):
            start = time.perf_counter()
            index.add(size + run * 50 + n, text)
            times.append(time.perf_counter() - start)
        added.append(percentiles(times))
    print(f"  similar() against {size:,}, 200 queries a run: {medians(asked)}")
    print(f"  add() of one idea to {size:,}, 50 a run:       {medians(added)}")
    small = SimilarityIndex(encoder)
    small.add_many(enumerate(ideas[:2000]))
    start = time.perf_counter()
    small.clusters()
    print(f"  clusters() over 2,000 ideas: {time.perf_counter() - start:.1f} s")


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
"""


async def fill_round(container: Container, ideas: list[str]) -> tuple[int, int]:
    """A project with one ideas round holding ``ideas``, approved; returns (round, resident)."""
    from core.services.project_file import import_project, parse_project_file
    from core.storage import tables as t

    async with container.uow() as uow:
        project, _ = await import_project(uow, parse_project_file(PROJECT))
        rounds = await uow.projects.rounds(project.id or 0)
        await uow.commit()
    now = datetime.now(UTC)
    async with container.engine.begin() as conn:
        resident = (
            await conn.execute(
                t.residents.insert().values(
                    pseudonym="p", project_id=project.id, channel="web", consent_at=now
                )
            )
        ).inserted_primary_key[0]
        await conn.execute(
            t.ideas.insert(),
            [
                {
                    "round_id": rounds[0].id,
                    "resident_id": resident,
                    "text": text,
                    "status": "approved",
                    "created_at": now,
                }
                for text in ideas
            ],  # fmt: skip
        )
    return rounds[0].id or 0, int(resident)


async def through_the_cache(
    rows: list[dict[str, str]], encoder: bool, size: int, runs: int
) -> None:
    """``SimilarIdeas.similar()`` on a SQLite round of ``size`` ideas, as the chat asks it."""
    from config.settings import Settings
    from core.services.similar_ideas import SimilarIdeas
    from core.storage import tables as t
    from core.storage.db import create_all
    from inspraak.bootstrap import bootstrap

    folder = tempfile.mkdtemp(prefix="inspraak-bench-")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder}/bench.db",
        secret_key="bench-" + "x" * 40,
        data_dir=Path(folder),
        _env_file=None,  # type: ignore[call-arg]
    )
    container = bootstrap(settings, channels=False)
    await create_all(container.engine)
    round_id, resident = await fill_round(container, generated_ideas(rows, size, seed=15))
    similar = SimilarIdeas(encoder=encoder)
    queries = generated_ideas(rows, 200, seed=16)

    async def ask(text: str) -> float:
        start = time.perf_counter()
        async with container.reading() as uow:
            await similar.similar(uow, round_id, text)
        return time.perf_counter() - start

    first = await ask(queries[0])
    print(f"  first call (reads the round, builds its index): {first:.1f} s")
    asked, after_new = [], []
    for run in range(runs):
        asked.append(percentiles([await ask(text) for text in queries]))
        times = []
        for n, text in enumerate(queries[:30]):
            async with container.engine.begin() as conn:
                await conn.execute(
                    t.ideas.insert().values(
                        round_id=round_id, resident_id=resident, text=f"{text} {run}.{n}",
                        status="approved", created_at=datetime.now(UTC),
                    )
                )  # fmt: skip
            times.append(await ask(text))
        after_new.append(percentiles(times))
    print(f"  similar() with the pool key query, 200 a run:   {medians(asked)}")
    print(f"  similar() right after a new idea, 30 a run:     {medians(after_new)}")
    await container.close()
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--no-encoder", action="store_true", help="lexical and synonyms only")
    parser.add_argument("--skip-speed", action="store_true", help="quality figures only")
    args = parser.parse_args()
    encoder = None if args.no_encoder else bundled_encoder(threads=1)
    print(f"sentence encoder: {'none' if encoder is None else 'multilingual USE v3 (numpy)'}")
    rows = read_labelled()
    with threadpool_limits(limits=1):
        quality(rows, read_labelled(FRESH), remembering(encoder))
        if args.skip_speed:
            return
        for name, used in (("with the encoder", encoder), ("without the encoder", None)):
            if name.startswith("with ") and used is None:
                continue
            print(f"\nspeed {name}:")
            speed(rows, used, args.size, args.runs)
            print(f"through SimilarIdeas on SQLite ({name}):")
            asyncio.run(through_the_cache(rows, used is not None, args.size, args.runs))


if __name__ == "__main__":
    main()
