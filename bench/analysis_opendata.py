"""Our opinion groups and red-dwarf's against Pol.is's own, on the whole Pol.is open data set.

Usage, from the repository root::

    python bench/analysis_opendata.py [DATA] [--runs N] [--processes [--process-runs N]]
                                          [--only NAME ...]

``DATA`` is a checkout of compdemocracy's openData repository or a bare mirror of it (default:
``$INSPRAAK_POLIS_OPENDATA``, else ``/work/.mirror/compdemocracy+openData/repo``); it is read at
run time and never copied into this repository (see bench/opendata.py).

For every conversation it prints a row: voters, statements, the groups Pol.is exported, then for
ours and for red-dwarf (0.4, ``run_pipeline(random_state=0)``, a Python port of Pol.is's math)
the number of groups and the adjusted Rand index against Pol.is's ``group-id``, over the
participants Pol.is clustered that the method clustered too (``cover`` is their share of those
Pol.is clustered), and the median in-process time of each analysis.

With ``--processes`` it also times whole processes, start-up included, side by side and
interleaved: ``inspraak analyse`` on a SQLite database the conversation was imported into
beforehand, against a Python process that reads ``votes.csv`` with the standard library, runs
red-dwarf's pipeline and prints its groups as JSON (red-dwarf reads exports only over HTTP).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis import red_dwarf_runner  # noqa: E402
from opendata import OpenConversation, conversations, data_folder  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

from bench.figures import median_seconds  # noqa: E402
from core.analysis.polis import AnalysisResult, analyse  # noqa: E402

MIRROR = Path("/work/.mirror/compdemocracy+openData/repo")


def ours(conv: OpenConversation) -> AnalysisResult:
    """Run our analysis on the conversation's latest votes."""
    c = conv.conversation
    return analyse(c.vote_triples(), c.statement_ids, c.moderated_out_ids)


def red_dwarf(conv: OpenConversation) -> Any:
    """Run red-dwarf's Pol.is pipeline on the same votes."""
    run = red_dwarf_runner(conv.conversation)
    if run is None:
        raise SystemExit("red-dwarf is not installed: pip install red-dwarf")
    return run()


def our_labels(result: AnalysisResult) -> dict[str, int]:
    """Participant id -> our group."""
    return {member: group.id for group in result.groups for member in group.members}


def red_dwarf_labels(result: Any) -> dict[str, int]:
    """Participant id -> red-dwarf's group."""
    frame = result.participants_df
    clustered = frame[frame["to_cluster"]]
    return {str(pid): int(label) for pid, label in clustered["cluster_id"].dropna().items()}


def agreement(polis: dict[str, int | None], labels: dict[str, int]) -> tuple[float, float]:
    """Adjusted Rand index over the participants both clustered, and that set's share."""
    clustered = [p for p, g in polis.items() if g is not None]
    both = [p for p in clustered if p in labels]
    if not both:
        return float("nan"), 0.0
    ari = adjusted_rand_score([polis[p] for p in both], [labels[p] for p in both])
    return float(ari), len(both) / len(clustered)


HEADER = (
    f"{'conversation':<44} {'voters':>6} {'stmts':>5} {'polis':>5} | "
    f"{'ours k':>6} {'ARI':>6} {'cover':>5} {'ms':>6} | "
    f"{'rd k':>4} {'ARI':>6} {'cover':>5} {'ms':>6} | {'ours-rd':>7}"
)


def row(conv: OpenConversation, runs: int) -> tuple[float, float]:
    """Print one conversation's line; return both ARIs."""
    polis = conv.polis_groups
    polis_k = len({g for g in polis.values() if g is not None})
    mine = ours(conv)
    theirs = red_dwarf(conv)
    ari_o, cover_o = agreement(polis, our_labels(mine))
    ari_r, cover_r = agreement(polis, red_dwarf_labels(theirs))
    k_r = len(set(red_dwarf_labels(theirs).values()))
    t_o = median_seconds(lambda: ours(conv), runs) * 1000
    t_r = median_seconds(lambda: red_dwarf(conv), runs) * 1000
    name = conv.name + ("*" if conv.votes_from != "votes.csv" else "")
    print(
        f"{name:<44} {len(mine.coordinates):>6} {len(mine.statement_ids):>5} {polis_k:>5} | "
        f"{len(mine.groups):>6} {ari_o:>6.3f} {cover_o:>5.2f} {t_o:>6.0f} | "
        f"{k_r:>4} {ari_r:>6.3f} {cover_r:>5.2f} {t_r:>6.0f} | {ari_o - ari_r:>+7.3f}",
        flush=True,
    )
    return ari_o, ari_r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = os.environ.get("INSPRAAK_POLIS_OPENDATA", str(MIRROR))
    parser.add_argument("data", nargs="?", type=Path, default=Path(default))
    parser.add_argument("--runs", type=int, default=3, help="timed runs per analysis (3)")
    parser.add_argument("--only", nargs="*", default=(), help="conversation folder names")
    parser.add_argument("--processes", action="store_true", help="also time whole processes")
    parser.add_argument("--process-runs", type=int, default=5, help="runs per process (5)")
    args = parser.parse_args()
    with data_folder(args.data) as folder:
        chosen = [c for c in conversations(folder) if not args.only or c.name in args.only]
        print(f"data from {args.data}; in-process times are medians of {args.runs} runs")
        print("* votes read from participants-votes.csv (votes.csv absent)")
        print(HEADER)
        scores = [row(conv, args.runs) for conv in chosen]
        worse = sum(1 for o, r in scores if o < r - 1e-9)
        print(f"{len(scores)} conversations; ours below red-dwarf on {worse}")
        if args.processes:
            from process_timing import time_processes

            time_processes(chosen, args.process_runs)


if __name__ == "__main__":
    main()
