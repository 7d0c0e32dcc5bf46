"""Whole-process timing for bench/analysis_opendata.py: ``inspraak analyse`` against red-dwarf.

Each conversation is first imported (``inspraak import-polis``, not timed) into a SQLite
database of its own in a temporary folder. Then, interleaved, ``runs`` times each: our process
(``inspraak analyse CODE``: start-up, settings, schema check, reading the votes, the analysis,
JSON out) and red-dwarf's (a Python process that reads ``votes.csv`` and ``comments.csv`` with
the standard library, keeps each voter's latest vote, runs ``run_pipeline`` and prints its
groups and consensus as JSON). Medians of wall time, and the ratio ours / red-dwarf.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RED_DWARF_PROCESS = r"""
import csv, json, sys, warnings
from pathlib import Path
folder = Path(sys.argv[1])
latest = {}
with (folder / "votes.csv").open(newline="", encoding="utf-8") as handle:
    for row in csv.DictReader(handle):
        key = (int(row["voter-id"]), int(row["comment-id"]))
        vote = {"participant_id": key[0], "statement_id": key[1], "vote": int(row["vote"]),
                "modified": int(row["timestamp"])}
        if key not in latest or vote["modified"] >= latest[key]["modified"]:
            latest[key] = vote
with (folder / "comments.csv").open(newline="", encoding="utf-8") as handle:
    mod_out = [int(r["comment-id"]) for r in csv.DictReader(handle) if r["moderated"] == "-1"]
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from reddwarf.implementations.polis import run_pipeline
    result = run_pipeline(votes=list(latest.values()), mod_out_statement_ids=mod_out,
                          random_state=0)
frame = result.participants_df
groups = {}
for pid, label in frame[frame["to_cluster"]]["cluster_id"].dropna().items():
    groups.setdefault(int(label), []).append(str(pid))
print(json.dumps({"groups": [{"id": g, "members": m} for g, m in sorted(groups.items())],
                  "consensus": result.consensus}, default=str))
"""

INSPRAAK = Path(sys.executable).parent / "inspraak"


def _environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["INSPRAAK_DATA_DIR"] = str(folder)
    env["INSPRAAK_DATABASE_URL"] = f"sqlite+aiosqlite:///{folder}/analyse.db"
    return env


def _wall(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def time_processes(conversations: Sequence[Any], runs: int) -> None:
    """Print, per conversation with a votes.csv, both processes' median wall time."""
    print(f"\nwhole processes, start-up included: median of {runs} interleaved runs")
    print(f"{'conversation':<44} {'ours s':>7} {'red-dwarf s':>11} {'ours/rd':>7}")
    ratios = []
    for conv in conversations:
        if conv.votes_from != "votes.csv":
            continue
        with tempfile.TemporaryDirectory(prefix="analyse-") as tmp:
            env = _environment(Path(tmp))
            subprocess.run(
                [str(INSPRAAK), "import-polis", str(conv.folder), "--project", "BENCH"],
                env=env,
                check=True,
                capture_output=True,
            )
            ours, theirs = [], []
            for _ in range(runs):
                ours.append(_wall([str(INSPRAAK), "analyse", "BENCH"], env))
                theirs.append(_wall([sys.executable, "-c", RED_DWARF_PROCESS, str(conv.folder)]))
        o, r = statistics.median(ours), statistics.median(theirs)
        ratios.append(o / r)
        print(f"{conv.name:<44} {o:>7.2f} {r:>11.2f} {o / r:>7.2f}", flush=True)
    if ratios:
        print(f"ours / red-dwarf: median {statistics.median(ratios):.2f}, worst {max(ratios):.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (1 min)")
