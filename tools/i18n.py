"""Keep the gettext catalogs in step with the code: ``python tools/i18n.py [--check]``.

Extracts the message ids (Babel), updates ``nl`` and ``en``, fills ``en`` with the English ids
(so the English catalog is complete by construction) and compiles both. With ``--check`` it
fails when a Dutch translation is missing or fuzzy, which ``make test`` runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "core" / "locale"
POT = LOCALE / "messages.pot"


def run(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", *args]
    subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603 - our own fixed arguments


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "messages.po"


def extract() -> None:
    run(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_",
        "-k",
        "N_",
        "-o",
        str(POT),
        "--no-location",
        "--omit-header",
        ".",
    )
    for lang in ("nl", "en"):
        if not po_path(lang).exists():
            run("init", "-i", str(POT), "-d", str(LOCALE), "-l", lang)
        else:
            run(
                "update",
                "-i",
                str(POT),
                "-d",
                str(LOCALE),
                "-l",
                lang,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
    path = po_path("en")
    with path.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
    with path.open("wb") as f:
        write_po(f, catalog, omit_header=False, no_location=True)


def compile_all() -> None:
    for lang in ("nl", "en"):
        with po_path(lang).open("rb") as f:
            catalog = read_po(f, locale=lang)
        with po_path(lang).with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)


def missing(lang: str) -> list[str]:
    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    return [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]


def main() -> int:
    if "--compile" in sys.argv:
        compile_all()
        return 0
    if "--check" in sys.argv:
        problems = {lang: missing(lang) for lang in ("nl", "en")}
        for lang, ids in problems.items():
            for message_id in ids:
                print(f"{lang}: untranslated: {message_id!r}")
        return 1 if any(problems.values()) else 0
    extract()
    compile_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
