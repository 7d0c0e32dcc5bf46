"""Tables of residents and what they give: their contact, ideas, ratings, votes, feedback,
progress through rounds, and support for each other's ideas."""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.tables.base import JSON, UTCDateTime, id_column, metadata

residents = sa.Table(
    "residents",
    metadata,
    id_column(),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("consent_at", UTCDateTime, nullable=False),
    sa.Column("language", sa.String(5), nullable=False, default="nl"),
    sa.Column("status", sa.String(20), nullable=False, default="active"),
    sa.Column("wijk", sa.String(100), nullable=True),
    sa.Column("age_band", sa.String(10), nullable=True),
    sa.Column("external_id", sa.String(100), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("pseudonym", "project_id", name="uq_residents_pseudonym_project"),
    sa.Index("ix_residents_project_status", "project_id", "status"),
)

# How to reach a pseudonym on its channel (a Telegram chat id, a phone number). Kept apart
# from everything else so that erasing a resident or exporting data never needs it.
contacts = sa.Table(
    "contacts",
    metadata,
    sa.Column("pseudonym", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("address", sa.String(200), nullable=False),
    sa.Column("bot_id", sa.Integer, nullable=True),
    sa.Column("last_inbound_at", UTCDateTime, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=True),
)

ideas = sa.Table(
    "ideas",
    metadata,
    id_column(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, default="new"),
    # Personal details found on arrival (phone, email, postcode, iban, bsn, ...): a flagged
    # idea is held for review whatever the moderation mode.
    sa.Column("flags", JSON, nullable=False, server_default="[]"),
    sa.Column("created_at", UTCDateTime, nullable=True),
    # The facilitator's wording for the idea and those merged into it (the item's text when it
    # is shortlisted); the resident's own words stay in ``text``.
    sa.Column("wording", sa.Text, nullable=True),
    # Where an idea came from when not from the chat ("papier", "bijeenkomst 12 mei"): ideas
    # imported from a file (``inspraak ideas import``).
    sa.Column("source", sa.String(100), nullable=True),
    sa.Index("ix_ideas_round", "round_id"),
    sa.Index("ix_ideas_resident", "resident_id"),
)

ratings = sa.Table(
    "ratings",
    metadata,
    id_column(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("item_id", sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("criterion", sa.Integer, nullable=False, default=0),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("item_id", "resident_id", "criterion", name="uq_ratings_item_resident"),
    sa.Index("ix_ratings_round_item", "round_id", "item_id"),
    sa.Index("ix_ratings_resident", "resident_id"),
)

votes = sa.Table(
    "votes",
    metadata,
    id_column(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("item_id", sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("value", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("item_id", "resident_id", name="uq_votes_item_resident"),
    sa.Index("ix_votes_round_item", "round_id", "item_id"),
    sa.Index("ix_votes_resident", "resident_id"),
)

feedback = sa.Table(
    "feedback",
    metadata,
    id_column(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("score", sa.Integer, nullable=True),
    sa.Column("text", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(20), nullable=False, default="new"),
    sa.Column("flags", JSON, nullable=False, server_default="[]"),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("round_id", "resident_id", name="uq_feedback_round_resident"),
)

round_progress = sa.Table(
    "round_progress",
    metadata,
    id_column(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=True),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.Column("prompted_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("round_id", "resident_id", name="uq_round_progress_round_resident"),
)

# A resident's "yes, I meant that one" to another's idea in the chat: once per resident and idea.
idea_supports = sa.Table(
    "idea_supports",
    metadata,
    sa.Column("idea_id", sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Index("ix_idea_supports_resident", "resident_id"),
)

# Covering indexes for the results pages (bench/summary.py): participants and per-item scores
# of a round are read from the index alone, without visiting 100,000 rating rows.
sa.Index("ix_ratings_round_resident", ratings.c.round_id, ratings.c.resident_id)
sa.Index(
    "ix_ratings_round_criterion_item_score",
    ratings.c.round_id,
    ratings.c.criterion,
    ratings.c.item_id,
    ratings.c.score,
)
