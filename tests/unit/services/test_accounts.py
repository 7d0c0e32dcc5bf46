"""Accounts: one-time passwords, the login limit, sessions and API tokens, without a database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from core.domain import commands as c
from core.domain.accounts import Role
from core.domain.errors import InvalidInput
from core.services import accounts
from core.services.bus import MessageBus
from tests.fakes.uow import FakeDatabase

IP = "192.0.2.1"


@pytest.fixture(autouse=True)
def light_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id still, with the least work: these tests are about the rules, not the cost."""
    light = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    monkeypatch.setattr(accounts, "hasher", lambda: light)


async def create(db: FakeDatabase, email: str, role: str = "admin", org: str | None = None):
    async with db.uow() as uow:
        user, password = await accounts.create_user(uow, email, role, org)
        await uow.commit()
    return user, password


async def login(db: FakeDatabase, email: str, password: str, ip: str = IP):
    found = await MessageBus(db.uow).handle(c.SignIn(email, password, ip))  # type: ignore[arg-type]
    return found[0] if found else None


async def test_a_new_account_gets_a_one_time_password_to_replace(db):
    user, password = await create(db, " Beheer@Voorbeeld.NL ", "facilitator", "gemeente-a")

    assert (user.email, user.role, user.must_change_password) == (
        "beheer@voorbeeld.nl",
        Role.FACILITATOR,
        True,
    )
    assert len(password) >= 12
    found = await login(db, "beheer@voorbeeld.nl", password)
    assert found is not None and found.organisation_id == user.organisation_id is not None


@pytest.mark.parametrize(
    ("email", "role", "org", "code"),
    [
        ("geen-adres", "admin", None, "email"),
        ("a@b.nl", "baas", None, "role"),
        ("a@b.nl", "viewer", None, "organisation_required"),
    ],
)
async def test_an_account_needs_an_address_a_role_and_for_non_admins_an_organisation(
    db, email, role, org, code
):
    with pytest.raises(InvalidInput) as refused:
        await create(db, email, role, org)
    assert refused.value.detail == code
    assert db.tables.users == {}


async def test_one_account_per_address(db):
    await create(db, "a@b.nl")
    with pytest.raises(accounts.AccountExists):
        await create(db, "A@b.nl")


async def test_five_failures_lock_that_address_and_client_for_the_window(db, clock):
    _, password = await create(db, "a@b.nl")
    for _ in range(accounts.MAX_FAILURES):
        assert await login(db, "a@b.nl", "fout") is None

    with pytest.raises(accounts.LoginThrottled):
        await login(db, "a@b.nl", password)
    assert await login(db, "a@b.nl", password, ip="192.0.2.2") is not None  # another client
    clock.advance(minutes=16)
    assert await login(db, "a@b.nl", password) is not None
    assert db.tables.login_failures == {}  # a success clears the pair


async def test_a_session_lives_twelve_hours_and_ends_at_logout(db, clock):
    user, _ = await create(db, "a@b.nl")
    async with db.uow() as uow:
        token = await accounts.start_session(uow, user.id or 0)
        other = await accounts.start_session(uow, user.id or 0)
        await uow.commit()

    async with db.uow() as uow:
        found = await accounts.session_user(uow, token)
        await accounts.end_session(uow, token)
        await uow.commit()
    assert found is not None and found[0].email == "a@b.nl" and len(found[1]) > 20
    async with db.reading() as uow:
        assert await accounts.session_user(uow, token) is None
        assert await accounts.session_user(uow, other) is not None
    clock.advance(hours=12)
    async with db.reading() as uow:
        assert await accounts.session_user(uow, other) is None


async def test_changing_the_password_checks_it_and_ends_the_other_sessions(db):
    user, password = await create(db, "a@b.nl")
    uid = user.id or 0
    async with db.uow() as uow:
        here, there = [await accounts.start_session(uow, uid) for _ in range(2)]
        await uow.commit()
    bus = MessageBus(db.uow)  # type: ignore[arg-type]

    assert not await bus.handle(c.ChangePassword(uid, "fout", "nieuw-wachtwoord", here))
    for new, code in ((password, "password_unchanged"), ("kort", "password_too_short")):
        with pytest.raises(InvalidInput, match=code):
            await bus.handle(c.ChangePassword(uid, password, new, here))
    assert await bus.handle(c.ChangePassword(uid, password, "nieuw-wachtwoord", here))

    async with db.reading() as uow:
        assert await accounts.session_user(uow, here) is not None
        assert await accounts.session_user(uow, there) is None
    assert await login(db, "a@b.nl", password) is None
    changed = await login(db, "a@b.nl", "nieuw-wachtwoord")
    assert changed is not None and changed.must_change_password is False


async def test_failures_from_many_client_addresses_make_the_account_wait_longer_each_time(
    db, clock
):
    _, password = await create(db, "a@b.nl")
    limits = accounts.LIMITS
    for n in range(limits.per_account):
        assert await login(db, "a@b.nl", "fout", ip=f"198.51.100.{n}") is None

    with pytest.raises(accounts.LoginThrottled) as refused:
        await login(db, "a@b.nl", password, ip="203.0.113.1")  # a client without failures
    assert refused.value.retry_after == limits.first_wait
    clock.advance(seconds=limits.first_wait.total_seconds())
    assert await login(db, "a@b.nl", "fout", ip="203.0.113.2") is None
    with pytest.raises(accounts.LoginThrottled) as refused:
        await login(db, "a@b.nl", password, ip="203.0.113.3")
    assert refused.value.retry_after == 2 * limits.first_wait  # the wait doubles
    clock.advance(seconds=2 * limits.first_wait.total_seconds())
    assert await login(db, "a@b.nl", password, ip="203.0.113.3") is not None


async def test_the_wait_grows_to_at_most_a_quarter_of_an_hour_and_unknown_addresses_wait_too(
    db, clock
):
    limits = accounts.LIMITS
    assert limits.account_wait(limits.per_account + 30) == limits.longest_wait
    assert limits.longest_wait == timedelta(minutes=15)
    for n in range(limits.per_account):  # nobody has this address: refused all the same
        assert await login(db, "niemand@b.nl", "fout", ip=f"198.51.100.{n}") is None
    with pytest.raises(accounts.LoginThrottled):
        await login(db, "niemand@b.nl", "fout", ip="203.0.113.1")


async def test_a_token_works_until_revoked_and_only_its_owner_revokes_it(db, clock):
    owner, _ = await create(db, "a@b.nl")
    other, _ = await create(db, "c@d.nl")
    async with db.uow() as uow:
        token = await accounts.new_api_token(uow, "A@B.nl")
        assert (await accounts.token_user(uow, token)).email == "a@b.nl"
        (listed,) = await accounts.tokens_of(uow, owner.id or 0)
        assert listed["last_used_at"] == clock()
        assert not await accounts.revoke_token(uow, other.id or 0, listed["id"])
        assert await accounts.revoke_token(uow, owner.id or 0, listed["id"])
        assert await accounts.token_user(uow, token) is None
        with pytest.raises(InvalidInput, match="unknown_user"):
            await accounts.new_api_token(uow, "x@y.nl")
