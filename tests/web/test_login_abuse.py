"""Signing in under attack: a password being checked holds no database lock, and failed
logins for one address are capped across client addresses, with a growing wait."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator

import httpx
import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from core.services import accounts
from inspraak.bootstrap import Container
from tests.web.conftest import PASSWORD, csrf_of, make_user
from web.app import create_app


class HeldHasher(PasswordHash):
    """A light argon2id whose verification waits until the test lets it go."""

    def __init__(self) -> None:
        super().__init__((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
        self.entered = threading.Event()
        self.release = threading.Event()

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:  # noqa: A002
        self.entered.set()
        self.release.wait(timeout=10)
        return super().verify(password, hash)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> HeldHasher:
    hasher = HeldHasher()
    hasher.release.set()  # only the test that holds it clears it
    monkeypatch.setattr(accounts, "hasher", lambda: hasher)
    return hasher


def client_at(container: Container, address: str) -> httpx.AsyncClient:
    """A client whose requests come from ``address``."""
    transport = httpx.ASGITransport(app=create_app(container), client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def attempt(container: Container, email: str, password: str, address: str):
    async with client_at(container, address) as client:
        page = await client.get("/login")
        form = {"email": email, "password": password, "csrf": csrf_of(page.text)}
        return await client.post("/login", data=form)


@pytest.fixture
async def resident(demo: Container) -> AsyncIterator[httpx.AsyncClient]:
    async with client_at(demo, "192.0.2.50") as client:
        yield client


@pytest.mark.parametrize("email", ["fac@voorbeeld.nl", "niemand@voorbeeld.nl"])
async def test_a_resident_is_answered_while_a_password_is_being_checked(
    demo, held, resident, email
):
    await make_user(demo, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    held.release.clear()
    signing_in = asyncio.create_task(attempt(demo, email, "fout wachtwoord", "192.0.2.9"))
    try:
        assert await asyncio.to_thread(held.entered.wait, 5), "the password was never checked"
        step = await asyncio.wait_for(resident.get("/chat/DEMO"), timeout=3)
        assert step.status_code == 200
    finally:
        held.release.set()
    assert (await signing_in).status_code == 400


async def test_failed_logins_from_many_addresses_make_the_account_wait(demo, held):
    await make_user(demo, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    for n in range(accounts.LIMITS.per_account):
        wrong = await attempt(demo, "fac@voorbeeld.nl", "fout wachtwoord", f"198.51.100.{n}")
        assert wrong.status_code == 400

    refused = await attempt(demo, "fac@voorbeeld.nl", PASSWORD, "203.0.113.1")
    assert refused.status_code == 429
    assert "Probeer het later opnieuw" in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    demo.clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert (await attempt(demo, "fac@voorbeeld.nl", PASSWORD, "203.0.113.1")).status_code == 303


async def test_a_refusal_does_not_tell_whether_the_account_exists(demo, held):
    await make_user(demo, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    answers = []
    for email in ("fac@voorbeeld.nl", "niemand@voorbeeld.nl"):
        for n in range(accounts.LIMITS.per_account):
            await attempt(demo, email, "fout wachtwoord", f"198.51.100.{n}")
        refused = await attempt(demo, email, "fout wachtwoord", "203.0.113.1")
        page = re.sub(r'name="csrf" value="[^"]+"', "", refused.text.replace(email, "EMAIL"))
        answers.append((refused.status_code, page))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


async def test_a_resident_is_answered_while_a_password_change_is_being_checked(
    demo, held, resident, signed_in
):
    page = await signed_in.get("/account/password")
    form = {"csrf": csrf_of(page.text), "current": "fout", "new": "x" * 12, "repeat": "x" * 12}
    held.entered.clear()
    held.release.clear()
    changing = asyncio.create_task(signed_in.post("/account/password", data=form))
    try:
        assert await asyncio.to_thread(held.entered.wait, 5), "the password was never checked"
        step = await asyncio.wait_for(resident.get("/chat/DEMO"), timeout=3)
        assert step.status_code == 200
    finally:
        held.release.set()
    assert (await changing).status_code == 400


@pytest.mark.parametrize(
    "email", ["fac\x00@voorbeeld.nl", "a" * 5000 + "@voorbeeld.nl", "\u202e@x"]
)
async def test_a_strange_address_is_a_failed_login_not_a_server_error(demo, held, email):
    wrong = await attempt(demo, email, "fout wachtwoord", "192.0.2.77")
    assert wrong.status_code == 400
    assert "Probeer het opnieuw" in wrong.text or "klopt niet" in wrong.text
