"""Messages for an open chat that do not answer a user message (a counsellor's reply), in memory.

``publish(session_id, message)`` is what the counsellor dashboard calls; the widget receives
the message through ``GET /api/v1/sessions/{id}/events`` (server-sent events) or, as a
fallback, ``GET /api/v1/sessions/{id}/messages?after=<cursor>``. Each session keeps its last
``KEEP_PER_SESSION`` messages so a widget that was offline for a moment catches up.

Counsellor replies are also stored in the database (``CounsellorMessage``); after a restart
the routes hand them back with ``restore`` and the ids the widget already holds keep working
as cursors. With several gateways the production profile needs a shared channel (Redis
pub/sub); the cursor is opaque to the widget so that change stays inside this module.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import threading
from collections import OrderedDict, deque
from contextlib import contextmanager
from typing import Any, Deque, Dict, Iterator, List, Optional, Set, Tuple

#: Messages remembered per session for catching up.
KEEP_PER_SESSION = 100
#: Sessions remembered at most; the longest idle ones are forgotten first.
MAX_SESSIONS = 10_000
#: Who may speak outside the bot's own replies.
SENDERS = ("counsellor", "system")

#: What a subscriber's queue receives when its session was deleted.
CLOSED = None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


class NotificationHub:
    """Per-session buffers of published messages plus live subscribers (asyncio queues)."""

    def __init__(self, keep: int = KEEP_PER_SESSION, max_sessions: int = MAX_SESSIONS):
        self.keep = keep
        self.max_sessions = max_sessions
        # A new epoch after a restart makes old cursors mean "from the start", not "seen".
        self.epoch = secrets.token_hex(4)
        self._lock = threading.Lock()
        # One counter for all sessions: a forgotten session's numbers are never handed out again.
        self._last_seq = 0
        self._history: "OrderedDict[str, Deque[Dict[str, Any]]]" = OrderedDict()
        # Ids of restored messages from an earlier epoch → their new sequence numbers.
        self._aliases: Dict[str, int] = {}
        self._subscribers: Dict[str, Set[Tuple[asyncio.AbstractEventLoop, asyncio.Queue]]] = {}

    def cursor(self, seq: int) -> str:
        return f"{self.epoch}-{seq}"

    def _seq_after(self, cursor: Optional[str]) -> int:
        """The sequence number a cursor stands for; 0 (everything) for none, a foreign epoch or nonsense."""
        if cursor in self._aliases:
            return self._aliases[cursor]
        epoch, _, seq = (cursor or "").partition("-")
        return int(seq) if epoch == self.epoch and seq.isdigit() else 0

    def publish(self, session_id: str, message: Dict[str, Any]) -> Dict[str, Any]:
        """Store ``message`` ({"text", "from"?, "name"?}) for the session and wake its listeners.

        Returns the event as the widget receives it: id (cursor), from, text, name, sent_at.
        Safe to call from any thread.
        """
        sender = message.get("from", "counsellor")
        text = _text(message.get("text")).strip()
        if sender not in SENDERS:
            raise ValueError(f"'from' must be one of {SENDERS}, not {sender!r}")
        if not text:
            raise ValueError("a published message needs a non-empty 'text'")
        with self._lock:
            self._last_seq += 1
            buffer = self._history.pop(session_id, None) or deque(maxlen=self.keep)
            event = {
                "id": self.cursor(self._last_seq),
                "from": sender,
                "text": text,
                "name": _text(message.get("name")) or None,
                "sent_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            }
            buffer.append(event)
            self._history[session_id] = buffer  # most recently used last
            while len(self._history) > self.max_sessions:
                self._history.popitem(last=False)
            listeners = list(self._subscribers.get(session_id, ()))
        for loop, queue in listeners:
            loop.call_soon_threadsafe(queue.put_nowait, event)
        return event

    def has_history(self, session_id: str) -> bool:
        with self._lock:
            return session_id in self._history

    def restore(self, session_id: str, events: List[Dict[str, Any]]) -> None:
        """Reload a session's published events (kept in the database) after a restart, oldest first.

        They get new ids; their old ids stay valid as cursors, so a widget sees nothing twice.
        Nothing happens when the session already has messages in memory.
        """
        with self._lock:
            if session_id in self._history or not events:
                return
            buffer: Deque[Dict[str, Any]] = deque(maxlen=self.keep)
            for old in events:
                self._last_seq += 1
                buffer.append({**old, "id": self.cursor(self._last_seq)})
                self._aliases[old["id"]] = self._last_seq
            self._history[session_id] = buffer
            while len(self._history) > self.max_sessions:
                self._history.popitem(last=False)

    def messages_after(self, session_id: str, cursor: Optional[str]) -> Tuple[List[Dict[str, Any]], str]:
        """(messages newer than ``cursor``, the cursor to pass next time)."""
        after = self._seq_after(cursor)
        with self._lock:
            newer = [e for e in self._history.get(session_id, ()) if self._seq_after(e["id"]) > after]
        return newer, newer[-1]["id"] if newer else self.cursor(after)

    @contextmanager
    def subscribe(self, session_id: str) -> Iterator[asyncio.Queue]:
        """A queue that receives every message published for the session from now on."""
        listener = (asyncio.get_running_loop(), asyncio.Queue())
        with self._lock:
            self._subscribers.setdefault(session_id, set()).add(listener)
        try:
            yield listener[1]
        finally:
            with self._lock:
                listeners = self._subscribers.get(session_id, set())
                listeners.discard(listener)
                if not listeners:
                    self._subscribers.pop(session_id, None)

    def forget(self, session_id: str) -> None:
        """Drop the session's messages and end its streams (the conversation was deleted)."""
        with self._lock:
            self._history.pop(session_id, None)
            listeners = list(self._subscribers.get(session_id, ()))
        for loop, queue in listeners:
            loop.call_soon_threadsafe(queue.put_nowait, CLOSED)


#: The gateway's hub. Creating it touches nothing outside this process.
hub = NotificationHub()


def publish(session_id: str, message: Dict[str, Any]) -> Dict[str, Any]:
    """Send ``message`` to the session's open widget (see NotificationHub.publish)."""
    return hub.publish(session_id, message)
