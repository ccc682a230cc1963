"""Escalations: a conversation handed to a named office with the user's consent.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("district_code", sa.String(length=5), nullable=True),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=False),
        sa.Column("summary_de", sa.Text(), nullable=False),
        sa.Column("summary_user", sa.Text(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_escalations_session_id", "escalations", ["session_id"])
    op.create_index("ix_escalations_district_code", "escalations", ["district_code"])
    op.create_index("ix_escalations_status", "escalations", ["status"])


def downgrade() -> None:
    op.drop_index("ix_escalations_status", table_name="escalations")
    op.drop_index("ix_escalations_district_code", table_name="escalations")
    op.drop_index("ix_escalations_session_id", table_name="escalations")
    op.drop_table("escalations")
