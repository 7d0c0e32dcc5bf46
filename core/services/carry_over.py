"""Continuing on Telegram or WhatsApp: a web-chat resident carried over, with their consent.

The web chat cannot push, so a web-chat resident may continue where a message can reach
them. The web makes a join link with a token (``IssueCarryOver``: single-use, 30 minutes,
only its hash stored); the Telegram deep link's ``/start`` payload or the WhatsApp ``START``
text brings it back, and :func:`redeem` gives the resident of the web chat's pseudonym the new
channel's pseudonym: the same resident, their answers and their consent (shown to them
again), now with a contact that a round's prompt reaches. The web chat's state, transcript
and e-mail contact are forgotten; nothing else moves.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from core.domain import commands as c
from core.domain.model import ResidentStatus
from core.i18n import format_when, gettext_for
from core.messages import Incoming, Reply
from core.services.handlers import Handler
from core.storage.carry_overs import CarryOver
from core.storage.uow import UnitOfWork

TOKEN_PREFIX = "carry-"
TOKEN_LIFETIME = timedelta(minutes=30)
_TOKEN = re.compile(r"carry-[0-9a-f]{24}")


def is_token(text: str) -> bool:
    """Whether a start payload (or ``START ...`` text) is a carry-over token."""
    return bool(_TOKEN.fullmatch(text.strip().lower()))


def _hash(token: str) -> str:
    return hashlib.sha256(token.strip().lower().encode()).hexdigest()


async def issue_carry_over(cmd: c.IssueCarryOver, uow: UnitOfWork) -> str | None:
    """A new token for the resident of ``cmd.pseudonym`` in the project; None when they do
    not take part there (no consent yet). The web offers it only for channels with a join
    link."""
    project = await uow.projects.by_code(cmd.project_code)
    if project is None or project.id is None:
        return None
    resident = await uow.residents.get(cmd.pseudonym, project.id)
    if resident is None or resident.status == ResidentStatus.BLOCKED:
        return None
    token = TOKEN_PREFIX + secrets.token_hex(12)
    now = uow.clock()
    carry = CarryOver(cmd.pseudonym, project.id, cmd.channel)
    await uow.carry.add(_hash(token), carry, now, now + TOKEN_LIFETIME)
    return token


async def redeem(
    uow: UnitOfWork,
    token: str,
    pseudonym: str,
    channel: str,
    address: str | None,
    bot_id: int | None,
) -> tuple[list[Reply], Incoming]:
    """Carry the token's resident over to ``pseudonym`` on ``channel``: what to tell them,
    and the message the dialogue goes on with (a start in their project)."""
    now = uow.clock()
    carry = await uow.carry.take(_hash(token), now)
    project = await uow.projects.get(carry.project_id) if carry is not None else None
    if carry is None or project is None:
        _ = gettext_for(None).gettext
        text = _("This link has expired or was used already. Ask the web chat for a new one.")
        return [Reply(text)], Incoming.start("")
    resident = await uow.residents.get(carry.pseudonym, carry.project_id)
    language = resident.language if resident is not None else project.language
    _ = gettext_for(language).gettext
    if resident is None or not await uow.carry.move_resident(
        carry.pseudonym, pseudonym, carry.project_id
    ):
        text = _(
            "You already take part in this project here, so your answers from the web chat "
            "stay there."
        )
        return [Reply(text)], Incoming.start(project.code)
    await uow.carry.leave(carry.pseudonym)
    if address:
        await uow.residents.save_contact(pseudonym, channel, address, now, bot_id=bot_id)
    text = _(
        "You continue here with your answers from the web chat. The consent you gave on "
        "{when} still applies: we keep your answers under a pseudonym, and you can see your "
        "data (MY DATA) or erase it (FORGET) at any time."
    ).format(when=format_when(resident.consent_at, language))
    return [Reply(text)], Incoming.start(project.code)


CARRY_OVER_HANDLERS: dict[type[c.Command], Handler] = {c.IssueCarryOver: issue_carry_over}
