"""Every page and export, in Dutch, anonymously and signed in as a facilitator: no English
state, kind or status and no English message stands in the text a reader sees.

The routes come from the app itself (as in the public crawl), so a new page is checked too.
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

import httpx

from inspraak.bootstrap import Container
from tests.web.conftest import client_for, login, make_user
from tests.web.pdf_text import pdf_text
from tests.web.public_states import build_every_state
from tests.web.test_public_crawl import get_paths
from web.app import create_app

# Enum values that leaked into Dutch pages, and English words that are never Dutch.
ENGLISH = {
    "scheduled", "closed", "approved", "rejected", "pending", "held", "draft", "active",
    "published", "ideas", "rating", "statements", "new", "sent", "failed", "queued",
    "the", "and", "with", "your", "this", "no", "results", "round", "idea",
    "tag", "hide", "restore", "edit", "unknown", "not", "found", "found.", "summary",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z]+")
JSON_DETAIL = re.compile(r"\{[^{}]*\}")  # the audit log's detail column: keys and ids
IDENTIFIER = re.compile(r"\b[a-z_]+(?:\.[a-z_]+)+\b")  # a key such as round.open is code
# "open" is Dutch too, but "open · open" is the English state beside the Dutch switch.
DOUBLED = re.compile(r"\bopen\s*·\s*open\b")
DOT_DECIMAL = re.compile(r"(?<![\d.,:/-])(?:\d+\.\d{1,2}|0\.\d+|\d+\.\d{4,})(?![\d.])")


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "pre", "textarea"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(response: httpx.Response) -> str:
    kind = response.headers.get("content-type", "")
    if "spreadsheetml" in kind or "opendocument" in kind:
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            names = [n for n in book.namelist() if n.endswith(".xml")]
            xml = " ".join(book.read(n).decode() for n in names if n.startswith(TEXT_PARTS))
        return re.sub(r"<[^>]+>", " ", xml)
    if "pdf" in kind:  # the council's report: the text on its pages
        return pdf_text(response.content)
    if "html" not in kind:
        return response.content.decode("utf-8-sig", "replace")
    parser = _Text()
    parser.feed(response.text)
    return " ".join(parser.parts)


def english_in(text: str) -> list[str]:
    text = IDENTIFIER.sub(" ", JSON_DETAIL.sub(" ", text))
    found = [w for w in WORD.findall(text) if w.lower() in ENGLISH]
    found += DOUBLED.findall(text)
    return found


# Where a workbook keeps its texts and sheet names (XLSX: sheets, shared strings; ODS: content).
TEXT_PARTS = ("xl/worksheets/", "xl/sharedStrings", "xl/workbook.xml", "content.xml")
MACHINE_READABLE = (".png", ".svg", ".json", ".toml", ".txt")  # .txt: robots, security (RFCs)
# Residents' own words (in the fixtures) and names that are the same in both languages.
ALLOWED = {"csv", "xlsx", "ods", "api", "json", "utc"}


async def _crawl(client: httpx.AsyncClient, paths: list[str]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for path in paths:
        if "/logout" in path or "/api/" in path or path.endswith(MACHINE_READABLE):
            continue
        response = await client.get(path, follow_redirects=True)
        assert response.status_code < 500, (path, response.status_code)
        kind = response.headers.get("content-type", "")
        if "image" in kind or "json" in kind:
            continue
        text = visible_text(response)
        bad = [w for w in english_in(text) if w.lower() not in ALLOWED]
        if "html" in kind or "pdf" in kind:
            bad += [f"dot decimal {n}" for n in DOT_DECIMAL.findall(text)]
        if bad:
            problems[path] = sorted(set(bad))
    return problems


async def test_every_page_and_export_in_dutch_has_no_english_state_or_message(
    container: Container,
):
    await build_every_state(container)
    admin = await make_user(container, "beheer@voorbeeld.nl", "admin")
    paths = get_paths(create_app(container))
    async with client_for(container) as anonymous:
        problems = await _crawl(anonymous, paths)
    async with client_for(container) as signed_in:
        assert (await login(signed_in, admin.email)).status_code == 303
        found = await _crawl(signed_in, paths)
    problems.update({f"signed in: {path}": words for path, words in found.items()})
    assert not problems, "\n".join(f"{p}: {w}" for p, w in problems.items())
