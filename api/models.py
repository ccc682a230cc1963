"""ORM models of the gateway's database (``var/app.db`` by default); Alembic migrates them."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Optional

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def hash_token(token: str) -> str:
    """sha256 hex of a session token: the database never holds the token itself."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Base(DeclarativeBase):
    pass


class ChatSession(Base):
    """One visitor's conversation; its id is also the Rasa sender id."""

    __tablename__ = "chat_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    token_hash: Mapped[str] = mapped_column(String(64))
    #: Language of the conversation so far; None until chosen or detected.
    lang: Mapped[Optional[str]] = mapped_column(String(8), nullable=True)
    #: True once the person chose the language (picker, ``lang`` in the API, "can we speak
    #: Turkish?"): then it stays until they choose another; otherwise it is detected.
    lang_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Indexed for the clean-up of idle sessions (settings.session_retention_days, api.retention).
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


#: Escalation states: a counsellor claims a new one, then closes it.
ESCALATION_STATUSES = ("new", "claimed", "closed")


class Escalation(Base):
    """A conversation handed to a named office, created only with the user's consent."""

    __tablename__ = "escalations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    #: The chat session (= Rasa sender id); not a foreign key: the session may be deleted first.
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    #: Kreisschlüssel (15001–15091); None when the user's district is not known.
    district_code: Mapped[Optional[str]] = mapped_column(String(5), nullable=True, index=True)
    topic: Mapped[str] = mapped_column(String(32))
    #: Id of the office in knowledge/contacts/.
    contact_id: Mapped[str] = mapped_column(String(64))
    #: Built from fixed German templates (topic, district, urgency, articles), never translated text.
    summary_de: Mapped[str] = mapped_column(Text)
    #: The user's own last messages, in their language (at most 300 characters).
    summary_user: Mapped[str] = mapped_column(Text)
    consent: Mapped[bool] = mapped_column(Boolean)
    consent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The counsellor who answers the person; nobody else may reply while it is set.
    claimed_by: Mapped[Optional[int]] = mapped_column(
        ForeignKey("counsellors.id", ondelete="SET NULL"), nullable=True)
    claimed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True), nullable=True)
    #: The retention period (settings.escalation_retention_days) counts from here.
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True), nullable=True, index=True)


#: Dashboard roles: a counsellor sees the cases of their offices, an admin sees all and manages accounts.
ROLES = ("counsellor", "admin")


class Counsellor(Base):
    """A dashboard account: a counsellor of one or more offices, or an admin."""

    __tablename__ = "counsellors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Stored lower-case; the login name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: argon2id hash (api.auth); never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="counsellor")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True), nullable=True)
    #: Contact ids of knowledge/contacts/ whose escalations this account sees.
    offices: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class DashboardSession(Base):
    """A logged-in browser: the cookie holds a random token, the table only its sha256."""

    __tablename__ = "dashboard_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id", ondelete="CASCADE"), index=True)
    #: Every form of this session must send it back (CSRF protection).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class CaseNote(Base):
    """An internal note on an escalation; the person never sees it."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("counsellors.id", ondelete="SET NULL"),
                                                     nullable=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CounsellorMessage(Base):
    """A counsellor's reply to the person, kept with the conversation (the widget gets it again after a restart)."""

    __tablename__ = "counsellor_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    #: The chat session (= Rasa sender id) the reply went to.
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("counsellors.id", ondelete="SET NULL"),
                                                     nullable=True)
    #: The name the widget showed with the message.
    author_name: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    #: The id the notification hub gave the message (the widget's cursor).
    event_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CannedReply(Base):
    """A prepared answer counsellors insert into a reply; admins edit them."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    #: Language of the text (one of bot.SUPPORTED_LANGUAGES).
    lang: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


#: What the audit log records.
AUDIT_ACTIONS = ("login", "login_failed", "logout", "viewed", "claimed", "released", "answered", "noted",
                 "closed", "reopened", "account_created", "account_disabled", "account_enabled",
                 "password_reset", "canned_saved", "canned_deleted", "deleted_by_user", "purged")


class AuditLog(Base):
    """Who did what to which case or account, and when. Holds ids only, never conversation text."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    #: Who acted; None for the system (retention job) or the person deleting their conversation.
    counsellor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("counsellors.id", ondelete="SET NULL"),
                                                         nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    #: An escalation id; not a foreign key: the entry outlives the deleted case.
    escalation_id: Mapped[Optional[str]] = mapped_column(String(32), nullable=True, index=True)
    #: Another account the action was about (created, disabled, reset).
    target_counsellor_id: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)
