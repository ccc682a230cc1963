"""The engine's conversation store (Rasa's SQL tracker store): the gateway only ever deletes from it.

Rasa keeps every turn of a conversation as a row of its ``events`` table, keyed by
``sender_id`` (our session id), and reads them back on every message; deleting the rows
deletes the conversation for the engine as well.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

#: Seconds to wait while the engine holds SQLite's write lock.
SQLITE_BUSY_TIMEOUT = 10


def delete_conversation(engine_db_url: str, sender_id: str) -> int:
    """Delete the engine's events of ``sender_id``; the number of rows removed (0: none stored)."""
    url = make_url(engine_db_url)
    connect_args = {}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not Path(url.database).exists():
            return 0  # the engine never stored a conversation; connecting would create the file
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT}
    engine = create_engine(url, connect_args=connect_args)
    try:
        with engine.begin() as connection:
            if not inspect(connection).has_table("events"):
                return 0  # the engine creates the table with its first conversation
            result = connection.execute(text("DELETE FROM events WHERE sender_id = :id"), {"id": sender_id})
            return result.rowcount
    finally:
        engine.dispose()
