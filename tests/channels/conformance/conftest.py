"""The running app with the WhatsApp channel (see tests/channels/whatsapp/conftest.py)."""

from tests.channels.whatsapp.conftest import graph, server, wa, wa_settings  # noqa: F401
