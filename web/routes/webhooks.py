"""``/webhook/{name}``: hands a channel's webhook call to the handler the composition root
registered in ``app.state.webhooks[name]`` (the web never imports a channel).

A handler is ``async (method, headers, query, body) -> (status, body, content type)``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

router = APIRouter()

WebhookHandler = Callable[
    [str, Mapping[str, str], Mapping[str, str], bytes], Awaitable[tuple[int, str | bytes, str]]
]


@router.api_route("/webhook/{name}", methods=["GET", "POST"], include_in_schema=False)
async def webhook(name: str, request: Request) -> Response:
    """Pass method, headers, query parameters and the raw body to the channel's handler."""
    handler: WebhookHandler | None = request.app.state.webhooks.get(name)
    if handler is None:
        raise HTTPException(404, "Unknown webhook")
    body = await request.body()  # capped while it streams in (``web.limits``)
    status, content, media_type = await handler(
        request.method, request.headers, request.query_params, body
    )
    return Response(content, status_code=status, media_type=media_type)
