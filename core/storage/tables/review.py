"""Tables of the facilitators' review of contributions: moderation decisions, themes, merges
and the organise page's undoable actions."""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.tables.base import JSON, UTCDateTime, id_column, metadata

# Every moderation decision: who did what to which contribution, and why.
moderation_log = sa.Table(
    "moderation_log",
    metadata,
    id_column(),
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    sa.Column("target_kind", sa.String(20), nullable=False),  # idea / feedback
    sa.Column("target_id", sa.Integer, nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("detail", JSON, nullable=False, default=dict),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Index("ix_moderation_log_target", "target_kind", "target_id"),
    sa.Index("ix_moderation_log_project", "project_id", "id"),
)

# Themes of an ideas round: named by the facilitator (case kept), ideas assigned to them.
themes = sa.Table(
    "themes",
    metadata,
    id_column(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("round_id", "name", name="uq_themes_round_name"),
)

idea_themes = sa.Table(
    "idea_themes",
    metadata,
    sa.Column("idea_id", sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_idea_themes_theme", "theme_id"),
)

# The organise page's actions, each with what restores the state before it (undo).
organise_actions = sa.Table(
    "organise_actions",
    metadata,
    id_column(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("undo", JSON, nullable=False, default=dict),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Column("undone_at", UTCDateTime, nullable=True),
    sa.Index("ix_organise_actions_round", "round_id", "id"),
)

# Which idea was merged into which: the merged idea's supporters moved to the survivor.
idea_merges = sa.Table(
    "idea_merges",
    metadata,
    sa.Column("idea_id", sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("into_id", sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False),
)
