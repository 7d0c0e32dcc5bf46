"""Sending e-mail: one seam for everything inspraak mails (round notifications to residents;
later invitations, password resets and digests for facilitators).

``Mail`` is what to send, ``Mailer`` the port every sender meets, ``SmtpMailer`` the one that
talks SMTP (aiosmtplib, async: no thread, no blocking call on the event loop). Configured by
``SmtpConfig``, which the composition root builds from the ``INSPRAAK_SMTP_*`` settings; with
no host, mail is off and nobody is offered it. A failure says whether trying again may help
(``MailError.transient``), so the outbox retries a full mailbox or an unreachable server and
gives up on an address that does not exist.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Literal, Protocol

import aiosmtplib

Security = Literal["starttls", "ssl", "none"]


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to hand mail over. ``host`` empty: mail is off."""

    host: str = ""
    port: int = 587
    username: str = ""
    password: str = ""
    sender: str = ""  # the From: address, e.g. "Gemeente Voorbeeld <inspraak@voorbeeld.nl>"
    security: Security = "starttls"  # starttls (port 587), ssl (implicit TLS, 465), none
    timeout: float = 30.0
    # a CA bundle to trust instead of the system's (a relay with its own certificate authority)
    ca_file: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Mail:
    """One plain-text e-mail to one person."""

    to: str
    subject: str
    text: str
    reply_to: str = ""
    headers: tuple[tuple[str, str], ...] = ()  # e.g. ("List-Unsubscribe", "<https://...>")


class MailError(Exception):
    """Sending failed; ``transient``: trying again later may work."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


class Mailer(Protocol):
    """What sends mail (SMTP in production, a local server or a recording double in tests)."""

    async def send(self, mail: Mail) -> None:
        """Hand ``mail`` over; raise :class:`MailError` when that fails."""
        ...


class SmtpMailer:
    """Sends mail through an SMTP server, one connection per message."""

    def __init__(self, config: SmtpConfig) -> None:
        if not config.enabled or not config.sender:
            raise ValueError("an SMTP mailer needs a host and a sender address")
        self.config = config

    def compose(self, mail: Mail) -> EmailMessage:
        """The message as it goes over the wire: UTF-8 text, an automatic-mail marker."""
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False)
        domain = parseaddr(self.config.sender)[1].rpartition("@")[2] or None
        message["Message-ID"] = make_msgid(domain=domain)
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
        if mail.reply_to:
            message["Reply-To"] = mail.reply_to
        for name, value in mail.headers:
            message[name] = value
        message.set_content(mail.text)
        return message

    async def send(self, mail: Mail) -> None:
        config = self.config
        context = ssl.create_default_context(cafile=config.ca_file or None)
        try:
            await aiosmtplib.send(
                self.compose(mail),
                hostname=config.host,
                port=config.port,
                username=config.username or None,
                password=config.password or None,
                use_tls=config.security == "ssl",
                start_tls=config.security == "starttls",
                timeout=config.timeout,
                tls_context=context if config.security != "none" else None,
            )
        except aiosmtplib.SMTPResponseException as error:
            # 4xx: the server asks to try later; 5xx: this message will never go
            transient = 400 <= error.code < 500
            raise MailError(f"{error.code} {error.message}", transient=transient) from error
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [response.code for response in error.recipients]
            transient = all(400 <= code < 500 for code in codes)
            raise MailError(f"recipient refused: {codes}", transient=transient) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise MailError(f"{type(error).__name__}: {error}", transient=True) from error
