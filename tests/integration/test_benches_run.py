"""The in-process benchmarks still run end to end on a small size (a benchmark that no longer
walks the demo is found here, not on the day someone needs its figures)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench import dialogue, storage_floor


async def test_the_dialogue_benchmark_walks_every_resident_through_the_demo(tmp_path: Path):
    """Residents typing near-identical ideas are offered each other's: the walk goes on."""
    rate, p50, p99 = await dialogue.run_dialogues(f"sqlite+aiosqlite:///{tmp_path}/d.db", 4)
    assert rate > 0 and 0 < p50 <= p99  # run_dialogues asserts 12 ratings per resident


async def test_the_storage_floor_benchmark_prints_every_stack_and_the_ceilings(
    capsys: pytest.CaptureFixture[str],
):
    args = argparse.Namespace(runs=1, steps=20, postgres=None, bare_ms=1.0, inspraak_ms=None)
    await storage_floor.main(args)
    out = capsys.readouterr().out
    for stack in ("SQLAlchemy async (inspraak)", "SQLAlchemy sync", "sqlite3"):
        assert stack in out
    assert "inspraak / bare bot (1.00 ms per step)" in out
