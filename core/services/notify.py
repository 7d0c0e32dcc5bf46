"""Telling residents of a new round where their channel cannot: the e-mail opt-in.

A web-chat resident who asks for an e-mail gets it as their contact (channel ``email``):
the round's prompt reaches them through the outbox like a Telegram or WhatsApp message
(core/services/broadcast.py; only prompts, no reminders or results), MY DATA shows it,
FORGET erases it with the rest of their contact, and retention erases it with their project.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from core.domain import commands as c
from core.domain.errors import NotConsented
from core.domain.model import ResidentStatus
from core.services.handlers import Handler
from core.storage.uow import UnitOfWork

EMAIL = "email"  # the contact channel of an e-mail address


async def set_notify_email(cmd: c.SetNotifyEmail, uow: UnitOfWork) -> None:
    """Keep the address as the resident's contact; only someone taking part may give one."""
    residents = await uow.residents.for_pseudonym(cmd.pseudonym)
    if not any(r.status == ResidentStatus.ACTIVE for r in residents):
        raise NotConsented()
    await uow.residents.save_contact(cmd.pseudonym, EMAIL, cmd.address, uow.clock())


async def stop_notify_email(cmd: c.StopNotifyEmail, uow: UnitOfWork) -> int:
    """Forget the address as a contact (whoever gave it): no more e-mail goes to it."""
    return await uow.contacts.drop_address(EMAIL, cmd.address)


def stop_signature(secret_key: str, address: str) -> str:
    """What proves a stop link was made by us for this address (no login needed)."""
    message = f"mail-stop:{address.strip().lower()}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def stop_link(base_url: str, secret_key: str, address: str) -> str:
    """The link in every notification e-mail that stops them (``/mail/stop``)."""
    query = urlencode({"address": address, "sig": stop_signature(secret_key, address)})
    return f"{base_url.rstrip('/')}/mail/stop?{query}"


NOTIFY_HANDLERS: dict[type[c.Command], Handler] = {
    c.SetNotifyEmail: set_notify_email,
    c.StopNotifyEmail: stop_notify_email,
}
