"""Accounts managed in the web area: admins invite, change, disable and remove users; anyone
with an account sets a new password through a link mailed to them.

A link (an invitation or a reset) is a random token of which only the SHA-256 is stored
(table ``password_links``); it works once and until it expires, and a newer link for the same
user replaces the older one. Asking for a reset answers the same whether or not the address
has an account: the mail goes out after the commit, in the background
(``core.services.staff_mail.Postman``), so not even the time taken tells.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from core.domain import commands as c
from core.domain import events as e
from core.domain.accounts import MAIL_TOPICS, Role, User, normalise_email
from core.domain.audit import AuditEntry
from core.domain.errors import DomainError, InvalidInput
from core.domain.policy import NotAllowed, require_governance
from core.i18n import N_, gettext_for, normalise_language
from core.services import accounts
from core.storage.uow import UnitOfWork, UnitOfWorkFactory

INVITE_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)
# At most one reset mail per account in this time, so the form cannot flood an inbox.
RESET_GAP = timedelta(minutes=2)


class LinkNotValid(DomainError):
    """The link was used already, has expired, was replaced or never existed."""

    code = "link_not_valid"


async def _target(uow: UnitOfWork, target_id: int) -> User:
    found = await uow.accounts.by_id(target_id)
    if found is None:
        raise InvalidInput("unknown_user")
    return found[0]


async def _organisation_id(uow: UnitOfWork, role: str, organisation: str | None) -> int | None:
    """The id of the organisation a user of ``role`` belongs to (admins: none needed)."""
    try:
        chosen = Role(role)
    except ValueError as error:
        raise InvalidInput("role") from error
    if not organisation:
        if chosen != Role.ADMIN:
            raise InvalidInput("organisation_required")
        return None
    found = await uow.projects.organisation_by_slug(organisation)
    if found is None:
        raise InvalidInput("unknown_organisation")
    return found.id


async def _mail_link(
    uow: UnitOfWork, user: User, purpose: str, base_url: str, lifetime: timedelta
) -> None:
    """Store a new link for ``user`` and queue the mail that carries it."""
    token = secrets.token_urlsafe(32)
    now = uow.clock()
    await uow.accounts.add_link(accounts.digest(token), user.id or 0, purpose, now, now + lifetime)
    link = f"{base_url.rstrip('/')}/login/reset/{token}"
    _ = gettext_for(user.language).gettext
    if purpose == "invite":
        subject = _("You are invited to inspraak")
        text = _(
            "Hello,\n\nYou have been given an account in the web area of inspraak ({email})."
            "\nChoose your password with this link within 7 days:\n\n{link}\n\n"
            "Then sign in at {login}."
        ).format(email=user.email, link=link, login=f"{base_url.rstrip('/')}/login")
    else:
        subject = _("Choose a new password for inspraak")
        text = _(
            "Hello,\n\nSomeone asked for a new password for {email} in inspraak.\n"
            "Choose a new password with this link within an hour; it works once:\n\n{link}\n\n"
            "Did you not ask for this? Then ignore this e-mail: your password stays as it is."
        ).format(email=user.email, link=link)
    uow.emit(e.StaffMailReady(user.email, subject, text))


async def invite_user(cmd: c.InviteUser, uow: UnitOfWork) -> User:
    """Make the account (no password yet: nobody can sign in with it) and mail the link."""
    actor = await _actor(uow, cmd.user_id)
    require_governance(actor)
    email = normalise_email(cmd.email)
    if "@" not in email.strip("@") or " " in email:
        raise InvalidInput("email")
    org_id = await _organisation_id(uow, cmd.role, cmd.organisation)
    if await uow.accounts.by_email(email) is not None:
        raise accounts.AccountExists("exists", email=email)
    language = normalise_language(cmd.language)
    user = User(email, Role(cmd.role), org_id, False, created_at=uow.clock(), language=language)
    await uow.accounts.add_user(user, "")  # an empty hash matches no password
    await _mail_link(uow, user, "invite", cmd.base_url, INVITE_LIFETIME)
    return user


async def resend_invitation(cmd: c.ResendInvitation, uow: UnitOfWork) -> User:
    require_governance(await _actor(uow, cmd.user_id))
    found = await uow.accounts.by_id(cmd.target_id)
    if found is None:
        raise InvalidInput("unknown_user")
    user, password_hash = found
    if not user.active:
        raise InvalidInput("user_disabled")
    if password_hash:
        raise InvalidInput("has_password")  # they use "wachtwoord vergeten" instead
    await _mail_link(uow, user, "invite", cmd.base_url, INVITE_LIFETIME)
    return user


async def update_user(cmd: c.UpdateUser, uow: UnitOfWork) -> User:
    """Change role and organisation; an admin cannot take their own admin role away."""
    require_governance(await _actor(uow, cmd.user_id))
    user = await _target(uow, cmd.target_id)
    org_id = await _organisation_id(uow, cmd.role, cmd.organisation)
    if user.id == cmd.user_id and cmd.role != Role.ADMIN:
        raise NotAllowed(N_("You cannot take your own admin role away."))
    await uow.accounts.update_user(user.id or 0, role=cmd.role, organisation_id=org_id)
    user.role, user.organisation_id = Role(cmd.role), org_id
    return user


async def set_user_disabled(cmd: c.SetUserDisabled, uow: UnitOfWork) -> User:
    """Disable (sessions end at once, tokens and links stop working) or enable an account."""
    require_governance(await _actor(uow, cmd.user_id))
    user = await _target(uow, cmd.target_id)
    if cmd.disabled:
        _never_oneself(cmd.user_id, user)
        await uow.accounts.update_user(user.id or 0, disabled_at=uow.clock())
        await uow.accounts.delete_sessions(user_id=user.id)
    else:
        await uow.accounts.update_user(user.id or 0, disabled_at=None)
    return user


async def remove_user(cmd: c.RemoveUser, uow: UnitOfWork) -> User:
    """Remove the account; its sessions, tokens and links go with it."""
    require_governance(await _actor(uow, cmd.user_id))
    user = await _target(uow, cmd.target_id)
    _never_oneself(cmd.user_id, user)
    await uow.accounts.delete_user(user.id or 0)
    return user


def _never_oneself(actor_id: int | None, user: User) -> None:
    if actor_id is not None and user.id == actor_id:
        raise NotAllowed(N_("You cannot disable or remove your own account."))


async def _actor(uow: UnitOfWork, user_id: int | None) -> User | None:
    """The user who acts (``None``: the command line, which may do everything)."""
    if user_id is None:
        return None
    found = await uow.accounts.by_id(user_id)
    if found is None or not found[0].active:
        raise NotAllowed(N_("Only an admin may do this."))
    return found[0]


async def request_password_reset(cmd: c.RequestPasswordReset, uow: UnitOfWork) -> None:
    """Queue a reset mail for an active account; an unknown address gets nothing, and the
    caller cannot tell the difference."""
    found = await uow.accounts.by_email(normalise_email(cmd.email))
    if found is None or not found[0].active:
        return
    latest = await uow.accounts.latest_link_at(found[0].id or 0, "reset")
    if latest is not None and uow.clock() - latest < RESET_GAP:
        return  # the mail of a moment ago is still on its way
    await _mail_link(uow, found[0], "reset", cmd.base_url, RESET_LIFETIME)


async def link_user(uow: UnitOfWork, token: str) -> tuple[User, str] | None:
    """The account and purpose of a live link (``None``: used, expired or unknown)."""
    found = await uow.accounts.live_link(accounts.digest(token), uow.clock())
    return (found[0], found[2]) if found else None


async def reset_password(cmd: c.ResetPassword, units: UnitOfWorkFactory) -> User:
    """Store the new password and use up the link; every session of the user ends.

    Raises:
        LinkNotValid: the link was used, has expired or does not exist.
        InvalidInput: the new password is too short or the e-mail address.
    """
    async with units() as uow:
        found = await link_user(uow, cmd.token)
    if found is None:
        raise LinkNotValid()
    accounts.check_new_password(cmd.new, found[0].email)
    new_hash = await accounts.hash_password(cmd.new)
    async with units() as uow:
        user = found[0]
        if not await uow.accounts.use_link(accounts.digest(cmd.token), uow.clock()):
            raise LinkNotValid()  # used meanwhile, in another tab
        await uow.accounts.update_user(
            user.id or 0, password_hash=new_hash, must_change_password=False
        )
        await uow.accounts.delete_sessions(user_id=user.id)
        entry = AuditEntry(
            "account.reset", user.id, user.email, user.organisation_id, None, f"user:{user.id}"
        )
        entry.detail = {"link": found[1]}
        entry.created_at = uow.clock()
        await uow.audit.add(entry)
        await uow.commit()
    return user


async def set_mail_preferences(cmd: c.SetMailPreferences, uow: UnitOfWork) -> None:
    notify = {topic: topic in cmd.topics for topic in MAIL_TOPICS}
    language = normalise_language(cmd.language)
    await uow.accounts.update_user(cmd.user_id, notify=notify, language=language)


STAFF_ACCOUNT_HANDLERS: dict[type[c.Command], Any] = {
    c.InviteUser: invite_user,
    c.ResendInvitation: resend_invitation,
    c.UpdateUser: update_user,
    c.SetUserDisabled: set_user_disabled,
    c.RemoveUser: remove_user,
    c.RequestPasswordReset: request_password_reset,
    c.SetMailPreferences: set_mail_preferences,
}

STAFF_STAGED_HANDLERS: dict[type[c.Command], Any] = {c.ResetPassword: reset_password}
