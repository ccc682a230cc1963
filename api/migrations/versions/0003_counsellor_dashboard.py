"""Counsellor dashboard: accounts, their sessions, claims and closing of escalations, notes, replies,
canned replies and the audit log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counsellors",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(length=254), nullable=False, unique=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offices", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("token_hash", sa.String(length=64), primary_key=True),
        sa.Column("counsellor_id", sa.Integer(), sa.ForeignKey("counsellors.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_dashboard_sessions_counsellor_id", "dashboard_sessions", ["counsellor_id"])
    op.create_index("ix_dashboard_sessions_expires_at", "dashboard_sessions", ["expires_at"])
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("claimed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_escalations_claimed_by", "counsellors", ["claimed_by"], ["id"],
                                 ondelete="SET NULL")
        batch.create_index("ix_escalations_closed_at", ["closed_at"])
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("escalation_id", sa.String(length=32), sa.ForeignKey("escalations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("counsellors.id", ondelete="SET NULL"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_case_notes_escalation_id", "case_notes", ["escalation_id"])
    op.create_table(
        "counsellor_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("escalation_id", sa.String(length=32), sa.ForeignKey("escalations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("counsellors.id", ondelete="SET NULL"), nullable=True),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_counsellor_messages_escalation_id", "counsellor_messages", ["escalation_id"])
    op.create_index("ix_counsellor_messages_session_id", "counsellor_messages", ["session_id"])
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), sa.ForeignKey("counsellors.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("escalation_id", sa.String(length=32), nullable=True),
        sa.Column("target_counsellor_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_escalation_id", "audit_log", ["escalation_id"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("canned_replies")
    op.drop_table("counsellor_messages")
    op.drop_table("case_notes")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_index("ix_escalations_closed_at")
        batch.drop_constraint("fk_escalations_claimed_by", type_="foreignkey")
        batch.drop_column("closed_at")
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
    op.drop_table("dashboard_sessions")
    op.drop_table("counsellors")
