"""QR codes of the join links, as PNG and SVG, for posters and flyers."""

from __future__ import annotations

import io
from typing import Any

import segno
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from core.i18n import N_
from web.deps import ServicesDep, active_project
from web.routes.public import join_links

router = APIRouter()

MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def qr_image(url: str, kind: str) -> bytes:
    """Encode ``url`` as a QR code (error correction M: survives a crease or a sticker)."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    if kind == "svg":
        code.save(out, kind="svg", scale=10, border=4, title=url, xmldecl=False)
    else:
        code.save(out, kind="png", scale=10, border=4)
    return out.getvalue()


@router.get("/qr/{code}/{channel}.{kind}", name="qr_code")
async def qr_code(
    request: Request, code: str, channel: str, kind: str, services: ServicesDep
) -> Response:
    """The QR code of a project's join link on one channel (``web``, ``telegram``, ...)."""
    if kind not in MEDIA_TYPES:
        raise HTTPException(404, N_("Unknown image type"))
    project = await active_project(services, code)
    return qr_response(request, services, project.code, channel, kind, "public, max-age=3600")


def qr_response(
    request: Request, services: Any, code: str, channel: str, kind: str, cache: str
) -> Response:
    """The QR code of ``code``'s join link on ``channel`` as a download (404 when none)."""
    if kind not in MEDIA_TYPES:
        raise HTTPException(404, N_("Unknown image type"))
    url = next(
        (x["url"] for x in join_links(request, services, code) if x["channel"] == channel), None
    )
    if url is None:
        raise HTTPException(404, N_("No join link on this channel"))
    filename = f"inspraak-{code}-{channel}.{kind}"
    return Response(
        qr_image(url, kind),
        media_type=MEDIA_TYPES[kind],
        headers={"Cache-Control": cache, "Content-Disposition": f'inline; filename="{filename}"'},
    )
