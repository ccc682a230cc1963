"""The handoff reaches a person: case events with one global cursor, human mode, idempotent escalations,
e-mail notice of waiting replies, read marks, public names; canned replies move to knowledge/replies.yml.

- ``case_events`` replaces ``counsellor_messages`` (its rows are copied over): every message between the
  person and a counsellor and every change of a case, with a database id as the cursor of all readers.
- ``case_reads``: how far each counsellor has read each case (unread counts).
- ``escalations``: ``request_key`` (the handoff's own key, unique), ``live`` (human mode), the consented
  ``notify_email`` with its time, ``notified_event_id``; at most one open case per session and office
  (partial unique index).
- ``chat_sessions``: ``resume_hash`` (the key of the e-mail link), ``delivered_event_id``.
- ``counsellors``: ``public_name`` (shown to the person), ``notify_urgent``.
- ``canned_replies`` becomes ``legacy_canned_replies``: the replies are content now (knowledge/replies.yml,
  all ten languages); replies an admin typed into the dashboard before are kept there, not dropped, so
  they can be copied into replies.yml.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('new', 'claimed')")


def upgrade() -> None:
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("escalation_id", sa.String(length=32), nullable=True),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("sender", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=True),
        sa.Column("reply_id", sa.String(length=64), nullable=True),
        sa.Column("text_de", sa.Text(), nullable=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("counsellors.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("author_name", sa.String(length=120), nullable=True),
        sa.Column("in_engine", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_case_events_session_id", "case_events", ["session_id"])
    op.create_index("ix_case_events_escalation_id", "case_events", ["escalation_id"])
    op.create_index("ix_case_events_contact_id", "case_events", ["contact_id"])
    op.execute(
        "INSERT INTO case_events (session_id, escalation_id, contact_id, action, sender, text, author_id, "
        "author_name, in_engine, created_at) "
        "SELECT m.session_id, m.escalation_id, e.contact_id, 'message', 'counsellor', m.text, m.author_id, "
        "m.author_name, false, m.created_at FROM counsellor_messages m "
        "LEFT JOIN escalations e ON e.id = m.escalation_id ORDER BY m.id"
    )
    op.drop_table("counsellor_messages")
    op.rename_table("canned_replies", "legacy_canned_replies")
    op.create_table(
        "case_reads",
        sa.Column("counsellor_id", sa.Integer(), sa.ForeignKey("counsellors.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("escalation_id", sa.String(length=32), primary_key=True),
        sa.Column("event_id", sa.Integer(), nullable=False),
    )
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("request_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("live", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("notify_email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("notify_consent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("notified_event_id", sa.Integer(), nullable=True))
        batch.create_unique_constraint("uq_escalations_request_key", ["request_key"])
    # Earlier duplicates (the bug this revision fixes) would break the index: close all but the oldest.
    op.execute(
        "UPDATE escalations SET status = 'closed', closed_at = created_at WHERE status IN ('new', 'claimed') "
        "AND EXISTS (SELECT 1 FROM escalations older WHERE older.session_id = escalations.session_id "
        "AND older.contact_id = escalations.contact_id AND older.status IN ('new', 'claimed') "
        "AND (older.created_at < escalations.created_at OR (older.created_at = escalations.created_at "
        "AND older.id < escalations.id)))"
    )
    op.create_index("uq_escalations_open_per_office", "escalations", ["session_id", "contact_id"],
                    unique=True, sqlite_where=OPEN, postgresql_where=OPEN)
    with op.batch_alter_table("chat_sessions") as batch:
        batch.add_column(sa.Column("resume_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("delivered_event_id", sa.Integer(), nullable=False,
                                   server_default=sa.text("0")))
    with op.batch_alter_table("counsellors") as batch:
        batch.add_column(sa.Column("public_name", sa.String(length=120), nullable=False, server_default=""))
        batch.add_column(sa.Column("notify_urgent", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("counsellors") as batch:
        batch.drop_column("notify_urgent")
        batch.drop_column("public_name")
    with op.batch_alter_table("chat_sessions") as batch:
        batch.drop_column("delivered_event_id")
        batch.drop_column("resume_hash")
    op.drop_index("uq_escalations_open_per_office", table_name="escalations")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_constraint("uq_escalations_request_key", type_="unique")
        batch.drop_column("notified_event_id")
        batch.drop_column("notify_consent_at")
        batch.drop_column("notify_email")
        batch.drop_column("live")
        batch.drop_column("request_key")
    op.drop_table("case_reads")
    op.rename_table("legacy_canned_replies", "canned_replies")
    op.create_table(
        "counsellor_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("escalation_id", sa.String(length=32), sa.ForeignKey("escalations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("counsellors.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_counsellor_messages_escalation_id", "counsellor_messages", ["escalation_id"])
    op.create_index("ix_counsellor_messages_session_id", "counsellor_messages", ["session_id"])
    op.execute(
        "INSERT INTO counsellor_messages (escalation_id, session_id, author_id, author_name, text, event_id, "
        "created_at) SELECT escalation_id, session_id, author_id, coalesce(author_name, ''), text, "
        "CAST(id AS VARCHAR), created_at FROM case_events WHERE sender = 'counsellor' AND action = 'message' "
        "AND escalation_id IS NOT NULL ORDER BY id"
    )
    op.drop_table("case_events")
