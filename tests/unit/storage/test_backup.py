"""The SQLite backup is the database as it was at one moment, taken while it is in use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.storage.backup import BackupFailed, backup_sqlite


def _database(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")  # committed pages stay in the -wal file
    conn.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, text TEXT)")
    conn.executemany("INSERT INTO answers (text) VALUES (?)", [("a",), ("b",)])
    return conn


def test_committed_pages_in_the_log_are_in_the_copy_and_an_open_write_is_not(tmp_path: Path):
    live = _database(tmp_path / "inspraak.db")
    assert (tmp_path / "inspraak.db-wal").stat().st_size > 0  # the rows are in the log only
    live.execute("BEGIN IMMEDIATE")
    live.execute("INSERT INTO answers (text) VALUES ('not yet committed')")
    size = backup_sqlite(tmp_path / "inspraak.db", tmp_path / "copy.db")
    live.execute("COMMIT")
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert [row[0] for row in copy.execute("SELECT text FROM answers ORDER BY id")] == ["a", "b"]
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    assert size == (tmp_path / "copy.db").stat().st_size
    assert not list(tmp_path.glob(".copy.db.partial"))


def test_an_existing_file_is_never_overwritten(tmp_path: Path):
    _database(tmp_path / "inspraak.db")
    (tmp_path / "copy.db").write_text("an earlier backup")
    with pytest.raises(FileExistsError):
        backup_sqlite(tmp_path / "inspraak.db", tmp_path / "copy.db")
    assert (tmp_path / "copy.db").read_text() == "an earlier backup"


def test_a_file_that_is_no_database_leaves_nothing_behind(tmp_path: Path):
    (tmp_path / "inspraak.db").write_bytes(b"not a database" * 100)
    with pytest.raises(BackupFailed):
        backup_sqlite(tmp_path / "inspraak.db", tmp_path / "copy.db")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inspraak.db"]
