"""The audit log: who did what in the web area, and when — never a resident's words.

An entry names the person (their user id and the e-mail address they had then), the action
(``round.publish``, ``moderation.reject`` ...) and what it was done to, by id or key only: a
contribution's number, never its text; a rejection's reason is left out because it may quote
the contribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class AuditEntry:
    action: str
    user_id: int | None = None
    actor: str = ""  # the user's e-mail address when they acted
    organisation_id: int | None = None
    project_id: int | None = None
    target: str = ""  # e.g. "project:DEMO", "round:DEMO/ideeen", "idea:12"
    detail: dict[str, Any] = field(default_factory=dict)  # ids, keys and field names only
    created_at: datetime | None = None
    id: int | None = None


# Every action the log knows, in the order the audit page offers them as a filter.
ACTIONS = (
    "project.create",
    "project.update",
    "project.import",
    "round.add",
    "round.edit",
    "round.delete",
    "round.open",
    "round.close",
    "round.publish",
    "broadcast.prompt",
    "broadcast.reminder",
    "moderation.approve",
    "moderation.reject",
    "moderation.correct",
    "moderation.merge",
    "moderation.tag",
    "export",
    "account.password",
    "account.token_issue",
    "account.token_revoke",
    "organisation.privacy",
)
