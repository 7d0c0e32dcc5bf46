"""accounts in the web area: disabled accounts, e-mail preferences, password links

Revision ID: 0008_accounts18
Revises: 0007_lifecycle18
Create Date: 2026-12-06 17:30:00.000000
"""

from alembic import op
import sqlalchemy as sa
import core.storage.tables


revision = "0008_accounts18"
down_revision = "0007_lifecycle18"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("disabled_at", core.storage.tables.UTCDateTime(), nullable=True)
        )
        batch.add_column(sa.Column("notify", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("language", sa.String(length=5), nullable=False, server_default="nl")
        )
        batch.add_column(
            sa.Column("digest_sent_at", core.storage.tables.UTCDateTime(), nullable=True)
        )
    op.create_table(
        "password_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("created_at", core.storage.tables.UTCDateTime(), nullable=False),
        sa.Column("expires_at", core.storage.tables.UTCDateTime(), nullable=False),
        sa.Column("used_at", core.storage.tables.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_password_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_password_links")),
    )
    op.create_index("ix_password_links_user", "password_links", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_password_links_user", table_name="password_links")
    op.drop_table("password_links")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("digest_sent_at")
        batch.drop_column("language")
        batch.drop_column("notify")
        batch.drop_column("disabled_at")
