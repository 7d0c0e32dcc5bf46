"""Absolute addresses come from INSPRAAK_PUBLIC_URL (or the configured default), never from the
request's Host header: join links, QR codes, the chat's redirect and the links on a page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from config.settings import Settings
from tests.conftest import SECRET
from tests.web.conftest import csrf_of
from web.app import create_app

EVIL = {"Host": "evil.example"}


@pytest.fixture(params=["https://inspraak.example.nl", ""], ids=["public-url", "default"])
def settings(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=tmp_path / "var",
        public_url=request.param,
        _env_file=None,  # type: ignore[call-arg]
    )


def absolute_links(html: str) -> set[str]:
    return set(re.findall(r'(?:href|src|action)="(https?://[^"]+)"', html))


async def test_join_links_use_the_public_address_whatever_the_host_header(client, settings):
    page = await client.get("/", headers=EVIL)

    assert "evil.example" not in page.text
    assert absolute_links(page.text) == {f"{settings.base_url()}/chat/DEMO"}


async def test_qr_codes_encode_the_public_address_whatever_the_host_header(client, settings):
    code = await client.get("/qr/DEMO/web.svg", headers=EVIL)

    assert code.status_code == 200
    assert "evil.example" not in code.text
    assert f"<title>{settings.base_url()}/chat/DEMO</title>" in code.text
    png = await client.get("/qr/DEMO/web.png", headers=EVIL)
    plain = await client.get("/qr/DEMO/web.png")
    assert png.content == plain.content  # what a cache keeps is the same for every host


@pytest.fixture
async def https_client(demo) -> AsyncIterator[httpx.AsyncClient]:
    """A client on https, as residents are behind the proxy (the chat's cookie is Secure)."""
    transport = httpx.ASGITransport(app=create_app(demo))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


async def test_the_chat_sends_residents_back_to_a_relative_address(https_client):
    client = https_client
    page = await client.get("/chat/DEMO", headers=EVIL)
    assert "evil.example" not in page.text

    answer = await client.post(
        "/chat/DEMO", data={"csrf": csrf_of(page.text), "text": "hoi"}, headers=EVIL
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/chat/DEMO#latest"
