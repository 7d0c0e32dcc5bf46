"""carry-over tokens: a web-chat resident continues on Telegram or WhatsApp

Revision ID: 0006_notify17
Revises: 0005
Create Date: 2026-12-06 17:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import core.storage.tables


revision = "0006_notify17"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carry_overs",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("created_at", core.storage.tables.UTCDateTime(), nullable=False),
        sa.Column("expires_at", core.storage.tables.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_carry_overs_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_carry_overs")),
    )
    op.create_index("ix_carry_overs_pseudonym", "carry_overs", ["pseudonym"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_carry_overs_pseudonym", table_name="carry_overs")
    op.drop_table("carry_overs")
