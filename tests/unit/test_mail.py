"""The mail seam: SmtpMailer hands mail to a local SMTP server and says which failures are
worth retrying."""

from __future__ import annotations

import pytest

from config.settings import Settings
from core.mail import Mail, MailError, SmtpConfig, SmtpMailer
from inspraak.bootstrap import build_mailer
from tests.smtp import Inbox


def _mailer(inbox: Inbox) -> SmtpMailer:
    config = SmtpConfig(
        host=inbox.host, port=inbox.port, sender="Inspraak <inspraak@voorbeeld.nl>",
        security="none", timeout=5,
    )  # fmt: skip
    return SmtpMailer(config)


async def test_a_mail_reaches_the_server_with_its_subject_and_text(smtp_inbox: Inbox):
    await _mailer(smtp_inbox).send(
        Mail("anna@example.nl", "Een nieuwe ronde", "Doe mee: https://x.nl/chat/DEMO")
    )
    [mail] = smtp_inbox.mails
    assert mail.recipients == ["anna@example.nl"]
    assert mail.message["Subject"] == "Een nieuwe ronde"
    assert mail.message["From"] == "Inspraak <inspraak@voorbeeld.nl>"
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert "https://x.nl/chat/DEMO" in mail.text


async def test_an_unknown_recipient_is_permanent_and_a_busy_server_transient(smtp_inbox: Inbox):
    mailer = _mailer(smtp_inbox)
    with pytest.raises(MailError) as refused:
        await mailer.send(Mail("refuse@example.nl", "x", "y"))
    assert not refused.value.transient
    with pytest.raises(MailError) as later:
        await mailer.send(Mail("later@example.nl", "x", "y"))
    assert later.value.transient
    assert smtp_inbox.mails == []


async def test_no_server_listening_is_transient():
    config = SmtpConfig(host="127.0.0.1", port=9, sender="a@b.nl", security="none", timeout=2)
    with pytest.raises(MailError) as error:
        await SmtpMailer(config).send(Mail("anna@example.nl", "x", "y"))
    assert error.value.transient


def test_mail_is_off_without_a_host_and_needs_a_sender_with_one():
    assert build_mailer(Settings(_env_file=None)) is None  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="INSPRAAK_SMTP_FROM"):
        Settings(smtp_host="smtp.example.nl", _env_file=None)  # type: ignore[call-arg]
    on = Settings(smtp_host="smtp.example.nl", smtp_from="a@b.nl", _env_file=None)  # type: ignore[call-arg]
    assert isinstance(build_mailer(on), SmtpMailer)
