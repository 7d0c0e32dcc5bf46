"""Handlers of an organisation's privacy settings and logo, and of noting a download in the
audit log."""

from __future__ import annotations

from typing import Any

from core.domain import commands as c
from core.domain import logo, policy
from core.domain.errors import InvalidInput, UnknownItem, UnknownProject
from core.domain.model import Project
from core.domain.policy import Permission
from core.i18n import N_
from core.storage.uow import UnitOfWork

MAX_CONTACT = 254
MAX_TEXT = 5000


async def _user(uow: UnitOfWork, user_id: int | None) -> Any:
    found = await uow.accounts.by_id(user_id) if user_id is not None else None
    if user_id is not None and found is None:
        raise policy.NotAllowed(N_("Unknown user."))
    return found[0] if found else None


def _clean(text: str) -> str:
    """Line breaks as ``\\n`` whatever the browser sent, without blanks around the text."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


async def update_privacy_settings(cmd: c.UpdatePrivacySettings, uow: UnitOfWork) -> None:
    """Change an organisation's privacy contact and text (admins only).

    Raises:
        InvalidInput: ``contact_too_long`` or ``text_too_long``.
    """
    policy.require_governance(await _user(uow, cmd.user_id))
    organisation = await uow.projects.organisation_by_slug(cmd.organisation)
    if organisation is None or organisation.id is None:
        raise UnknownItem("organisation")
    contact, text = _clean(cmd.contact), _clean(cmd.text)
    if len(contact) > MAX_CONTACT or "\n" in contact:
        raise InvalidInput("contact_too_long")
    if len(text) > MAX_TEXT:
        raise InvalidInput("text_too_long")
    await uow.projects.set_privacy(organisation.id, contact, text)


async def set_logo(cmd: c.SetLogo, uow: UnitOfWork) -> None:
    """Set or remove an organisation's logo (admins only).

    Raises:
        InvalidInput: see :func:`core.domain.logo.media_type`.
    """
    policy.require_governance(await _user(uow, cmd.user_id))
    organisation = await uow.projects.organisation_by_slug(cmd.organisation)
    if organisation is None or organisation.id is None:
        raise UnknownItem("organisation")
    if cmd.data is None:
        await uow.projects.remove_logo(organisation.id)
        return
    kind = logo.media_type(cmd.data)
    await uow.projects.set_logo(organisation.id, kind, cmd.data, uow.clock())


async def record_export(cmd: c.RecordExport, uow: UnitOfWork) -> None:
    """Check that the user may read the project; the bus writes the audit entry."""
    user = await _user(uow, cmd.user_id)
    if not cmd.project_code:
        policy.require_governance(user)  # the audit log's own export
        return
    project = await uow.projects.by_code(Project.normalise_code(cmd.project_code))
    if project is None:
        raise UnknownProject(cmd.project_code)
    policy.require(user, Permission.READ, project.organisation_id)


ORGANISATION_HANDLERS: dict[type[c.Command], Any] = {
    c.UpdatePrivacySettings: update_privacy_settings,
    c.SetLogo: set_logo,
    c.RecordExport: record_export,
}
