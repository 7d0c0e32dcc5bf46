"""Web fixtures: the app around the demo container, accounts, and a logged-in client."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from core.domain.accounts import User
from core.services import accounts
from core.storage.accounts import AccountRepository
from inspraak.bootstrap import Container
from web.app import create_app

PASSWORD = "correct horse battery"


async def make_user(
    container: Container, email: str, role: str, organisation: str | None = None
) -> User:
    """An account with a known password that need not be changed."""
    async with container.uow() as uow:
        user, _ = await accounts.create_user(uow, email, role, organisation)
        await AccountRepository(uow.conn).update_user(
            user.id or 0,
            password_hash=await accounts.hash_password(PASSWORD),
            must_change_password=False,
        )
        await uow.commit()
    user.must_change_password = False
    return user


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    page = await client.get("/login")
    return await client.post(
        "/login", data={"email": email, "password": password, "csrf": csrf_of(page.text)}
    )


def client_for(container: Container) -> httpx.AsyncClient:
    app = create_app(container)
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def client(demo: Container) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(demo) as c:
        yield c


@pytest.fixture
async def facilitator(demo: Container) -> User:
    return await make_user(demo, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")


@pytest.fixture
async def signed_in(client: httpx.AsyncClient, facilitator: User) -> httpx.AsyncClient:
    response = await login(client, facilitator.email)
    assert response.status_code == 303, response.text
    return client


async def csrf(client: httpx.AsyncClient, path: str = "/manage") -> str:
    return csrf_of((await client.get(path)).text)
