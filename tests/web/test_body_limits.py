"""Request bodies are capped while they stream in: a chunked body without a Content-Length is
cut off at its route's limit, before any signature check or form parser sees it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

import httpx
import pytest

from tests.web.conftest import csrf_of
from web.app import create_app
from web.limits import ROUTE_LIMITS

CHUNK = 64 * 1024


class Endless:
    """A chunked request body of up to ``total`` bytes that counts what was taken from it."""

    def __init__(self, total: int = 500 * 1024 * 1024, start: bytes = b"") -> None:
        self.total = total
        self.start = start
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.start:
            yield self.start
        while self.sent < self.total:
            self.sent += CHUNK
            yield b"x" * CHUNK


def limit_of(prefix: str) -> int:
    return dict(ROUTE_LIMITS)[prefix]


@pytest.fixture
async def webhook_client(demo) -> AsyncIterator[tuple[httpx.AsyncClient, list[bytes]]]:
    """The app with a WhatsApp webhook that refuses every call, as an unsigned one is."""
    bodies: list[bytes] = []

    async def refuse(
        method: str, headers: Mapping[str, str], query: Mapping[str, str], body: bytes
    ) -> tuple[int, str, str]:
        bodies.append(body)
        return 403, "bad signature", "text/plain"

    app = create_app(demo)
    app.state.webhooks["whatsapp"] = refuse
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, bodies


async def test_a_chunked_webhook_body_is_cut_off_before_the_signature_check(webhook_client):
    client, bodies = webhook_client
    body = Endless()

    response = await client.post("/webhook/whatsapp", content=body)

    assert "content-length" not in response.request.headers  # sent in chunks
    assert response.status_code == 413
    assert bodies == []  # the channel never saw it
    assert body.sent <= limit_of("/webhook/") + 2 * CHUNK


async def test_a_declared_length_over_the_limit_is_refused_before_reading(webhook_client):
    client, bodies = webhook_client
    body = Endless()
    headers = {"Content-Length": str(body.total)}

    response = await client.post("/webhook/whatsapp", content=body, headers=headers)

    assert response.status_code == 413
    assert (bodies, body.sent) == ([], 0)


async def test_a_webhook_body_within_the_limit_reaches_the_channel(webhook_client):
    client, bodies = webhook_client
    response = await client.post("/webhook/whatsapp", content=Endless(3 * CHUNK))
    assert response.status_code == 403
    assert [len(b) for b in bodies] == [3 * CHUNK]


FORM = "application/x-www-form-urlencoded"
UPLOAD = (
    b"--grens\r\n"
    b'Content-Disposition: form-data; name="file"; filename="project.toml"\r\n'
    b"Content-Type: text/plain\r\n\r\n"
)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/login", FORM),
        ("/chat/DEMO", FORM),
        ("/manage/projects/import", FORM),
        ("/manage/projects/import", "multipart/form-data; boundary=grens"),
    ],
)
async def test_forms_get_a_friendly_page_when_the_body_is_too_large(client, path, content_type):
    csrf = csrf_of((await client.get("/login")).text)
    body = Endless(start=UPLOAD if content_type.startswith("multipart/") else b"")

    response = await client.post(
        path, content=body, headers={"Content-Type": content_type, "X-CSRF": csrf}
    )

    assert response.status_code == 413
    assert "Dat is te veel om in één keer te versturen." in response.text
    assert body.sent <= 1024 * 1024 + 2 * CHUNK
