"""Rendering pages in the visitor's language: one template environment per language."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from core.analysis import readability
from core.i18n import RESIDENT_LANGUAGES, gettext_for, resident_language
from core.labels import label
from web.charts import matrix_for
from web.filters import amsterdam, long_date, number, percent, privacy_links, reminder
from web.form_texts import TRANSLATIONS


class Pages:
    """The templates of ``directory``, with each language's translations installed once.

    Built when the app is made and held by it; nothing is swapped per request, so pages in
    different languages never share mutable state.
    """

    def __init__(self, directory: Path) -> None:
        # the residents' languages too: the web chat speaks the language a resident chose;
        # every other page is asked for Dutch or English only (web.deps.get_language)
        self.by_language = {lang: _templates(directory, lang) for lang in RESIDENT_LANGUAGES}

    def templates(self, language: str) -> Jinja2Templates:
        return self.by_language[resident_language(language)]


def _templates(directory: Path, language: str) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(directory))
    templates.env.add_extension("jinja2.ext.i18n")
    catalog = gettext_for(language)
    templates.env.install_gettext_translations(  # type: ignore[attr-defined]
        catalog, newstyle=True
    )
    templates.env.filters["amsterdam"] = partial(amsterdam, language=language)
    templates.env.filters["number"] = lambda value, digits=1: number(value, language, digits)
    templates.env.filters["label"] = partial(label, catalog=catalog)
    templates.env.filters["privacy_links"] = privacy_links
    templates.env.filters["reminder"] = reminder
    templates.env.filters["long_date"] = partial(long_date, language=language)
    templates.env.filters["percent"] = partial(percent, language=language)
    templates.env.globals["url_for"] = path_for
    templates.env.globals["translation_languages"] = TRANSLATIONS
    templates.env.globals["priority_matrix"] = partial(matrix_for, catalog=catalog)
    templates.env.globals["readability"] = readability.estimate  # the round form's advice
    return templates


@pass_context
def path_for(context: dict[str, Any], name: str, /, **params: Any) -> str:
    """The path of a route, for links on a page: relative, never made from the ``Host``
    header (Starlette's ``url_for`` would put the request's host in every link). A static
    file's path carries its version (web.assets)."""
    request: Request = context["request"]
    path = request.scope.get("root_path", "") + str(request.app.url_path_for(name, **params))
    if name == "static":
        return str(request.app.state.assets.address(path, params["path"]))
    return path


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    language: str,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page in ``language`` (templates use ``_()`` through gettext)."""
    pages: Pages = request.app.state.pages
    response = pages.templates(language).TemplateResponse(
        request, template, {"lang": language, **context}, status_code=status_code
    )
    return response  # type: ignore[return-value]
