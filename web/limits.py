"""Request bodies are capped while they stream in, before anything parses or checks them.

A plain ASGI middleware (Starlette's ``BaseHTTPMiddleware`` would read through extra tasks and
memory streams): it counts the bytes of the ``http.request`` messages the app receives and
raises a 413 as soon as a body passes its route's limit, whether the client declared a
``Content-Length`` or sends the body in chunks. What was read stays within the limit plus one
chunk, and the rest is never read: a signature check or a form parser sees nothing larger.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KB = 1024

# First matching path prefix wins. A project file may be 512 kB (plus the form around it); a
# web-chat message is cut at 20,000 characters (up to nine bytes each once form-encoded);
# WhatsApp and Telegram send updates of a few kilobytes.
ROUTE_LIMITS: tuple[tuple[str, int], ...] = (
    ("/webhook/", 1024 * KB),
    ("/manage/projects/import", 1024 * KB),
    ("/manage/organisations/", 1024 * KB),  # a logo of up to 200 kB, refused kindly above
    ("/manage/import-ideas/", 6 * 1024 * KB),  # a CSV of ideas of up to 5 MB
    ("/manage/", 256 * KB),
    ("/chat/", 256 * KB),
    ("/api/", 64 * KB),
)
DEFAULT_LIMIT = 64 * KB  # the login form and everything else


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, "Request too large")


class BodyLimit:
    """Answers 413 once a request body passes the limit of its route."""

    def __init__(
        self,
        app: ASGIApp,
        limits: Sequence[tuple[str, int]] = ROUTE_LIMITS,
        default: int = DEFAULT_LIMIT,
    ) -> None:
        self.app = app
        self.limits = tuple(limits)
        self.default = default

    def limit_for(self, path: str) -> int:
        return next(
            (size for prefix, size in self.limits if path.startswith(prefix)), self.default
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            if declared.isascii() and declared.isdigit() and int(declared) > limit:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:  # not turned into a page by the app's handlers
            if started:
                raise
            await PlainTextResponse("Request too large", 413)(scope, receive, send)
