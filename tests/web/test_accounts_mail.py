"""Accounts in the web area, through a local SMTP server: "wachtwoord vergeten" resets a
password through a mailed link (once, within the hour, the same answer for any address); an
admin invites, changes, disables and removes users; nobody else may."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import sqlalchemy as sa

from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import TestClock
from tests.smtp import Inbox
from tests.web.conftest import PASSWORD, client_for, csrf, csrf_of, login, make_user
from tests.web.mailing import link_in, mails_to, settings  # noqa: F401 - the fixture

NEW_PASSWORD = "a brand new password 42"


async def ask_for_reset(client: httpx.AsyncClient, email: str) -> httpx.Response:
    form = await client.get("/login/forgot")
    return await client.post("/login/forgot", data={"email": email, "csrf": csrf_of(form.text)})


async def choose(client: httpx.AsyncClient, path: str, password: str) -> httpx.Response:
    return await client.post(path, data={"new": password, "repeat": password})


async def test_a_password_is_reset_through_the_mailed_link_once(
    demo: Container, client: httpx.AsyncClient, smtp_inbox: Inbox
):
    await make_user(demo, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    page = await client.get("/login")
    assert 'href="/login/forgot"' in page.text and "Wachtwoord vergeten?" in page.text
    asked = await ask_for_reset(client, "Fac@Voorbeeld.nl ")
    assert asked.status_code == 200 and "Als er een account met dit adres is" in asked.text

    [mail] = await mails_to(demo, smtp_inbox, "fac@voorbeeld.nl")
    assert "Kies binnen een uur een nieuw wachtwoord" in mail
    path = link_in(mail)
    form = await client.get(path)
    assert form.status_code == 200 and "fac@voorbeeld.nl" in form.text
    assert form.headers["referrer-policy"] == "no-referrer"
    done = await choose(client, path, NEW_PASSWORD)
    assert done.status_code == 303 and done.headers["location"] == "/login?reset=1"

    async with client_for(demo) as other:
        assert (await login(other, "fac@voorbeeld.nl", PASSWORD)).status_code == 400
        assert (await login(other, "fac@voorbeeld.nl", NEW_PASSWORD)).status_code == 303
    again = await choose(client, path, "yet another password 43")
    assert again.status_code == 410 and "Deze link werkt niet meer" in again.text


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    demo: Container, client: httpx.AsyncClient, smtp_inbox: Inbox
):
    await make_user(demo, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    known = await ask_for_reset(client, "fac@voorbeeld.nl")
    unknown = await ask_for_reset(client, "nobody@voorbeeld.nl")
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'name="csrf" value="[^"]*"')
    assert strip.sub("", known.text) == strip.sub("", unknown.text)
    assert await mails_to(demo, smtp_inbox, "nobody@voorbeeld.nl") == []
    assert len(smtp_inbox.mails) == 1


async def test_a_reset_link_expires_after_an_hour_a_newer_one_replaces_it_and_none_floods(
    demo: Container, client: httpx.AsyncClient, smtp_inbox: Inbox, clock: TestClock
):
    await make_user(demo, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    await ask_for_reset(client, "fac@voorbeeld.nl")
    clock.advance(minutes=61)
    [late] = await mails_to(demo, smtp_inbox, "fac@voorbeeld.nl")
    assert (await choose(client, link_in(late), NEW_PASSWORD)).status_code == 410
    await ask_for_reset(client, "fac@voorbeeld.nl")
    await ask_for_reset(client, "fac@voorbeeld.nl")  # at once again: no second mail
    assert len(await mails_to(demo, smtp_inbox, "fac@voorbeeld.nl")) == 2
    clock.advance(minutes=3)
    await ask_for_reset(client, "fac@voorbeeld.nl")
    _late, replaced, newest = await mails_to(demo, smtp_inbox, "fac@voorbeeld.nl")
    assert (await client.get(link_in(replaced))).status_code == 410
    short = await choose(client, link_in(newest), "short")
    assert short.status_code == 400 and "minstens 10 tekens" in short.text
    assert (await choose(client, link_in(newest), NEW_PASSWORD)).status_code == 303


async def test_a_reset_ends_every_session_and_a_disabled_account_gets_no_link(
    demo: Container, client: httpx.AsyncClient, smtp_inbox: Inbox
):
    await make_user(demo, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    async with client_for(demo) as signed_in:
        await login(signed_in, "fac@voorbeeld.nl")
        assert (await signed_in.get("/manage")).status_code == 200
        await ask_for_reset(client, "fac@voorbeeld.nl")
        [mail] = await mails_to(demo, smtp_inbox, "fac@voorbeeld.nl")
        await choose(client, link_in(mail), NEW_PASSWORD)
        assert (await signed_in.get("/manage")).status_code == 303  # signed out
    async with demo.uow() as uow:
        await uow.conn.execute(sa.update(t.users).values(disabled_at=demo.clock()))
        await uow.commit()
    await ask_for_reset(client, "fac@voorbeeld.nl")
    assert len(await mails_to(demo, smtp_inbox, "fac@voorbeeld.nl")) == 1


@asynccontextmanager
async def _admin(demo: Container) -> AsyncIterator[httpx.AsyncClient]:
    await make_user(demo, "admin@voorbeeld.nl", "admin")
    async with client_for(demo) as admin:
        assert (await login(admin, "admin@voorbeeld.nl")).status_code == 303
        yield admin


async def _user_id(demo: Container, email: str) -> int:
    async with demo.reading() as uow:
        found = await uow.accounts.by_email(email)
    assert found is not None
    return found[0].id or 0


async def test_an_admin_invites_a_user_who_chooses_a_password_and_is_later_disabled(
    demo: Container, smtp_inbox: Inbox
):
    async with _admin(demo) as admin:
        token = await csrf(admin, "/manage/users")
        form = {"email": "kim@voorbeeld.nl", "role": "facilitator", "csrf": token}
        invited = await admin.post(
            "/manage/users", data={**form, "organisation": "gemeente-voorbeeld"}
        )
        assert invited.status_code == 303
        listing = await admin.get("/manage/users")
        assert (
            "kim@voorbeeld.nl" in listing.text
            and "uitgenodigd, nog geen wachtwoord" in listing.text
        )
        [first] = await mails_to(demo, smtp_inbox, "kim@voorbeeld.nl")
        assert "Kies binnen 7 dagen je wachtwoord" in first
        kim_id = await _user_id(demo, "kim@voorbeeld.nl")
        token = await csrf(admin, f"/manage/users/{kim_id}")
        again = await admin.post(f"/manage/users/{kim_id}/resend", data={"csrf": token})
        assert again.status_code == 303
        _first, mail = await mails_to(demo, smtp_inbox, "kim@voorbeeld.nl")

        async with client_for(demo) as kim:
            assert (await login(kim, "kim@voorbeeld.nl", "")).status_code == 400
            assert (await kim.get(link_in(first))).status_code == 410  # replaced
            welcome = await kim.get(link_in(mail))
            assert "Welkom bij inspraak" in welcome.text
            assert (await choose(kim, link_in(mail), NEW_PASSWORD)).status_code == 303
            assert (await login(kim, "kim@voorbeeld.nl", NEW_PASSWORD)).headers[
                "location"
            ] == "/manage"
            assert (await kim.get("/manage")).status_code == 200

            resend = await admin.post(f"/manage/users/{kim_id}/resend", data={"csrf": token})
            assert resend.status_code == 400 and "al een wachtwoord" in resend.text
            off = await admin.post(f"/manage/users/{kim_id}/disable", data={"csrf": token})
            assert off.status_code == 303
            assert (await kim.get("/manage")).status_code == 303  # the session ended at once
            refused = await login(kim, "kim@voorbeeld.nl", NEW_PASSWORD)
            assert refused.status_code == 403 and "Vraag je beheerder" in refused.text
            assert "uitgeschakeld" in (await admin.get("/manage/users")).text

            on = await admin.post(f"/manage/users/{kim_id}/enable", data={"csrf": token})
            assert on.status_code == 303
            assert (await login(kim, "kim@voorbeeld.nl", NEW_PASSWORD)).status_code == 303
    async with demo.reading() as uow:
        actions = (await uow.conn.execute(sa.select(t.audit_log.c.action))).scalars().all()
    assert {"account.invite", "account.reset", "account.disable", "account.enable"} <= set(actions)


async def test_an_admin_changes_role_and_organisation_and_removes_a_user(
    demo: Container, smtp_inbox: Inbox
):
    fac = await make_user(demo, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    async with _admin(demo) as admin:
        token = await csrf(admin, f"/manage/users/{fac.id}")
        wrong = await admin.post(
            f"/manage/users/{fac.id}", data={"role": "viewer", "organisation": "", "csrf": token}
        )
        assert wrong.status_code == 400 and "Kies de organisatie" in wrong.text
        saved = await admin.post(
            f"/manage/users/{fac.id}",
            data={"role": "viewer", "organisation": "gemeente-voorbeeld", "csrf": token},
        )
        assert saved.status_code == 303
        async with demo.reading() as uow:
            found = await uow.accounts.by_id(fac.id or 0)
        assert found is not None and found[0].role == "viewer"

        confirm = await admin.get(f"/manage/users/{fac.id}?remove=1")
        assert "definitief verwijderen" in confirm.text
        gone = await admin.post(f"/manage/users/{fac.id}/remove", data={"csrf": token})
        assert gone.status_code == 303
        assert "fac@voorbeeld.nl" not in (await admin.get("/manage/users")).text

        admin_id = await _user_id(demo, "admin@voorbeeld.nl")
        itself = await admin.post(f"/manage/users/{admin_id}/disable", data={"csrf": token})
        assert itself.status_code == 403
        taken = await admin.post(
            f"/manage/users/{admin_id}",
            data={"role": "viewer", "organisation": "gemeente-voorbeeld", "csrf": token},
        )
        assert taken.status_code == 403
        twice = await admin.post(
            "/manage/users",
            data={
                "email": "admin@voorbeeld.nl",
                "role": "admin",
                "organisation": "",
                "csrf": token,
            },
        )
        assert twice.status_code == 400 and "Er is al een account" in twice.text


async def test_only_admins_manage_users(demo: Container, signed_in: httpx.AsyncClient):
    assert (await signed_in.get("/manage/users")).status_code == 403
    token = await csrf(signed_in)
    refused = await signed_in.post(
        "/manage/users", data={"email": "x@voorbeeld.nl", "role": "admin", "csrf": token}
    )
    assert refused.status_code == 403
    assert 'href="/manage/users"' not in (await signed_in.get("/manage")).text
