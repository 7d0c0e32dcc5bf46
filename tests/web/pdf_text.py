"""The text a reader sees in a PDF (the council's report), for tests that read every page."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """Every page's text, pages apart by a blank line."""
    return "\n\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
