"""Chat sessions: id, sha256 of the token, language, created and last seen.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_sessions",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chat_sessions_last_seen_at", "chat_sessions", ["last_seen_at"])


def downgrade() -> None:
    op.drop_index("ix_chat_sessions_last_seen_at", table_name="chat_sessions")
    op.drop_table("chat_sessions")
