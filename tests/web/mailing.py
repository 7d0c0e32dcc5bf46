"""Web tests with mail: settings that send through the local SMTP server, and what arrived."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from config.settings import Settings
from inspraak.bootstrap import Container
from tests.conftest import SECRET
from tests.smtp import Inbox


@pytest.fixture
def settings(database_url: str, tmp_path: Path, smtp_inbox: Inbox) -> Settings:
    """The test settings, with mail through the local SMTP server."""
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=tmp_path / "var",
        smtp_host=smtp_inbox.host,
        smtp_port=smtp_inbox.port,
        smtp_security="none",
        smtp_from="Inspraak <inspraak@voorbeeld.nl>",
        _env_file=None,  # type: ignore[call-arg]
    )


async def mails_to(demo: Container, inbox: Inbox, address: str) -> list[str]:
    """The texts of the mails the server received for ``address`` (after the sending ends)."""
    assert demo.postman is not None
    await demo.postman.drain()
    return [m.text for m in inbox.mails if address in m.recipients]


def link_in(text: str) -> str:
    found = re.search(r"https?://\S+/login/reset/\S+", text)
    assert found, text
    return urlsplit(found.group(0)).path
