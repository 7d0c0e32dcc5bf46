"""Without SMTP no link can reach anyone: inviting is refused with a message and creates no
account, and "wachtwoord vergeten" says to ask the admin."""

from __future__ import annotations

from inspraak.bootstrap import Container
from tests.web.conftest import client_for, csrf, login, make_user


async def test_without_mail_an_invitation_is_refused_and_makes_no_account(demo: Container):
    await make_user(demo, "admin@voorbeeld.nl", "admin")
    async with client_for(demo) as admin:
        await login(admin, "admin@voorbeeld.nl")
        page = await admin.get("/manage/users")
        assert "E-mail is niet ingesteld" in page.text
        token = await csrf(admin, "/manage/users")
        refused = await admin.post(
            "/manage/users",
            data={"email": "kim@voorbeeld.nl", "role": "admin", "organisation": "", "csrf": token},
        )
    assert refused.status_code == 400 and "geen uitnodiging" in refused.text
    async with demo.reading() as uow:
        assert await uow.accounts.by_email("kim@voorbeeld.nl") is None


async def test_without_mail_the_forgot_page_says_to_ask_the_admin(demo: Container):
    async with client_for(demo) as visitor:
        page = await visitor.get("/login/forgot")
    assert "Vraag je beheerder om een nieuw wachtwoord" in page.text
    assert 'action="/login/forgot"' not in page.text
