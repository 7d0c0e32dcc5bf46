"""``/webhook/{name}``: hands the raw request to the handler the composition root registered.

The web app knows no channel: ``app.state.webhooks[name]`` is a plain async callable
``(method, headers, query, body) -> (status, body, content type)``.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

router = APIRouter()


@router.api_route("/webhook/{name}", methods=["GET", "POST"], include_in_schema=False)
async def webhook(name: str, request: Request) -> Response:
    """Forward method, headers, query and raw body; 404 when no channel registered ``name``."""
    handler = request.app.state.webhooks.get(name)
    if handler is None:
        raise HTTPException(404, "Unknown webhook")
    body = await request.body()
    status, content, media_type = await handler(
        request.method, request.headers, request.query_params, body
    )
    return Response(content, status_code=status, media_type=media_type)
