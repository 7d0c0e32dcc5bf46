"""The inline SQLite connection stands on aiosqlite's internals, so aiosqlite is pinned exactly
(pyproject.toml) and these tests fail the day those internals change.

``core.storage.sqlite_inline.InlineConnection`` subclasses ``aiosqlite.Connection`` and replaces
its worker-thread hand-off (``_tx``, ``_execute``, ``_connect``, ``__await__``, ``stop``); the
cursor reaches the connection through ``_execute``. A new aiosqlite release must be read, the
subclass checked against it, and the fingerprints below renewed, in one change.
"""

from __future__ import annotations

import hashlib
import inspect
import re
import threading
from pathlib import Path

import aiosqlite
import aiosqlite.cursor
import sqlalchemy as sa

from core.storage.db import create_engine
from core.storage.sqlite_inline import InlineConnection

ROOT = Path(__file__).resolve().parents[3]

# sha256 (first 16 hex digits) of the source of each aiosqlite member the subclass relies on.
FINGERPRINTS = {
    "Connection.__init__": "3aed416ac99323f1",
    "Connection._execute": "11f83d6bbbe803e3",
    "Connection._connect": "ab38f0f6d707e197",
    "Connection.__await__": "d7354f60fe6d37b5",
    "Connection.stop": "837804b0d406fc1e",
    "Connection.close": "8ba49d8e608d032e",
    "Connection._conn": "2b88b77116bfb96a",
    "Cursor._execute": "c2b07decd1068928",
}


def fingerprint(qualified: str) -> str:
    owner, name = qualified.split(".")
    cls = aiosqlite.Connection if owner == "Connection" else aiosqlite.cursor.Cursor
    member = inspect.getattr_static(cls, name)
    if isinstance(member, property):
        member = member.fget
    return hashlib.sha256(inspect.getsource(member).encode()).hexdigest()[:16]


def test_aiosqlite_is_pinned_to_the_version_the_fingerprints_were_taken_from():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pin = re.search(r'"aiosqlite==([^"]+)"', pyproject)
    assert pin is not None, "aiosqlite must be pinned exactly in pyproject.toml"
    assert aiosqlite.__version__ == pin.group(1)


def test_the_aiosqlite_internals_the_inline_connection_replaces_are_unchanged():
    assert {name: fingerprint(name) for name in FINGERPRINTS} == FINGERPRINTS


def test_the_internal_attributes_exist_where_the_subclass_expects_them():
    connection = aiosqlite.Connection(lambda: None, iter_chunk_size=64)  # type: ignore[arg-type,return-value]
    try:
        for name in ("_running", "_connection", "_connector", "_tx"):
            assert hasattr(connection, name), name
        assert callable(connection._tx.put_nowait)
        assert inspect.iscoroutinefunction(aiosqlite.Connection._execute)
        assert inspect.iscoroutinefunction(aiosqlite.Connection._connect)
    finally:
        connection._running = False  # never started: no thread to stop


async def test_an_inline_connection_runs_each_call_on_the_calling_thread(tmp_path: Path):
    seen: list[int] = []

    def whose_thread() -> int:
        seen.append(threading.get_ident())
        return 1

    conn = await InlineConnection(lambda: __import__("sqlite3").connect(tmp_path / "x.db"))
    try:
        await conn.create_function("whose_thread", 0, whose_thread)
        cursor = await conn.execute("SELECT whose_thread()")
        assert await cursor.fetchall() == [(1,)]
        await conn.execute("CREATE TABLE t (x INTEGER)")
        await conn.execute("INSERT INTO t VALUES (1)")
        await conn.commit()
        assert seen == [threading.get_ident()]
    finally:
        await conn.close()
    assert conn._connection is None


async def test_sqlalchemy_drives_the_inline_connection_through_its_aiosqlite_dialect(
    tmp_path: Path,
):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/y.db")
    try:
        async with engine.connect() as conn:
            # The dialect sets the isolation level through the connection's queue (_tx).
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            assert await conn.scalar(sa.text("SELECT 41 + 1")) == 42
        async with engine.begin() as conn:
            await conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
            await conn.execute(sa.text("INSERT INTO t VALUES (7)"))
        async with engine.connect() as conn:
            assert await conn.scalar(sa.text("SELECT x FROM t")) == 7
            raw = await conn.get_raw_connection()
            assert isinstance(raw.driver_connection, InlineConnection)
    finally:
        await engine.dispose()
