"""The stop link in notification e-mails: a page that asks, a button (or a mail program's
one-click POST) that forgets the address; a forged or cut link stops nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

from core.services.conversation import make_pseudonym
from core.services.notify import stop_link
from inspraak.bootstrap import Container
from tests.web.conftest import client_for

ADDRESS = "kim@example.nl"


async def _contact(demo: Container) -> str:
    pseudonym = make_pseudonym(demo.secret_key, "web", "kim")
    async with demo.uow() as uow:
        await uow.residents.save_contact(pseudonym, "email", ADDRESS, demo.clock())
        await uow.commit()
    return pseudonym


async def _has_contact(demo: Container, pseudonym: str) -> bool:
    async with demo.uow() as uow:
        return await uow.contacts.address_of(pseudonym) is not None


async def test_the_stop_link_asks_first_then_forgets_the_address(demo: Container):
    pseudonym = await _contact(demo)
    link = urlsplit(stop_link("http://127.0.0.1:8000", demo.secret_key, ADDRESS))
    path = f"{link.path}?{link.query}"
    async with client_for(demo) as visitor:
        page = await visitor.get(path)
        assert page.status_code == 200 and "Wil je geen e-mails meer" in page.text
        assert await _has_contact(demo, pseudonym)  # opening the link stops nothing
        form = {"address": ADDRESS, "sig": path.rsplit("sig=", 1)[1]}
        done = await visitor.post("/mail/stop", data=form)
    assert (
        done.status_code == 200
        and "Klaar: we sturen geen e-mails meer naar kim@example.nl" in done.text
    )
    assert not await _has_contact(demo, pseudonym)


async def test_a_mail_programs_one_click_stop_works(demo: Container):
    pseudonym = await _contact(demo)
    link = urlsplit(stop_link("http://127.0.0.1:8000", demo.secret_key, ADDRESS))
    async with client_for(demo) as program:
        done = await program.post(
            f"{link.path}?{link.query}", data={"List-Unsubscribe": "One-Click"}
        )
    assert done.status_code == 200
    assert not await _has_contact(demo, pseudonym)


async def test_a_forged_stop_link_stops_nothing(demo: Container):
    pseudonym = await _contact(demo)
    async with client_for(demo) as visitor:
        forged = await visitor.post("/mail/stop", data={"address": ADDRESS, "sig": "0" * 32})
        cut = await visitor.get("/mail/stop?address=kim%40example.nl")
    assert forged.status_code == 400 and "Deze link is niet compleet" in forged.text
    assert cut.status_code == 400
    assert await _has_contact(demo, pseudonym)
