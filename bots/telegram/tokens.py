"""Secrets at rest: bot tokens sealed with a key derived from the instance's secret key."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["InvalidToken", "TokenBox"]


class TokenBox:
    """Seal and open channel tokens (Fernet: AES-128-CBC + HMAC-SHA256).

    The Fernet key is derived with HKDF from ``INSPRAAK_SECRET_KEY``, so changing the secret
    key makes stored tokens unreadable: add the bots again after rotating it.
    """

    def __init__(self, secret_key: str, purpose: str = "inspraak bot tokens") -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
            secret_key.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        """Return the token; raises ``InvalidToken`` when sealed under another secret key."""
        return self._fernet.decrypt(sealed.encode("ascii")).decode()
