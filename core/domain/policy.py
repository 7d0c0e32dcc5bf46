"""Who may do what in the web area and the API: the one authorisation policy.

An admin reads and changes every project; a facilitator reads and changes the projects of their
own organisation; a viewer reads them and changes nothing. ``None`` as the user is the system
itself (the command line, the scheduler): it may do everything.
"""

from __future__ import annotations

from enum import StrEnum

from core.domain.accounts import Role, User
from core.domain.errors import DomainError
from core.i18n import N_


class Permission(StrEnum):
    READ = "read"  # pages, exports, the API
    EDIT = "edit"  # project and round forms, project files, moderation
    PUBLISH = "publish"  # opening and closing rounds, publishing results


class NotAllowed(DomainError):
    """The user's role or organisation does not allow this."""

    code = "not_allowed"


def may_edit_anything(user: User | None) -> bool:
    """Return whether this user may change any project at all (viewers may not)."""
    return user is None or user.can_edit


def allows(user: User | None, permission: Permission, organisation_id: int | None) -> bool:
    """Return whether ``user`` has ``permission`` on a project of ``organisation_id``."""
    if user is None or user.role == Role.ADMIN:
        return True
    if organisation_id is None or user.organisation_id != organisation_id:
        return False
    return permission == Permission.READ or user.role == Role.FACILITATOR


def require(user: User | None, permission: Permission, organisation_id: int | None) -> None:
    """Raise ``NotAllowed`` unless ``user`` has ``permission`` on the organisation's projects."""
    if not allows(user, permission, organisation_id):
        raise NotAllowed(N_("This project belongs to another organisation."))


def chooses_organisation(user: User | None) -> bool:
    """Return whether this user may put a project in any organisation (others: their own)."""
    return user is None or user.role == Role.ADMIN


def readable_scope(user: User) -> int | None:
    """The organisation whose projects this user may list; ``None``: every organisation."""
    return None if user.role == Role.ADMIN else (user.organisation_id or -1)


def may_govern(user: User | None) -> bool:
    """Return whether this user reads the audit log and edits privacy statements (admins)."""
    return user is None or user.role == Role.ADMIN


def require_governance(user: User | None) -> None:
    """Raise ``NotAllowed`` unless the user may read the audit log and edit privacy settings."""
    if not may_govern(user):
        raise NotAllowed(N_("Only an admin may do this."))
