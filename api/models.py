"""ORM models of the gateway's database (``var/app.db`` by default); Alembic migrates them."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Optional

from sqlalchemy import Boolean, DateTime, String, Text
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
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Indexed for the clean-up of idle sessions (settings.session_retention_days, not built yet).
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
