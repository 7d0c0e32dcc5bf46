"""Read the conversations of the public Pol.is open data set, for bench/analysis_opendata.py.

The data set is compdemocracy's ``openData`` repository: one folder per conversation with
``comments.csv``, ``votes.csv`` and ``participants-votes.csv`` (its ``group-id`` column is
Pol.is's own opinion group). It is read where it lies, at run time, and never copied into this
repository: give a checkout, or a bare git mirror, whose files are then written to a temporary
folder that is removed afterwards. Blobs missing from a partial mirror are skipped.

A folder without ``votes.csv`` but with ``participants-votes.csv`` is read from the latter: it
holds every participant's latest vote per statement (no time stamps, which neither analysis
needs once the latest votes are known).
"""

from __future__ import annotations

import csv
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.services.polis.files import (
    PolisConversation,
    PolisVote,
    read_comments,
    read_conversation,
    read_participant_groups,
)

WANTED = ("comments.csv", "votes.csv", "participants-votes.csv")


@dataclass(frozen=True)
class OpenConversation:
    """One conversation of the data set: its votes and Pol.is's groups."""

    name: str
    folder: Path
    conversation: PolisConversation
    polis_groups: dict[str, int | None]
    votes_from: str  # "votes.csv" or "participants-votes.csv"


@contextmanager
def data_folder(source: Path) -> Iterator[Path]:
    """Yield a folder of conversations: ``source`` itself, or a bare mirror written out."""
    if not (source / "objects").is_dir() or not (source / "HEAD").exists():
        yield source
        return
    with tempfile.TemporaryDirectory(prefix="polis-opendata-") as tmp:
        _write_out(source, Path(tmp))
        yield Path(tmp)


def _write_out(git_dir: Path, target: Path) -> None:
    """Write the wanted files of a bare repository's HEAD into ``target``."""
    listing = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        blob = meta.split()[2]
        if Path(path).name not in WANTED or path.count("/") != 1:
            continue
        content = subprocess.run(
            ["git", "--git-dir", str(git_dir), "cat-file", "blob", blob],
            capture_output=True,
        )
        if content.returncode != 0:  # absent from a partial mirror
            continue
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content.stdout)


def conversations(folder: Path) -> Iterator[OpenConversation]:
    """Every conversation with comments, Pol.is's groups and votes, by folder name."""
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if not (sub / "comments.csv").exists() or not (sub / "participants-votes.csv").exists():
            continue
        groups = read_participant_groups(sub / "participants-votes.csv")
        if (sub / "votes.csv").exists():
            conversation, source = read_conversation(sub), "votes.csv"
        else:
            conversation, source = _from_participants(sub), "participants-votes.csv"
        yield OpenConversation(sub.name, sub, conversation, groups, source)


def _from_participants(folder: Path) -> PolisConversation:
    """Build a conversation from ``comments.csv`` and the wide ``participants-votes.csv``."""
    statements = read_comments(folder / "comments.csv")
    known = {s.id for s in statements}
    votes = []
    with (folder / "participants-votes.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns = [(j, sid) for j, sid in enumerate(header) if sid in known]
        for row in reader:
            for j, sid in columns:
                if j < len(row) and row[j].strip():
                    votes.append(PolisVote(row[0], sid, int(float(row[j])), 0))
    return PolisConversation(
        statements=tuple(s for s in statements if s.moderated != -1),
        moderated_out=tuple(s for s in statements if s.moderated == -1),
        votes=tuple(votes),
    )
