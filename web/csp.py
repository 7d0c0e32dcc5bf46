"""The Content-Security-Policy every page gets, and the same policy for a page that carries
one known inline stylesheet (allowed by its hash, so ``style-src`` stays without
``'unsafe-inline'``)."""

from __future__ import annotations

import base64
import hashlib

POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


def allowing_style(css: str) -> str:
    """The policy with ``css`` (the exact text of one ``<style>`` element) allowed."""
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return POLICY.replace("style-src 'self'", f"style-src 'self' 'sha256-{digest}'")
