"""The engine's conversation store (Rasa's SQL tracker store): the gateway reads a conversation for the
counsellor dashboard and the widget's history, and deletes it; it writes only through the engine's HTTP
API (api.engine_client: human mode). Reading here rather than through the HTTP API keeps the case page
readable while the engine restarts.

Rasa keeps every turn of a conversation as a row of its ``events`` table, keyed by
``sender_id`` (our session id), and reads them back on every message; deleting the rows
deletes the conversation for the engine as well.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from api.engine_client import answer_parts

#: Seconds to wait while the engine holds SQLite's write lock.
SQLITE_BUSY_TIMEOUT = 10
#: Bot events the gateway appended itself (a counsellor's reply, a notice: api.human): the case page
#: and the widget's history read those from the gateway's database, so they are skipped here.
GATEWAY_SENDERS = ("counsellor", "system")

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _store_engine(engine_db_url: str) -> Engine | None:
    """An engine for the store (one per URL, kept), or None when the SQLite file does not exist yet."""
    url = make_url(engine_db_url)
    connect_args = {}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not Path(url.database).exists():
            return None  # the engine never stored a conversation; connecting would create the file
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT}
    with _engines_lock:
        engine = _engines.get(engine_db_url)
        if engine is None:
            # SQLite: a connection per use (the test suites delete files under a pooled connection);
            # anything else: a pool, so a dashboard view does not open a connection of its own.
            pool = {"poolclass": NullPool} if url.get_backend_name() == "sqlite" else {"pool_pre_ping": True}
            # hide_parameters: an error's text never quotes a conversation (it may reach a log).
            engine = _engines[engine_db_url] = create_engine(url, connect_args=connect_args, hide_parameters=True,
                                                             **pool)
        return engine


def read_conversation(engine_db_url: str, sender_id: str) -> list[dict[str, Any]]:
    """The user's messages and the bot's answers of ``sender_id``, oldest first.

    Each item: ``{"kind": "user"|"bot", "text", "timestamp", "sources": [{"id","title","url"}],
    "articles": [ids], "contact": dict|None, "buttons": [{"title","payload"}], "payload": str|None}``; a
    bot answer carries what its ``custom`` payload held. A button the person pressed shows the button's
    title ("Yes, pass it on"), not its payload ("/affirm"), which stays in ``payload``.
    """
    return conversation_items(_said(engine_db_url, sender_id))


def _said(engine_db_url: str, sender_id: str) -> list[tuple[str, float, str]]:
    """``(type_name, timestamp, data)`` of the person's and the bot's events, oldest first."""
    engine = _store_engine(engine_db_url)
    if engine is None:
        return []
    with engine.connect() as connection:
        if not inspect(connection).has_table("events"):
            return []
        return [tuple(row) for row in connection.execute(
            text("SELECT type_name, timestamp, data FROM events WHERE sender_id = :id "
                 "AND type_name IN ('user', 'bot') ORDER BY id"), {"id": sender_id})]


def replies_to(engine_db_url: str, sender_id: str, message_id: str) -> list[dict[str, Any]]:
    """The engine's answers (as its REST channel sent them) to the user message that carried
    ``message_id`` in its metadata; empty when there is no such message or it got no answer yet.

    A client sends a message again with the same id when the first answer never reached it (the
    gateway stopped on the way): the answer is given from here instead of a second engine turn.
    """
    found: list[dict[str, Any]] = []
    collecting = False  # between the matching message and the next one
    for kind, _timestamp, raw in _said(engine_db_url, sender_id):
        try:
            event = json.loads(raw or "{}")
        except ValueError:
            continue
        metadata = event.get("metadata") if isinstance(event.get("metadata"), dict) else {}
        if kind == "user":
            collecting = metadata.get("message_id") == message_id
            if collecting:
                found = []  # the last copy counts, should the message be there twice
        elif collecting and metadata.get("from") not in GATEWAY_SENDERS:
            custom = (event.get("data") or {}).get("custom")
            found.append({"recipient_id": sender_id, "custom": custom} if custom is not None
                         else {"recipient_id": sender_id, "text": event.get("text") or ""})
    return found


def conversation_items(rows) -> list[dict[str, Any]]:
    """Transcript items from (type_name, timestamp, JSON data) rows in their order."""
    items: list[dict[str, Any]] = []
    titles: dict[str, str] = {}
    for kind, timestamp, raw in rows:
        item = _conversation_item(kind, timestamp, raw)
        if item is None:
            continue
        if kind == "bot":
            titles.update({b["payload"]: b["title"] for b in item["buttons"]})
        elif item["text"].startswith("/"):
            # The newest button with this payload is the one pressed (or an older one: its title still
            # says what the person chose).
            item["payload"] = item["text"]
            item["text"] = titles.get(item["text"]) or titles.get(item["text"].split("{")[0]) or item["text"]
        items.append(item)
    return items


def _conversation_item(kind: str, timestamp: float, raw: str):
    try:
        event = json.loads(raw or "{}")
    except ValueError:
        return None
    metadata = event.get("metadata") if isinstance(event.get("metadata"), dict) else {}
    if kind == "bot" and metadata.get("from") in GATEWAY_SENDERS:
        return None
    custom = ((event.get("data") or {}).get("custom") or {}) if kind == "bot" else {}
    if not isinstance(custom, dict):
        custom = {}
    message = custom.get("text") if custom.get("text") is not None else event.get("text")
    if not message:
        return None
    meta = custom.get("meta") if isinstance(custom.get("meta"), dict) else {}
    buttons = [b for b in custom.get("buttons") or [] if isinstance(b, dict)
               and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)]
    return {
        "kind": kind,
        "text": str(message),
        "timestamp": float(timestamp or 0.0),
        "sources": [s for s in custom.get("sources") or [] if isinstance(s, dict)],
        "articles": [str(a) for a in meta.get("articles") or []],
        "contact": custom.get("contact") if isinstance(custom.get("contact"), dict) else None,
        "answer": answer_parts(custom.get("answer")),
        "buttons": buttons,
        "payload": None,
        "lang": metadata.get("lang") if kind == "user" else meta.get("lang"),
    }


def delete_conversation(engine_db_url: str, sender_id: str) -> int:
    """Delete the engine's events of ``sender_id``; the number of rows removed (0: none stored)."""
    engine = _store_engine(engine_db_url)
    if engine is None:
        return 0
    with engine.begin() as connection:
        if not inspect(connection).has_table("events"):
            return 0  # the engine creates the table with its first conversation
        result = connection.execute(text("DELETE FROM events WHERE sender_id = :id"), {"id": sender_id})
        return result.rowcount
