"""The report for the council: the summary page, printed or as a PDF, in one layout.

Browsers print ``summary.html`` with the print stylesheet in ``summary.css``; the PDF is the
same page laid out on the server (:mod:`web.pdf`). What differs per project, the gemeente and
the title in the page footer, the page numbers in the reader's language and the preview's
mark, goes into the pages' margin boxes through one small inline stylesheet, allowed by its
hash in the Content-Security-Policy.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from core import views
from core.i18n import N_, gettext_for
from web import csp
from web.deps import Services
from web.pdf import Files, Meta, PdfMaker, PdfUnavailable
from web.rendering import render

log = logging.getLogger(__name__)

PAGE_OF = N_("page %(page)s of %(pages)s")
PREVIEW_MARK = N_("Draft – preview, not published")
COUNTER = re.compile(r"%\((pages?)\)s")
PLAIN = re.compile(r"[A-Za-z0-9 .,:()-]")


def css_string(text: str) -> str:
    """``text`` as a CSS string: anything but letters, digits and plain punctuation as a hex
    escape, so no text can end the string or the ``<style>`` element it stands in. (The space
    after an escape ends it and is dropped by CSS; a space in the text stays.)"""
    return '"' + "".join(c if PLAIN.fullmatch(c) else f"\\{ord(c):x} " for c in text) + '"'


def page_counter(pattern: str) -> str:
    """A translated "page %(page)s of %(pages)s" as a CSS ``content`` value with counters."""
    parts = COUNTER.split(pattern)
    values = [
        f"counter({part})" if n % 2 else css_string(part) for n, part in enumerate(parts) if part
    ]
    return " ".join(values)


def page_css(summary: Any, language: str) -> str:
    """The margin boxes of every printed page: gemeente and project, page n of N, the mark."""
    words = gettext_for(language)
    organisation = summary.accounting.organisation if summary.accounting else ""
    footer = " · ".join(part for part in (organisation, summary.title) if part)
    boxes = [
        f"@bottom-left{{content:{css_string(footer)}}}",
        f"@bottom-right{{content:{page_counter(words.gettext(PAGE_OF))}}}",
    ]
    if summary.preview:
        boxes.append(f"@top-right{{content:{css_string(words.gettext(PREVIEW_MARK))}}}")
    return "@page{" + "".join(boxes) + "}"


def report_page(request: Request, context: dict[str, Any], language: str) -> HTMLResponse:
    """The summary page (public or preview), printable as the council's report."""
    css = page_css(context["summary"], language)
    response = render(request, "summary.html", {**context, "page_css": css}, language)
    response.headers["Content-Security-Policy"] = csp.allowing_style(css)
    return response


async def _logo(services: Services, summary: Any) -> Files:
    """The organisation's logo, where the page shows one, for the PDF to embed."""
    found = summary.accounting
    if not found or not found.logo_version:
        return {}
    async with services.reading() as uow:
        logo = await views.organisation_logo(uow, found.organisation_slug)
    return {f"/logo/{found.organisation_slug}": (logo.data, logo.media_type)} if logo else {}


async def report_pdf(
    request: Request, services: Services, context: dict[str, Any], language: str
) -> Response:
    """The same page as a PDF made on the server, or a page that says it cannot be made here."""
    summary = context["summary"]
    page = report_page(request, {**context, "pdf": True}, language)
    meta = Meta(summary.title, summary.accounting.organisation if summary.accounting else "")
    maker: PdfMaker = request.app.state.pdf
    try:
        html, base = bytes(page.body).decode(), services.settings.base_url()
        pdf = await maker.make(html, base, meta, await _logo(services, summary))
    except PdfUnavailable as exc:
        log.warning("PDF not available on this server: %s", exc)
        context = {"summary": summary, "preview": summary.preview}
        return render(request, "report_unavailable.html", context, language, status_code=503)
    name = gettext_for(language).gettext(N_("report")) + f"-{summary.code}.pdf"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if summary.preview:
        headers["Cache-Control"] = "private, no-store"
        headers["X-Robots-Tag"] = "noindex"
    return Response(pdf, media_type="application/pdf", headers=headers)
