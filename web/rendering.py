"""Rendering pages in the visitor's language."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from core.i18n import gettext_for


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    language: str,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page in ``language`` (templates use ``_()`` through gettext)."""
    templates: Jinja2Templates = request.app.state.templates
    translations = gettext_for(language)
    # Rendering is synchronous (no await between installing and rendering), so requests in
    # other languages cannot interleave on the shared environment.
    env = templates.env
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    response = templates.TemplateResponse(
        request, template, {"lang": language, **context}, status_code=status_code
    )
    return response  # type: ignore[return-value]
