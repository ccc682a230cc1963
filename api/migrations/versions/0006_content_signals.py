"""Content gaps: questions the bot refused, passed to a person, or that people marked "did not help"
(scrubbed of personal data, no session id), and "helped" marks per article.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_signals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("article_id", sa.String(length=100), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=True),
        sa.Column("topic", sa.String(length=32), nullable=True),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_content_signals_kind", "content_signals", ["kind"])
    op.create_index("ix_content_signals_created_at", "content_signals", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_content_signals_created_at", table_name="content_signals")
    op.drop_index("ix_content_signals_kind", table_name="content_signals")
    op.drop_table("content_signals")
