"""Keep the gettext catalogs in step with the code: ``python tools/i18n.py [--check]``.

Two domains (see core/i18n.py). ``messages`` (babel.cfg: everything) in ``nl`` and ``en``;
``en`` is filled with the English ids, so it is complete by construction. ``dialogue``
(babel-dialogue.cfg: what residents read in the chat) in ``tr``, ``ar``, ``pl`` and ``uk``.
Extracts the message ids (Babel), updates the catalogs and compiles them. With ``--check`` it
fails when a translation of a domain's languages is missing or fuzzy, which ``make test`` runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "core" / "locale"
# domain -> (its extraction config, the languages it must be complete in)
DOMAINS = {
    "messages": ("babel.cfg", ("nl", "en")),
    "dialogue": ("babel-dialogue.cfg", ("tr", "ar", "pl", "uk")),
}


def run(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", *args]
    subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603 - our own fixed arguments


def po_path(lang: str, domain: str = "messages") -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


def extract(domain: str) -> None:
    config, languages = DOMAINS[domain]
    pot = LOCALE / f"{domain}.pot"
    keywords = ("-k", "_", "-k", "N_")
    run("extract", "-F", config, *keywords, "-o", str(pot), "--no-location", "--omit-header", ".")
    for lang in languages:
        where = ("-i", str(pot), "-d", str(LOCALE), "-l", lang, "-D", domain)
        if not po_path(lang, domain).exists():
            run("init", *where)
        else:
            run("update", *where, "--no-fuzzy-matching", "--ignore-obsolete")


def fill_english() -> None:
    path = po_path("en")
    with path.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
    with path.open("wb") as f:
        write_po(f, catalog, omit_header=False, no_location=True)


def compile_all() -> None:
    for domain, (_, languages) in DOMAINS.items():
        for lang in languages:
            with po_path(lang, domain).open("rb") as f:
                catalog = read_po(f, locale=lang)
            with po_path(lang, domain).with_suffix(".mo").open("wb") as f:
                write_mo(f, catalog)


def missing(lang: str, domain: str = "messages") -> list[str]:
    """The message ids of the domain's template that ``lang`` lacks or has only fuzzy."""
    with (LOCALE / f"{domain}.pot").open("rb") as f:
        wanted = [str(m.id) for m in read_po(f) if m.id]
    with po_path(lang, domain).open("rb") as f:
        catalog = read_po(f, locale=lang)
    done = {str(m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    return [message_id for message_id in wanted if message_id not in done]


def check() -> int:
    """Print every missing translation, per domain and language; 1 when there is one."""
    found = False
    for domain, (_, languages) in DOMAINS.items():
        for lang in languages:
            for message_id in missing(lang, domain):
                print(f"{domain} {lang}: untranslated: {message_id!r}")
                found = True
    return 1 if found else 0


def main() -> int:
    if "--compile" in sys.argv:
        compile_all()
        return 0
    if "--check" in sys.argv:
        return check()
    for domain in DOMAINS:
        extract(domain)
    fill_english()
    compile_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
