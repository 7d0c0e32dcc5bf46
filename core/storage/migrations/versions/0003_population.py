"""population figures per wijk and age band

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 10:20:00.000000
"""

from alembic import op
import sqlalchemy as sa
import core.storage.tables


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "population",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=10), nullable=False),
        sa.Column("group_name", sa.String(length=100), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), server_default="form", nullable=False),
        sa.Column("updated_at", core.storage.tables.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_population_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "dimension", "group_name", name=op.f("pk_population")
        ),
    )


def downgrade() -> None:
    op.drop_table("population")
