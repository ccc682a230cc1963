"""ORM models of the gateway's database (``var/app.db`` by default); Alembic migrates them."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """``value`` with its time zone: SQLite hands back naive datetimes, and every time stored is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)


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
    lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    #: True once the person chose the language (picker, ``lang`` in the API, "can we speak
    #: Turkish?"): then it stays until they choose another; otherwise it is detected.
    lang_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Indexed for the clean-up of idle sessions (settings.session_retention_days, api.retention).
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    #: sha256 of the key in the "a reply is waiting" e-mail's link (api.followup); None until the person
    #: left an address. The link reopens the conversation; the key goes with the session.
    resume_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: The newest CaseEvent id a widget of this session received (stream or poll): replies after it
    #: are unread, and only those are worth an e-mail.
    delivered_event_id: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


#: Escalation states: a counsellor claims a new one, then closes it; a closed one can be reopened (new).
ESCALATION_STATUSES = ("new", "claimed", "closed")
#: States in which a case is open: at most one open case per session and office (unique index).
OPEN_STATUSES = ("new", "claimed")


class Escalation(Base):
    """A conversation handed to a named office, created only with the user's consent."""

    __tablename__ = "escalations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    #: The chat session (= Rasa sender id); not a foreign key: the session may be deleted first.
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    #: Kreisschlüssel (15001–15091); None when the user's district is not known.
    district_code: Mapped[str | None] = mapped_column(String(5), nullable=True, index=True)
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
    claimed_by: Mapped[int | None] = mapped_column(
        ForeignKey("counsellors.id", ondelete="SET NULL"), nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: The retention period (settings.escalation_retention_days) counts from here.
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    #: The handoff's own key (made by the action when the person consented): the same handoff
    #: retried after a crash finds its case instead of making a second one.
    request_key: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    #: Human mode: the claiming counsellor talks with the person, the engine's conversation is paused
    #: and the person's messages go to the case (api.human). False again when handed back or closed.
    live: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Where to say that a reply is waiting (never what it says); only with the person's consent, and
    #: deleted with the case. None: no e-mail.
    notify_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    notify_consent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: The newest reply (CaseEvent id) an e-mail was sent for: one e-mail per waiting reply, not one per reply.
    notified_event_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (
        # One open case per conversation and office: a retried or repeated handoff finds the open
        # case (api.escalations) instead of adding a second one, whichever process crashed where.
        Index("uq_escalations_open_per_office", "session_id", "contact_id", unique=True,
              sqlite_where=text("status IN ('new', 'claimed')"),
              postgresql_where=text("status IN ('new', 'claimed')")),
    )


#: Dashboard roles: a counsellor sees the cases of their offices, an admin sees all and manages accounts.
ROLES = ("counsellor", "admin", "staff")


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
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: Contact ids of knowledge/contacts/ whose escalations this account sees.
    offices: Mapped[list] = mapped_column(JSON, default=list)
    #: What the person sees instead of the name, e.g. "Beraterin der Ausländerbehörde Harz" (no surname
    #: needed); empty: "a counsellor of <office>" in the person's language.
    public_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: E-mail this account about every new urgent case of its offices (settings.smtp_host must be set).
    notify_urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def may_edit_content(self) -> bool:
        """Staff (content editors) and admins see the knowledge and content-gap pages."""
        return self.role in ("staff", "admin")


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
    author_id: Mapped[int | None] = mapped_column(ForeignKey("counsellors.id", ondelete="SET NULL"),
                                                     nullable=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


#: Who a CaseEvent comes from.
SENDERS = ("person", "counsellor", "system")
#: What happened to a case (CaseEvent.action); "message" carries a text.
CASE_ACTIONS = ("message", "created", "claimed", "released", "handed_back", "taken_over", "closed", "reopened",
                "transferred")


class CaseEvent(Base):
    """One thing that happened in a conversation beyond the bot's own turns, in order: a message the
    person wrote to a counsellor, a counsellor's reply, a notice to the person, a case changing hands.

    The id is the one cursor every reader keeps (the widget, the dashboard pages): a database id, the
    same for every gateway process, so a reader can reconnect anywhere (api.fanout wakes readers up).
    """

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The chat session (= Rasa sender id); not a foreign key: events are deleted with it explicitly.
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    #: The case it belongs to (None: a development message without a case).
    escalation_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    #: The office the case is routed to when it happened (the dashboard stream filters on it).
    contact_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    #: One of CASE_ACTIONS.
    action: Mapped[str] = mapped_column(String(16), default="message")
    #: One of SENDERS.
    sender: Mapped[str] = mapped_column(String(16))
    #: What the widget shows: the message, or the notice in the person's language. None for events only
    #: the dashboard sees.
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: Language of ``text`` (a counsellor's free text is labelled with it).
    lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    #: For a canned reply (knowledge/replies.yml): its id, and the German text counsellors read.
    reply_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text_de: Mapped[str | None] = mapped_column(Text, nullable=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("counsellors.id", ondelete="SET NULL"),
                                                     nullable=True)
    #: The name the person saw (the counsellor's public name), or the counsellor's name on case events.
    author_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    #: For a person's message: True once the engine's transcript holds it too (else the case page
    #: shows it from here).
    in_engine: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseRead(Base):
    """How far a counsellor has read a case: events up to ``event_id`` are not unread any more."""

    __tablename__ = "case_reads"

    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id", ondelete="CASCADE"), primary_key=True)
    escalation_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[int] = mapped_column(Integer, default=0)


#: What the audit log records.
class LegacyCannedReply(Base):
    """A reply an admin typed into the dashboard before replies became content (knowledge/replies.yml).

    Kept by migration 0005 so nothing typed is lost; the application no longer reads it.
    """

    __tablename__ = "legacy_canned_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    lang: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


AUDIT_ACTIONS = ("login", "login_failed", "login_throttled", "logout", "viewed", "access_denied", "claimed",
                 "released", "answered", "noted", "closed", "reopened", "transferred", "handed_back", "taken_over",
                 "account_created", "account_disabled", "account_enabled", "password_reset", "offices_changed",
                 "deleted_by_user", "purged")


class AuditLog(Base):
    """Who did what to which case or account, and when. Holds ids only, never conversation text."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    #: Who acted; None for the system (retention job) or the person deleting their conversation.
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("counsellors.id", ondelete="SET NULL"),
                                                         nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    #: An escalation id; not a foreign key: the entry outlives the deleted case.
    escalation_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    #: Another account the action was about (created, disabled, reset).
    target_counsellor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


#: Why a question is on the content-gap page (or, for "helpful", only counted).
SIGNAL_KINDS = ("refused", "handoff", "not_helpful", "helpful")


class ContentSignal(Base):
    """A question the bot could not answer well, for staff deciding what to write next.

    Minimal and unlinkable: no session id, no person; the question is scrubbed of personal data
    (api.scrub) and kept ``feedback_retention_days`` (api.retention). "helpful" rows keep no question.
    """

    __tablename__ = "content_signals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    #: The article the answer showed (None for a refusal).
    article_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    topic: Mapped[str | None] = mapped_column(String(32), nullable=True)
    question: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
