"""ORM models of the gateway's database (``var/app.db`` by default); Alembic migrates them."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Optional

from sqlalchemy import DateTime, String
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
