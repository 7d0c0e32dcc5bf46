"""Run ``inspraak`` in the test process, as the installed script runs it, and keep its output."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from inspraak.cli import main
from tests.conftest import SECRET


@dataclass(frozen=True)
class Ran:
    """Exit status and output of one command, named as ``subprocess`` names them."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*argv: str) -> Ran:
    """``inspraak ARGV...``: its exit status (argparse's ``SystemExit`` too) and output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exit:  # --help, or arguments argparse refuses
            status = exit.code if isinstance(exit.code, int) else 1
    return Ran(status, out.getvalue(), err.getvalue())


def cli_environment(
    monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path, **extra: str
) -> None:
    """The environment a user's shell gives ``inspraak``: the database, the secret, a data
    directory, and a working directory without a ``.env`` file."""
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "INSPRAAK_DATABASE_URL": database_url,
        "INSPRAAK_SECRET_KEY": SECRET,
        "INSPRAAK_DATA_DIR": str(tmp_path / "var"),
        **extra,
    }.items():
        monkeypatch.setenv(name, value)
