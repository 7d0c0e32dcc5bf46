"""The quick "is the SQLite database at the newest migration?" check that lets short commands
skip Alembic."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.storage import migrate
from core.storage.schema_version import heads, is_current, sqlite_path


def url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def test_the_head_is_the_revision_nothing_builds_on(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('revision = "0001"\ndown_revision = None\n')
    (tmp_path / "b.py").write_text('revision = "0002_x"\ndown_revision = "0001"\n')
    (tmp_path / "c.py").write_text('revision: str = "0003"\ndown_revision = ("0002_x",)\n')
    assert heads(tmp_path) == {"0003"}


def test_a_migrated_database_is_current_and_an_older_one_is_not(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert not is_current(url(db))  # no file yet: the caller migrates
    migrate.upgrade(url(db))
    assert is_current(url(db))
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    conn.close()
    assert not is_current(url(db))


def test_other_databases_and_unreadable_files_are_never_current(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_text("not a database")
    assert not is_current(url(tmp_path / "junk.db"))
    assert not is_current("postgresql+asyncpg://u:p@localhost/db")
    assert sqlite_path("sqlite+aiosqlite:///:memory:") is None
    assert sqlite_path("sqlite:////var/a.db?timeout=5") == Path("/var/a.db")
