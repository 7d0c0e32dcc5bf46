"""project templates: an organisation's own projects kept as templates

Revision ID: 0007_lifecycle18
Revises: 0006_notify17
Create Date: 2026-12-06 17:30:00.000000
"""

from alembic import op
import sqlalchemy as sa
import core.storage.tables


revision = "0007_lifecycle18"
down_revision = "0006_notify17"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_templates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=254), server_default="", nullable=False),
        sa.Column("created_at", core.storage.tables.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_project_templates_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_templates")),
    )
    op.create_index(
        "ix_project_templates_organisation",
        "project_templates",
        ["organisation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_project_templates_organisation", table_name="project_templates")
    op.drop_table("project_templates")
