"""the organise step: themes as objects, supports, the facilitator's wording, imported ideas'
source, and the organise page's undo log

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 14:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import core.storage.tables


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ideas") as batch:
        batch.add_column(sa.Column("wording", sa.Text(), nullable=True))
        batch.add_column(sa.Column("source", sa.String(length=100), nullable=True))
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("created_at", core.storage.tables.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_themes_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("round_id", "name", name="uq_themes_round_name"),
    )
    # The free-text themes per idea become theme objects per round (names kept as they were).
    conn = op.get_bind()
    old = conn.execute(
        sa.text(
            "SELECT t.idea_id, t.theme, i.round_id FROM idea_themes t "
            "JOIN ideas i ON i.id = t.idea_id ORDER BY t.theme, t.idea_id"
        )
    ).all()
    op.drop_table("idea_themes")
    op.create_table(
        "idea_themes",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_themes_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_idea_themes_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("idea_id", "theme_id", name=op.f("pk_idea_themes")),
    )
    op.create_index("ix_idea_themes_theme", "idea_themes", ["theme_id"], unique=False)
    themes: dict[tuple[int, str], int] = {}
    for idea_id, name, round_id in old:
        key = (round_id, name)
        if key not in themes:
            conn.execute(
                sa.text("INSERT INTO themes (round_id, name) VALUES (:r, :n)"),
                {"r": round_id, "n": name},
            )
            themes[key] = conn.execute(
                sa.text("SELECT id FROM themes WHERE round_id = :r AND name = :n"),
                {"r": round_id, "n": name},
            ).scalar_one()
        conn.execute(
            sa.text("INSERT INTO idea_themes (idea_id, theme_id) VALUES (:i, :t)"),
            {"i": idea_id, "t": themes[key]},
        )
    op.create_table(
        "idea_supports",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.storage.tables.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_supports_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_idea_supports_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("idea_id", "resident_id", name=op.f("pk_idea_supports")),
    )
    op.create_index("ix_idea_supports_resident", "idea_supports", ["resident_id"], unique=False)
    op.create_table(
        "organise_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("undo", sa.JSON(), nullable=False),
        sa.Column("created_at", core.storage.tables.UTCDateTime(), nullable=True),
        sa.Column("undone_at", core.storage.tables.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_organise_actions_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_organise_actions_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organise_actions")),
    )
    op.create_index(
        "ix_organise_actions_round", "organise_actions", ["round_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_organise_actions_round", table_name="organise_actions")
    op.drop_table("organise_actions")
    op.drop_index("ix_idea_supports_resident", table_name="idea_supports")
    op.drop_table("idea_supports")
    conn = op.get_bind()
    old = conn.execute(
        sa.text(
            "SELECT l.idea_id, t.name FROM idea_themes l JOIN themes t ON t.id = l.theme_id"
        )
    ).all()
    op.drop_index("ix_idea_themes_theme", table_name="idea_themes")
    op.drop_table("idea_themes")
    op.create_table(
        "idea_themes",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_themes_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("idea_id", "theme", name=op.f("pk_idea_themes")),
    )
    for idea_id, name in old:
        conn.execute(
            sa.text("INSERT INTO idea_themes (idea_id, theme) VALUES (:i, :n)"),
            {"i": idea_id, "n": name},
        )
    op.drop_table("themes")
    with op.batch_alter_table("ideas") as batch:
        batch.drop_column("source")
        batch.drop_column("wording")
