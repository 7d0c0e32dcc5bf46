"""Benchmark the opinion analysis against red-dwarf, and ``import-polis`` into SQLite.

Run from the repository root: ``python bench/analysis.py``. For each data set it prints the
median of five runs of reading the Pol.is CSVs, of importing the folder into a fresh SQLite
database (what ``inspraak import-polis`` does: read, check, bulk insert, commit), of our analysis
and of red-dwarf's pipeline on the same votes, and the ratio ours / red-dwarf (below 1 means we
are faster).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import median_seconds  # noqa: E402
from core.analysis.polis import analyse  # noqa: E402
from core.services.polis.files import (  # noqa: E402
    PolisConversation,
    PolisStatement,
    PolisVote,
    read_conversation,
)
from core.services.polis.transfer import import_conversation, read_folder  # noqa: E402
from core.services.polis.writing import write_conversation  # noqa: E402
from core.storage.database import Database  # noqa: E402
from core.storage.db import create_all, create_engine  # noqa: E402
from core.storage.uow import UnitOfWork  # noqa: E402

RUNS = 5
SHARED = Path("/work/shared/data/polis")
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "polis"


def synthetic_round(
    residents: int = 2000,
    statements: int = 500,
    groups: int = 4,
    density: float = 0.3,
    seed: int = 20240501,
) -> PolisConversation:
    """A seeded round with a few latent opinion groups and ~30 % of votes cast."""
    rng = np.random.default_rng(seed)
    leaning = rng.uniform(0.05, 0.95, size=(groups, statements))
    member_of = rng.integers(0, groups, size=residents)
    cast = rng.random((residents, statements)) < density
    draw = rng.random((residents, statements))
    pass_rate = 0.1
    votes = []
    base = 1_700_000_000_000
    for i, j in zip(*np.nonzero(cast), strict=True):
        p_agree = leaning[member_of[i], j] * (1 - pass_rate)
        u = draw[i, j]
        value = 1 if u < p_agree else (0 if u < p_agree + pass_rate else -1)
        votes.append(PolisVote(str(i), str(j), value, base + int(i) * 1000 + int(j)))
    items = tuple(
        PolisStatement(
            id=str(j), text=f"Statement {j}", moderated=1, author_id="0", timestamp=base
        )
        for j in range(statements)
    )
    return PolisConversation(statements=items, moderated_out=(), votes=tuple(votes))


def red_dwarf_runner(conversation: PolisConversation) -> Callable[[], object] | None:
    """Build a red-dwarf call on the same votes, or ``None`` when it is not installed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from reddwarf.implementations.polis import run_pipeline
    except ImportError:
        return None
    votes = [
        {
            "participant_id": int(v.voter_id),
            "statement_id": int(v.statement_id),
            "vote": v.value,
            "modified": v.timestamp,
        }
        for v in conversation.votes
    ]
    mod_out = [int(s) for s in conversation.moderated_out_ids]

    def run() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0)

    return run


def import_once(folder: Path) -> None:
    """Read a folder and import it into a new SQLite database, as ``import-polis`` does."""

    async def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            engine = create_engine(f"sqlite+aiosqlite:///{tmp}/bench.db")
            await create_all(engine)
            conversation, first = read_folder(folder)
            async with UnitOfWork(Database(engine)) as uow:
                await import_conversation(
                    uow, conversation, first, code="BENCH", secret_key="bench-" * 8
                )
                await uow.commit()
            await engine.dispose()

    asyncio.run(run())


def bench(name: str, folder: Path) -> None:
    """Print one line of figures for the conversation in ``folder``."""
    read = median_seconds(lambda: read_conversation(folder), RUNS)
    imported = median_seconds(lambda: import_once(folder), RUNS)
    conversation = read_conversation(folder)
    triples = conversation.vote_triples()
    ours = median_seconds(
        lambda: analyse(triples, conversation.statement_ids, conversation.moderated_out_ids), RUNS
    )
    runner = red_dwarf_runner(conversation)
    theirs = median_seconds(runner, RUNS) if runner else float("nan")
    print(
        f"{name:<30} votes {len(triples):>7,}  read {read * 1000:8.1f} ms  "
        f"import {imported * 1000:8.1f} ms  "
        f"ours {ours * 1000:8.1f} ms  red-dwarf {theirs * 1000:8.1f} ms  "
        f"ours/red-dwarf {ours / theirs:5.2f}"
    )


def main() -> None:
    """Benchmark both shared conversations and a synthetic 2,000 x 500 round."""
    source = SHARED if SHARED.exists() else FIXTURES
    print(f"median of {RUNS} runs; data from {source}")
    for name in ("brexit-consensus", "scoop-hivemind.biodiversity"):
        bench(name, source / name)
    with tempfile.TemporaryDirectory() as tmp:
        write_conversation(Path(tmp), synthetic_round())
        bench("synthetic 2000x500 @30%", Path(tmp))


if __name__ == "__main__":
    main()
