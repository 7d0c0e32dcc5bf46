"""The postman sends staff mails in the background: it tries again when the server says
"later", gives up on a refused address, and a shutdown does not wait for a server that is away."""

from __future__ import annotations

import asyncio

from core.domain.events import StaffMailReady
from core.mail import Mail, MailError
from core.services.staff_mail import Postman

READY = StaffMailReady("fac@voorbeeld.nl", "Onderwerp", "Tekst")


class Flaky:
    """A mailer that fails with the given errors first, then sends."""

    def __init__(self, *errors: MailError, hang: bool = False) -> None:
        self.errors = list(errors)
        self.hang = hang
        self.attempts = 0
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.attempts += 1
        if self.hang:
            await asyncio.sleep(3600)
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(mail)


async def test_a_mail_is_tried_again_after_a_try_later_answer():
    mailer = Flaky(MailError("451", transient=True))
    postman = Postman(mailer, wait=0.01)
    await postman.deliver(READY)
    await postman.drain()
    assert mailer.attempts == 2 and [m.to for m in mailer.sent] == ["fac@voorbeeld.nl"]


async def test_a_refused_address_is_not_tried_again():
    mailer = Flaky(MailError("550", transient=False))
    postman = Postman(mailer, wait=0.01)
    await postman.deliver(READY)
    await postman.drain()
    assert mailer.attempts == 1 and mailer.sent == []


async def test_a_shutdown_waits_only_so_long_for_a_silent_server():
    postman = Postman(Flaky(hang=True))
    await postman.deliver(READY)
    await asyncio.wait_for(postman.drain(within=0.05), timeout=2)
