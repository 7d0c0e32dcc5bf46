"""What the facilitator area's modules share: their router's settings and page rendering."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from web.deps import Session, verify_csrf
from web.forms import form_text
from web.rendering import render

# The routes of every module of the area; unsafe requests need the session's CSRF token.
router = APIRouter(prefix="/manage", dependencies=[Depends(verify_csrf)])


def page(
    request: Request,
    session: Session,
    lang: str,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Any:
    return render(request, template, {"session": session, **context}, lang, status_code)


def form_dict(form: FormData) -> dict[str, str]:
    """The text fields of a submitted form, line breaks as ``\n``."""
    return form_text({k: v for k, v in form.items() if isinstance(v, str)})
