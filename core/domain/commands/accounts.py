"""Accounts of the web area and the API: signing in and out, passwords, API tokens; admins
invite, change, disable and remove users; anyone sets a password through a mailed link;
staff choose and get e-mail about their projects."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.commands.base import Command


@dataclass(frozen=True)
class SignIn(Command):
    """Check a password (failures are counted per address and client) and open a session."""

    email: str
    password: str
    ip: str


@dataclass(frozen=True)
class SignOut(Command):
    token: str


@dataclass(frozen=True)
class ChangePassword(Command):
    """Replace a password after checking the current one; the user's other sessions end."""

    user_id: int
    current: str
    new: str
    keep_token: str | None = None


@dataclass(frozen=True)
class IssueApiToken(Command):
    user_id: int


@dataclass(frozen=True)
class RevokeApiToken(Command):
    user_id: int
    token_id: int


@dataclass(frozen=True)
class UseApiToken(Command):
    """Find the user of an API token, noting that it was used."""

    token: str


@dataclass(frozen=True)
class InviteUser(Command):
    """Make an account and mail its owner a link to choose a password (admins only)."""

    email: str
    role: str
    organisation: str | None  # the organisation's slug; None for an admin of all
    base_url: str  # where the links in the mail point
    language: str = "nl"  # of the invitation and later e-mails
    user_id: int | None = None  # the admin who invites


@dataclass(frozen=True)
class ResendInvitation(Command):
    """Mail a fresh invitation link to someone who has not chosen a password yet."""

    target_id: int
    base_url: str
    user_id: int | None = None


@dataclass(frozen=True)
class UpdateUser(Command):
    """Change an account's role and organisation (admins only)."""

    target_id: int
    role: str
    organisation: str | None
    user_id: int | None = None


@dataclass(frozen=True)
class SetUserDisabled(Command):
    """Disable an account (its sessions end, its tokens stop working) or enable it again."""

    target_id: int
    disabled: bool
    user_id: int | None = None


@dataclass(frozen=True)
class RemoveUser(Command):
    """Remove an account for good; the audit log keeps what it did."""

    target_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class RequestPasswordReset(Command):
    """Mail a reset link when the address has an active account; nothing tells whether so."""

    email: str
    base_url: str


@dataclass(frozen=True)
class ResetPassword(Command):
    """Choose a new password through an invitation or reset link (once, before it expires)."""

    token: str
    new: str


@dataclass(frozen=True)
class SetMailPreferences(Command):
    """Which e-mails a user gets about their projects, and in which language."""

    user_id: int
    topics: tuple[str, ...]  # of core.domain.accounts.MAIL_TOPICS
    language: str = "nl"


@dataclass(frozen=True)
class SendModerationDigests(Command):
    """Mail everyone who asked for it the contributions waiting for moderation (daily)."""

    base_url: str


@dataclass(frozen=True)
class TellStaffOfRound(Command):
    """Mail those who asked for it that a round of their project opened or closed."""

    round_id: int
    opened: bool
    base_url: str
