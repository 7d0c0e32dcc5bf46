"""Whether a SQLite database is already at the newest migration, asked without Alembic.

Importing Alembic and running an upgrade that has nothing to do costs a short command such as
``inspraak analyse`` most of a second; this check costs a few milliseconds. It reads the
revisions from the migration files (``revision = "..."`` and ``down_revision = ...`` lines) and
the database's ``alembic_version`` table with the standard library's ``sqlite3``, read-only. For
any other database, or when in doubt, it answers ``False`` and the caller runs the upgrade.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

VERSIONS = Path(__file__).parent / "migrations" / "versions"
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def heads(versions: Path = VERSIONS) -> set[str]:
    """The revisions no other migration builds on."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in versions.glob("*.py"):
        text = script.read_text(encoding="utf-8")
        found = _REVISION.search(text)
        if found:
            revisions.add(found.group(1))
        down = _DOWN.search(text)
        if down:
            parents.update(_QUOTED.findall(down.group(1)))
    return revisions - parents


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite`` URL (any driver), or ``None`` for other databases or memory."""
    match = re.match(r"^sqlite(\+\w+)?:///(.+)$", url)
    if not match or match.group(2).startswith(":memory:"):
        return None
    return Path(match.group(2).split("?", 1)[0])


def is_current(url: str, versions: Path = VERSIONS) -> bool:
    """True when the SQLite database at ``url`` exists and is at every head revision."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return False
    wanted = heads(versions)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return bool(wanted) and {row[0] for row in rows} == wanted
