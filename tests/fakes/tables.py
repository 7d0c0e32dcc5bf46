"""The rows of an in-memory database, for the fake unit of work (``tests/fakes/uow.py``).

Each table maps an id to a domain object (or, where the storage layer hands out dicts, to a
dict). Repositories hand out copies, as the real ones build a fresh object per row: changing
a returned object changes nothing until it is written back.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa

from core.domain import model
from core.domain.accounts import User
from core.domain.audit import AuditEntry

T = TypeVar("T")

# The enum a ``status`` column holds, per domain class (the real ``to_domain`` does the same).
STATUS_ENUMS: dict[type, type] = {
    model.Resident: model.ResidentStatus,
    model.Project: model.ProjectStatus,
    model.Idea: model.ContributionStatus,
    model.Feedback: model.ContributionStatus,
}


@dataclass
class Tables:
    organisations: dict[int, model.Organisation] = field(default_factory=dict)
    projects: dict[int, model.Project] = field(default_factory=dict)
    rounds: dict[int, model.Round] = field(default_factory=dict)
    items: dict[int, model.Item] = field(default_factory=dict)
    residents: dict[int, model.Resident] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    ideas: dict[int, model.Idea] = field(default_factory=dict)
    ratings: dict[int, model.Rating] = field(default_factory=dict)
    votes: dict[int, model.Vote] = field(default_factory=dict)
    feedback: dict[int, model.Feedback] = field(default_factory=dict)
    round_progress: dict[int, model.RoundProgress] = field(default_factory=dict)
    dialogue_states: dict[str, dict[str, Any]] = field(default_factory=dict)
    chat_log: dict[int, dict[str, Any]] = field(default_factory=dict)
    processed_messages: set[tuple[str, str]] = field(default_factory=set)
    users: dict[int, tuple[User, str]] = field(default_factory=dict)
    web_sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    login_failures: dict[int, dict[str, Any]] = field(default_factory=dict)
    api_tokens: dict[int, dict[str, Any]] = field(default_factory=dict)
    moderation_log: dict[int, dict[str, Any]] = field(default_factory=dict)
    idea_themes: dict[int, list[str]] = field(default_factory=dict)
    idea_merges: dict[int, int] = field(default_factory=dict)
    bots: dict[int, model.Bot] = field(default_factory=dict)
    audit_log: dict[int, AuditEntry] = field(default_factory=dict)
    last_ids: dict[str, int] = field(default_factory=dict)

    def insert(self, table: str, obj: Any) -> int:
        """Store ``obj`` under a new id (as the database's autoincrement would) and set it."""
        new_id = self.last_ids.get(table, 0) + 1
        self.last_ids[table] = new_id
        stored = copy.deepcopy(obj)
        if hasattr(stored, "id"):
            stored.id = new_id
            obj.id = new_id
        elif isinstance(stored, dict):
            stored["id"] = new_id
        getattr(self, table)[new_id] = stored
        return new_id

    def copy(self) -> Tables:
        return copy.deepcopy(self)


def out(obj: T) -> T:
    """A copy to hand out: the caller's changes do not reach the table."""
    return copy.deepcopy(obj)


def assign(obj: Any, values: dict[str, Any]) -> None:
    """Set columns on a stored object; strings become the enum the real row mapping gives."""
    for name, value in values.items():
        if not hasattr(obj, name):
            raise sa.exc.CompileError(f"Unconsumed column names: {name}")
        if name == "status" and value is not None and type(obj) in STATUS_ENUMS:
            value = STATUS_ENUMS[type(obj)](value)
        setattr(obj, name, copy.deepcopy(value))


def unique_violation(table: str, *columns: str) -> sa.exc.IntegrityError:
    """What the database raises for a duplicate key (SQLAlchemy wraps it the same way)."""
    detail = Exception(f"UNIQUE constraint failed: {', '.join(f'{table}.{c}' for c in columns)}")
    return sa.exc.IntegrityError("INSERT (in-memory)", {}, detail)
