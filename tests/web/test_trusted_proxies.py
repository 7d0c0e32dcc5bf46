"""Forwarded client addresses are believed only from the proxies in INSPRAAK_TRUSTED_PROXIES:
the login limits count the real client behind one, and nobody else can pretend to be another
address."""

from __future__ import annotations

from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from starlette.datastructures import Headers

from config.settings import Settings
from inspraak.server import uvicorn_config
from tests.conftest import SECRET
from tests.web.conftest import csrf_of
from web.app import create_app
from web.proxies import TrustedProxies

PROXIES = TrustedProxies(FastAPI(), [ip_network("127.0.0.1/32"), ip_network("10.0.0.0/8")])


@pytest.mark.parametrize(
    ("peer", "headers", "client"),
    [
        ("192.0.2.7", {"X-Forwarded-For": "198.51.100.1"}, "192.0.2.7"),  # not a proxy
        ("127.0.0.1", {"X-Forwarded-For": "198.51.100.1"}, "198.51.100.1"),
        ("127.0.0.1", {"X-Forwarded-For": "6.6.6.6, 198.51.100.1, 10.1.2.3"}, "198.51.100.1"),
        ("127.0.0.1", {"X-Forwarded-For": "10.9.9.9, 10.1.2.3"}, "10.9.9.9"),
        ("127.0.0.1", {}, "127.0.0.1"),
        ("127.0.0.1", {"Forwarded": 'for="[2001:db8::17]:4711";proto=https'}, "2001:db8::17"),
        ("127.0.0.1", {"Forwarded": "for=6.6.6.6, for=198.51.100.2:80"}, "198.51.100.2"),
        ("127.0.0.1", {"X-Forwarded-For": "garbage"}, "garbage"),  # a proxy's word, kept
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(peer, headers, client):
    assert PROXIES.client_of(peer, Headers(headers)) == client


def test_uvicorn_believes_no_forwarding_header_itself():
    assert uvicorn_config(FastAPI(), "127.0.0.1", 8000).proxy_headers is False


def test_the_setting_refuses_what_is_not_an_address(tmp_path: Path):
    assert Settings(_env_file=None).trusted_networks() == []  # type: ignore[call-arg]  # default
    with pytest.raises(ValueError, match="INSPRAAK_TRUSTED_PROXIES"):
        Settings(trusted_proxies="127.0.0.1, proxy.local", _env_file=None)  # type: ignore[call-arg]
    settings = Settings(trusted_proxies=" 127.0.0.1 ,10.0.0.0/8", _env_file=None)  # type: ignore[call-arg]
    assert settings.trusted_networks() == [ip_network("127.0.0.1/32"), ip_network("10.0.0.0/8")]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=tmp_path / "var",
        trusted_proxies="127.0.0.1",
        _env_file=None,  # type: ignore[call-arg]
    )


async def failed_login_from(demo, peer: str, forwarded: str) -> None:
    transport = httpx.ASGITransport(app=create_app(demo), client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = await client.get("/login")
        form = {"email": "a@b.nl", "password": "fout", "csrf": csrf_of(page.text)}
        await client.post("/login", data=form, headers={"X-Forwarded-For": forwarded})


async def counted(demo, ip: str) -> int:
    async with demo.reading() as uow:
        return await uow.accounts.failures("a@b.nl", ip, demo.clock() - timedelta(hours=1))


async def test_failed_logins_count_the_client_behind_a_trusted_proxy(demo):
    await failed_login_from(demo, "127.0.0.1", "6.6.6.6, 198.51.100.1")
    await failed_login_from(demo, "192.0.2.7", "198.51.100.1")  # not a proxy: header ignored

    assert await counted(demo, "198.51.100.1") == 1
    assert await counted(demo, "192.0.2.7") == 1
    assert await counted(demo, "6.6.6.6") == await counted(demo, "127.0.0.1") == 0
