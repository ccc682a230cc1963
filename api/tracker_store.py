"""The engine's conversation store (Rasa's SQL tracker store): the gateway reads a conversation for the
counsellor dashboard and deletes it; it never writes.

Rasa keeps every turn of a conversation as a row of its ``events`` table, keyed by
``sender_id`` (our session id), and reads them back on every message; deleting the rows
deletes the conversation for the engine as well.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

#: Seconds to wait while the engine holds SQLite's write lock.
SQLITE_BUSY_TIMEOUT = 10


def _store_engine(engine_db_url: str):
    """An engine for the store, or None when the SQLite file does not exist (nothing stored yet)."""
    url = make_url(engine_db_url)
    connect_args = {}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not Path(url.database).exists():
            return None  # the engine never stored a conversation; connecting would create the file
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT}
    return create_engine(url, connect_args=connect_args)


def read_conversation(engine_db_url: str, sender_id: str) -> List[Dict[str, Any]]:
    """The user's messages and the bot's answers of ``sender_id``, oldest first.

    Each item: ``{"kind": "user"|"bot", "text", "timestamp", "sources": [{"id","title","url"}],
    "articles": [ids], "contact": dict|None}``; a bot answer carries what its ``custom`` payload held.
    """
    engine = _store_engine(engine_db_url)
    if engine is None:
        return []
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("events"):
                return []
            rows = connection.execute(
                text("SELECT type_name, timestamp, data FROM events WHERE sender_id = :id "
                     "AND type_name IN ('user', 'bot') ORDER BY id"), {"id": sender_id}).all()
    finally:
        engine.dispose()
    return [item for item in (_conversation_item(*row) for row in rows) if item is not None]


def _conversation_item(kind: str, timestamp: float, raw: str):
    try:
        event = json.loads(raw or "{}")
    except ValueError:
        return None
    custom = ((event.get("data") or {}).get("custom") or {}) if kind == "bot" else {}
    if not isinstance(custom, dict):
        custom = {}
    message = custom.get("text") if custom.get("text") is not None else event.get("text")
    if not message:
        return None
    meta = custom.get("meta") if isinstance(custom.get("meta"), dict) else {}
    return {
        "kind": kind,
        "text": str(message),
        "timestamp": timestamp,
        "sources": [s for s in custom.get("sources") or [] if isinstance(s, dict)],
        "articles": [str(a) for a in meta.get("articles") or []],
        "contact": custom.get("contact") if isinstance(custom.get("contact"), dict) else None,
    }


def delete_conversation(engine_db_url: str, sender_id: str) -> int:
    """Delete the engine's events of ``sender_id``; the number of rows removed (0: none stored)."""
    engine = _store_engine(engine_db_url)
    if engine is None:
        return 0
    try:
        with engine.begin() as connection:
            if not inspect(connection).has_table("events"):
                return 0  # the engine creates the table with its first conversation
            result = connection.execute(text("DELETE FROM events WHERE sender_id = :id"), {"id": sender_id})
            return result.rowcount
    finally:
        engine.dispose()
