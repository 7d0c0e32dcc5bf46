"""E-mail as a channel the outbox pushes through: a web-chat resident who asked to be told of
a new round by e-mail has their address as their contact (channel ``email``).

Nothing comes in this way (residents answer in the web chat), so there is no webhook and no
join link. A pushed message becomes a plain-text mail: the text, each button as a line with
the web chat's link, and why the resident gets it and how to stop.
"""

from __future__ import annotations

import logging

from core.dialogue import buttons as b
from core.i18n import gettext_for
from core.mail import Mail, Mailer, MailError
from core.outbox.ports import OutboundMessage, SendOutcome, SendStatus
from core.services.notify import stop_link

log = logging.getLogger(__name__)

CHANNEL = "email"


class EmailChannel:
    """The channel (core.channels.Channel) and its sender (core.outbox.ports.ChannelSender)."""

    channel = CHANNEL
    webhook = None

    def __init__(self, mailer: Mailer, base_url: str, secret_key: str, rate: float = 5.0) -> None:
        self.mailer = mailer
        self.base_url = base_url.rstrip("/")
        self.secret_key = secret_key  # signs the stop link in every mail
        self.rate = rate

    @property
    def sender(self) -> EmailChannel:
        return self

    def join_link(self, code: str, payload: str | None = None) -> str | None:
        return None  # residents answer in the web chat, not by e-mail

    async def close(self) -> None:
        return None

    async def send(
        self, address: str, message: OutboundMessage, *, bot_id: int | None = None
    ) -> SendOutcome:
        try:
            await self.mailer.send(self.render(address, message))
        except MailError as error:
            log.warning("e-mail not sent: %s", error)
            status = SendStatus.RETRY if error.transient else SendStatus.FAILED
            return SendOutcome(status, error=str(error)[:200])
        return SendOutcome(SendStatus.SENT)

    def render(self, address: str, message: OutboundMessage) -> Mail:
        """The mail for ``message``: its text, a link per button, and how to stop."""
        _ = gettext_for(str(message.extra.get("language") or "nl")).gettext
        paragraphs: list[str] = []
        chat = ""
        for reply in message.replies:
            paragraphs.append(reply.text)
            for option in reply.options:
                link = self._link(option.data)
                if link:
                    chat = chat or link
                    paragraphs.append(f"{option.label}: {link}")
        stop = stop_link(self.base_url, self.secret_key, address)
        footer = _(
            "You get this e-mail because you asked for it in the web chat. No more e-mails: {link}"
        ).format(link=stop)
        paragraphs.append("-- \n" + footer)
        first = message.replies[0].text.split("\n", 1)[0] if message.replies else ""
        subject = first.strip().rstrip(".")[:150] or _("A new round has opened")
        headers = (  # a mail program's own "unsubscribe" button, one click (RFC 8058)
            ("List-Unsubscribe", f"<{stop}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        )
        return Mail(address, subject, "\n\n".join(paragraphs), headers=headers)

    def _link(self, data: str) -> str | None:
        """The web chat's address for a button of a pushed message (a round's prompt)."""
        action = b.decode(data)
        if isinstance(action, b.Go | b.Start | b.Join) and action.code:
            return f"{self.base_url}/chat/{action.code}"
        return None
