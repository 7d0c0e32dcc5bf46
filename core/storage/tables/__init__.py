"""SQLAlchemy Core tables: the one schema both SQLite and PostgreSQL run.

One module per part of the house; every table is also a name of this package
(``from core.storage import tables as t``; ``t.ideas``)."""

from __future__ import annotations

from core.storage.tables.accounts import (
    api_tokens,
    audit_log,
    login_failures,
    password_links,
    users,
    web_sessions,
)
from core.storage.tables.base import JSON, UTCDateTime, id_column, metadata
from core.storage.tables.dialogue import (
    carry_overs,
    chat_log,
    dialogue_states,
    processed_messages,
)
from core.storage.tables.outbox import (
    outbox,
)
from core.storage.tables.participation import (
    contacts,
    feedback,
    idea_supports,
    ideas,
    ratings,
    residents,
    round_progress,
    votes,
)
from core.storage.tables.projects import (
    bots,
    items,
    organisation_logos,
    organisations,
    population,
    project_templates,
    projects,
    rounds,
)
from core.storage.tables.review import (
    idea_merges,
    idea_themes,
    moderation_log,
    organise_actions,
    themes,
)

__all__ = [
    "JSON",
    "UTCDateTime",
    "id_column",
    "metadata",
    "organisations",
    "projects",
    "rounds",
    "items",
    "population",
    "organisation_logos",
    "project_templates",
    "bots",
    "residents",
    "contacts",
    "ideas",
    "ratings",
    "votes",
    "feedback",
    "round_progress",
    "idea_supports",
    "dialogue_states",
    "carry_overs",
    "chat_log",
    "processed_messages",
    "moderation_log",
    "themes",
    "idea_themes",
    "organise_actions",
    "idea_merges",
    "users",
    "password_links",
    "web_sessions",
    "login_failures",
    "api_tokens",
    "audit_log",
    "outbox",
]
