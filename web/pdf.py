"""HTML to PDF through WeasyPrint, off the event loop, reading nothing but our static files.

WeasyPrint and its system libraries (Pango, HarfBuzz, fontconfig) are loaded on first use:
when they are missing, :class:`PdfUnavailable` says so and the caller shows a friendly page
instead. The renderer never reaches the network: stylesheets come from ``web/static`` and any
other address is refused. The PDF is tagged (PDF/UA-1: headings, tables and the reading order
for screen readers), with the fonts it uses embedded.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import mimetypes
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

VARIANT = "pdf/ua-1"  # tagged, with the document's language and title: readable aloud
CACHED = 16  # the latest PDFs kept, by the exact HTML they were made from
Files = dict[str, tuple[bytes, str]]  # a path on the site: its bytes and media type
SVG_START = re.compile(r"<svg\b[^>]*>")
# WeasyPrint's SVG knows no ``paint-order``: a label's white halo would be painted over it.
SVG_FIXES = ".chart.matrix-chart .point-label { stroke: none; }"


class PdfUnavailable(Exception):
    """The PDF library or the system libraries it needs are not installed on this server."""


@dataclass(frozen=True)
class Meta:
    """What the PDF says about itself: its title and author (its language is the page's)."""

    title: str
    author: str


def _library() -> Any:
    """WeasyPrint, or :class:`PdfUnavailable` when it or Pango cannot be loaded."""
    try:
        import weasyprint
        import weasyprint.urls
    except Exception as exc:  # ImportError; OSError when Pango is missing; a warning as error
        raise PdfUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return weasyprint


def available() -> bool:
    """Whether this server can make PDFs (WeasyPrint and Pango load)."""
    try:
        _library()
    except PdfUnavailable:
        return False
    return True


def _static_fetcher(weasyprint: Any, static: Path, files: Files) -> Any:
    """A URL fetcher that serves ``files`` by their path (a logo read by the caller) and the
    files under ``static`` (addressed as ``…/static/NAME``), and nothing else."""
    root = static.resolve()

    class StaticOnly(weasyprint.urls.URLFetcher):  # type: ignore[misc,name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = urlsplit(url).path
            if path in files:
                data, kind = files[path]
                return weasyprint.urls.URLFetcherResponse(url, data, {"Content-Type": kind})
            _, found, name = path.partition("/static/")
            file = (root / name).resolve()
            if not found or not file.is_relative_to(root) or not file.is_file():
                raise ValueError(f"the report reads only its own static files, not {url}")
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(
                url, file.read_bytes(), {"Content-Type": kind}
            )

    return StaticOnly()


def with_svg_styles(html: str, css: str) -> str:
    """``html`` with ``css`` inside each inline SVG: WeasyPrint draws an SVG with the SVG's
    own stylesheets only, so the charts' fills and type sizes must be in there too."""
    if not css:
        return html
    style = f"<style>{css}</style>"
    return SVG_START.sub(lambda found: found.group(0) + style, html)


def html_to_pdf(
    html: str,
    base_url: str,
    static: Path,
    meta: Meta,
    files: Files | None = None,
    svg_css: str = "",
) -> bytes:
    """Lay out ``html`` for print (``@media print``, ``@page``) and write it as a PDF."""
    weasyprint = _library()
    html = with_svg_styles(html, svg_css)
    try:
        fetcher = _static_fetcher(weasyprint, static, files or {})
        page = weasyprint.HTML(string=html, base_url=base_url + "/", url_fetcher=fetcher)
        document = page.render(pdf_variant=VARIANT)
        document.metadata.title = meta.title
        document.metadata.authors = [meta.author] if meta.author else []
        return bytes(document.write_pdf(pdf_variant=VARIANT))
    except Exception as exc:  # a library loaded late, or a layout the renderer chokes on
        log.exception("the PDF could not be made")
        raise PdfUnavailable(f"{type(exc).__name__}: {exc}") from exc


class PdfMaker:
    """Makes PDFs in a worker thread, one at a time, and keeps the latest few.

    One at a time, so a burst of downloads queues instead of taking every core from the pages;
    kept by the HTML's hash, so the same report asked again within the minute (the page states
    the time it was made) is not laid out twice, and a changed report never comes from the cache.
    """

    def __init__(self, static: Path, svg_css: tuple[str, ...] = (), slots: int = 1) -> None:
        self.static = static
        sheets = [(static / name).read_text("utf-8") for name in svg_css]
        self.svg_css = "\n".join([*sheets, SVG_FIXES]) if sheets else ""
        self._slots = asyncio.Semaphore(slots)
        self._made: OrderedDict[str, bytes] = OrderedDict()

    async def make(
        self, html: str, base_url: str, meta: Meta, files: Files | None = None
    ) -> bytes:
        """The PDF of ``html``; ``files`` are images it shows that are not static files (by
        path, e.g. the organisation's logo; the page names their version, so a changed file
        changes the page)."""
        key = hashlib.sha256(f"{base_url}\n{meta}\n{html}".encode()).hexdigest()
        async with self._slots:
            if key in self._made:
                self._made.move_to_end(key)
                return self._made[key]
            pdf = await asyncio.to_thread(
                html_to_pdf, html, base_url, self.static, meta, files, self.svg_css
            )
        self._made[key] = pdf
        while len(self._made) > CACHED:
            self._made.popitem(last=False)
        return pdf
