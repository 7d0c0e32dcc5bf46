"""People who run projects in the web area, and what their role lets them do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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

    @property
    def can_edit(self) -> bool:
        """Whether pages offer this user the edit buttons (``policy.may_edit_anything``)."""
        return self.role != Role.VIEWER


def normalise_email(email: str) -> str:
    return email.strip().lower()
