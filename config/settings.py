"""Application settings: one pydantic-settings class, read once in an entrypoint.

The fields are flat (``INSPRAAK_TELEGRAM_TOKEN`` rather than a nested section) because the
environment variable names are part of the public contract documented in the README, and flat
fields map onto them one to one.
"""

from __future__ import annotations

import secrets
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "changethis", ""}


def N_(message: str) -> str:  # noqa: N802 - gettext's "mark only"; config stands below core.i18n
    return message


class SettingError(ValueError):
    """A setting that cannot be used: a message id naming the variable, and its values (the
    command line says it in the terminal's language; it never repeats a secret)."""

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(msgid.format(**values))
        self.msgid = msgid
        self.values = values


class Settings(BaseSettings):
    """Everything inspraak reads from the environment (prefix ``INSPRAAK_``)."""

    model_config = SettingsConfigDict(
        env_prefix="INSPRAAK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("./var")
    database_url: str = "sqlite+aiosqlite:///./var/inspraak.db"  # unset: inspraak.db in data_dir
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: SecretStr | None = None
    public_url: str = ""
    # reverse proxies whose X-Forwarded-For / Forwarded headers are believed: addresses or
    # networks, comma-separated ("127.0.0.1, 10.0.0.0/8"); none by default
    trusted_proxies: str = ""
    # where to report a vulnerability (/.well-known/security.txt, RFC 9116): an e-mail address,
    # mailto:, https: or tel: address; empty: no security.txt
    security_contact: str = ""
    load_demo: bool = True
    # the sentence encoder behind "similar ideas" (~150 MB per process); off: words only
    similarity_encoder: bool = True

    telegram_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_secret: SecretStr | None = None
    telegram_rate: float = 25.0
    # broadcasts with allow_paid_broadcast (paid in Stars; lets INSPRAAK_TELEGRAM_RATE go to 1000)
    telegram_paid_broadcast: bool = False

    whatsapp_token: SecretStr | None = None
    whatsapp_phone_number_id: str = ""
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_base: str = "https://graph.facebook.com/v21.0"
    whatsapp_number: str = ""
    whatsapp_rate: float = 80.0  # messages per second per number (Cloud API default throughput)

    # --- e-mail (SMTP): off while smtp_host is empty ---
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_from: str = ""  # the From: address, e.g. "Gemeente Voorbeeld <inspraak@voorbeeld.nl>"
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_timeout: float = 30.0  # seconds per connection and command
    smtp_ca_file: str = ""  # a CA bundle to trust instead of the system's
    email_rate: float = 5.0  # e-mails per second at most (a relay's sending limit)

    # --- outbox / scheduling ---
    outbox_window: int = 100  # claimed-but-unrecorded messages at most (caps outbox_in_doubt)
    outbox_lease: float = 120.0  # seconds before another sender may retake a 'sending' row
    outbox_max_attempts: int = 8  # transient failures before a message fails for good
    outbox_in_doubt: int = 0  # sent, outcome not yet written, at most (0: rate / 5, >= 10)
    scheduler_misfire_grace: int = 86_400  # a job missed by less than this runs once at start
    scheduler_reconcile: float = 30.0  # seconds between re-reading the rounds' schedule
    leader_retry: float = 10.0  # seconds between a waiting process's tries to take the lead

    @model_validator(mode="before")
    @classmethod
    def _database_in_the_data_dir(cls, given: Any) -> Any:
        """Without INSPRAAK_DATABASE_URL the SQLite file lives in INSPRAAK_DATA_DIR, beside the
        secret key (not in ``./var`` of whatever directory the process was started in)."""
        if isinstance(given, dict) and "database_url" not in given:
            folder = Path(str(given.get("data_dir") or "./var"))
            return {**given, "database_url": f"sqlite+aiosqlite:///{folder / 'inspraak.db'}"}
        return given

    @field_validator("database_url")
    @classmethod
    def _with_the_async_driver(cls, url: str) -> str:
        """The address as a provider hands it out (``postgres://``, ``postgresql://``,
        ``sqlite:///``) runs on the drivers inspraak uses; another database is refused."""
        scheme, found, rest = url.strip().partition("://")
        family = scheme.split("+", 1)[0].lower()
        if found and family in ("postgres", "postgresql"):
            return f"postgresql+asyncpg://{rest}"
        if found and family == "sqlite":
            return f"sqlite+aiosqlite://{rest}"
        raise SettingError(
            N_("INSPRAAK_DATABASE_URL must be a postgresql:// or a sqlite:/// address")
        )

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        if self.environment == "production":
            key = self.secret_key.get_secret_value() if self.secret_key else ""
            if key.lower() in PLACEHOLDER_SECRETS or len(key) < 32:
                raise SettingError(
                    N_(
                        "INSPRAAK_SECRET_KEY must be set to a random value of at least 32 "
                        "characters in production"
                    )
                )
        self.trusted_networks()  # refuses what is not an address or a network
        if self.public_url and not self.public_url.startswith(("http://", "https://")):
            raise SettingError(N_("INSPRAAK_PUBLIC_URL must start with https:// (or http://)"))
        self._check_security_contact()
        if self.telegram_mode == "webhook" and self.telegram_token is not None:
            if self.telegram_webhook_secret is None:
                raise SettingError(
                    N_("INSPRAAK_TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
                )
            if not self.public_url.startswith("https://"):
                raise SettingError(
                    N_("INSPRAAK_PUBLIC_URL must be an https:// URL in webhook mode")
                )
        if self.whatsapp_token is not None:
            missing = [
                f"INSPRAAK_WHATSAPP_{name.upper()}"
                for name in ("phone_number_id", "app_secret", "verify_token")
                if not getattr(self, f"whatsapp_{name}")
            ]
            if missing:
                raise SettingError(
                    N_("WhatsApp is enabled but {missing} is not set"), missing=", ".join(missing)
                )
        if self.smtp_host and "@" not in self.smtp_from:
            raise SettingError(
                N_("INSPRAAK_SMTP_FROM must be set (an e-mail address) with a host")
            )
        return self

    def _check_security_contact(self) -> None:
        """A bare e-mail address becomes a ``mailto:``; anything else must be an address."""
        contact = self.security_contact.strip()
        if contact and "@" in contact and ":" not in contact:
            contact = f"mailto:{contact}"
        if contact and (
            not contact.startswith(("mailto:", "https://", "tel:"))
            or any(c.isspace() for c in contact)
        ):
            raise SettingError(
                N_(
                    "INSPRAAK_SECURITY_CONTACT must be an e-mail address or a mailto:, https:// "
                    "or tel: address"
                )
            )
        self.security_contact = contact

    def served_over_https(self) -> bool:
        """Whether residents and staff reach inspraak over HTTPS (Secure cookies, HSTS)."""
        return self.base_url().startswith("https://")

    def base_url(self) -> str:
        """Return the public URL, or the local one when none is configured.

        Every absolute address inspraak hands out (join links, QR codes, links in messages)
        starts with this; none is ever made from a request's ``Host`` header.
        """
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def trusted_networks(self) -> list[IPv4Network | IPv6Network]:
        """The networks of ``INSPRAAK_TRUSTED_PROXIES`` (a bare address is a network of one)."""
        networks = []
        for each in filter(None, (part.strip() for part in self.trusted_proxies.split(","))):
            try:
                networks.append(ip_network(each, strict=False))
            except ValueError as error:
                raise SettingError(
                    N_("INSPRAAK_TRUSTED_PROXIES: {value} is not an address or a network"),
                    value=each,
                ) from error
        return networks

    def resolved_secret_key(self) -> str:
        """Return the secret key, generating and keeping one under data_dir when unset.

        Only entrypoints call this; nothing reads settings at import time.
        """
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key
