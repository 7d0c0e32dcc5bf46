"""What an organisation's logo may be: a PNG, JPEG or SVG image of at most ``MAX_BYTES``.

The type is read from the file's first bytes, never from its name or the browser's word for
it. An SVG may hold scripts: it is accepted (municipalities' logos often are SVG), and the web
layer serves every logo with a policy under which nothing in it can run.
"""

from __future__ import annotations

import re

from core.domain.errors import InvalidInput

MAX_BYTES = 200 * 1024
PNG = "image/png"
JPEG = "image/jpeg"
SVG = "image/svg+xml"

# An SVG document: an optional byte-order mark, XML declaration, comments or doctype, then <svg.
_SVG_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]",
    re.S | re.I,
)


def media_type(data: bytes) -> str:
    """The media type of a logo's bytes.

    Raises:
        InvalidInput: ``logo_empty``, ``logo_too_large`` or ``logo_not_an_image``.
    """
    if not data:
        raise InvalidInput("logo_empty")
    if len(data) > MAX_BYTES:
        raise InvalidInput("logo_too_large")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if _SVG_START.match(data[:4096]):
        return SVG
    raise InvalidInput("logo_not_an_image")
