"""People who run projects in the web area, and what their role lets them do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # everything, every organisation
    FACILITATOR = "facilitator"  # runs the projects of their own organisation
    VIEWER = "viewer"  # reads the projects of their own organisation


@dataclass
class User:
    email: str
    role: Role
    organisation_id: int | None = None
    must_change_password: bool = True
    id: int | None = None
    created_at: datetime | None = None
    last_login_at: datetime | None = None
    disabled_at: datetime | None = None  # set while an admin has disabled the account
    notify: dict[str, bool] = field(default_factory=dict)  # MAIL_TOPICS the user asked for
    language: str = "nl"  # of the e-mails inspraak sends them
    digest_sent_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def wants(self, topic: str) -> bool:
        """Whether the user asked for e-mail about ``topic`` (one of ``MAIL_TOPICS``)."""
        return self.active and bool(self.notify.get(topic))

    @property
    def can_edit(self) -> bool:
        """Whether pages offer this user the edit buttons (``policy.may_edit_anything``)."""
        return self.role != Role.VIEWER


# What a user may ask to get e-mail about: a daily digest of contributions waiting for
# moderation in their projects, and a round of their projects opening or closing.
MAIL_TOPICS = ("digest", "rounds")

MAX_EMAIL = 254  # RFC 5321's limit, and the width of the columns that keep addresses


def normalise_email(email: str) -> str:
    """The address as stored and compared: no control characters (a NUL cannot be stored on
    PostgreSQL), trimmed, lower case, at most 254 characters (no real address is longer)."""
    printable = "".join(ch for ch in email if ch.isprintable() or ch == " ")
    return printable.strip().lower()[:MAX_EMAIL]


@dataclass(frozen=True)
class LoginLimits:
    """When failed logins (table ``login_failures``) make the next attempt wait.

    * one e-mail address from one client address: after ``per_client`` failures within
      ``client_window`` that pair is refused until the window has passed;
    * one e-mail address from any client address: ``per_account`` failures within
      ``account_window`` go through; after that every attempt waits ``first_wait`` after the
      latest failure, twice as long for each further failure, at most ``longest_wait``.

    Unknown addresses are counted the same way, so a refusal tells nobody whether an account
    exists.
    """

    per_client: int = 5
    client_window: timedelta = timedelta(minutes=15)
    per_account: int = 10
    account_window: timedelta = timedelta(hours=1)
    first_wait: timedelta = timedelta(seconds=30)
    longest_wait: timedelta = timedelta(minutes=15)

    def account_wait(self, failures: int) -> timedelta:
        """How long after the latest failure the next attempt must wait."""
        if failures < self.per_account:
            return timedelta(0)
        doublings = min(failures - self.per_account, 16)
        return min(self.first_wait * 2**doublings, self.longest_wait)

    def retry_after(
        self,
        now: datetime,
        client_failures: int,
        account_failures: int,
        latest_failure: datetime | None,
    ) -> timedelta:
        """How long until an attempt may be made (zero: now)."""
        waits = [timedelta(0)]
        if client_failures >= self.per_client:
            waits.append(self.client_window)
        if latest_failure is not None:
            waits.append(latest_failure + self.account_wait(account_failures) - now)
        return max(waits)
