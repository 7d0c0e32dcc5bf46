"""A consistent copy of the SQLite database, taken while inspraak runs.

Copying ``inspraak.db`` with ``cp`` while residents answer can give a file that is not a
database as it was at any one moment (its write-ahead log holds the newest pages apart). The
standard library's online backup API copies page by page under SQLite's own locks, the log
included, so the copy is the database as it was when the copy finished. The copy is checked
(``PRAGMA integrity_check``) and made one self-contained file before it gets its name.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class BackupFailed(Exception):
    """The copy could not be made or did not check out; nothing was left at the target."""


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy the database file ``source`` to the new file ``target``; return its size in bytes."""
    if target.exists():
        raise FileExistsError(target)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        origin = sqlite3.connect(source)
        try:
            copy = sqlite3.connect(partial)
            try:
                origin.backup(copy)
                checked = copy.execute("PRAGMA integrity_check").fetchone()[0]
                copy.execute("PRAGMA journal_mode=DELETE")  # no -wal file beside the copy
            finally:
                copy.close()
        finally:
            origin.close()
        if checked != "ok":
            raise BackupFailed(str(checked))
    except (sqlite3.Error, BackupFailed) as error:
        partial.unlink(missing_ok=True)
        raise BackupFailed(str(error)) from error
    partial.replace(target)
    return target.stat().st_size
