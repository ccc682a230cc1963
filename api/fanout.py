"""Wake-ups for everyone who waits for news: widgets (a counsellor answered), dashboard pages (a new case,
a new message, a case claimed by someone else).

What is new lives in the database (``CaseEvent``, api.case_events) and every reader keeps the id of the
last event it has as its cursor: ids are the same in every gateway process, so a reader may reconnect to
any replica. This module only carries the signal "there may be something newer under these topics", so
a waiting reader queries again. One small interface, ``Fanout``:

- ``notify(topics)``: something under these topics changed (called after the change was committed:
  ``notify_after_commit`` hands the topics to the session's commit);
- ``listen(topics)``: a context manager whose ``wait(timeout)`` returns True when one of the topics was
  notified since the last ``wait`` (a notification that comes between the reader's query and its wait is
  not lost), False after ``timeout``.

``InMemoryFanout`` serves one process (the embedded default). With several gateway replicas another
implementation of the same two calls forwards the topics between processes (Redis Streams or PostgreSQL
LISTEN/NOTIFY, installed with ``install``); readers and writers stay as they are, and a lost signal only
delays a reader until its next timeout, because the database is the truth.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

#: Every dashboard of an admin listens to all offices.
ALL_OFFICES = "office:*"


def session_topic(session_id: str) -> str:
    return f"session:{session_id}"


def office_topic(contact_id: str | None) -> str:
    return f"office:{contact_id or '-'}"


class Listener(Protocol):
    async def wait(self, timeout: float) -> bool: ...


class Fanout(Protocol):
    def notify(self, topics: Iterable[str]) -> None: ...

    def listen(self, topics: Iterable[str]): ...


class _Waiter:
    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.flag = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self.flag.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        self.flag.clear()
        return True


class InMemoryFanout:
    """Topics → waiting readers of this process. ``notify`` is safe from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[str, set[_Waiter]] = {}

    def notify(self, topics: Iterable[str]) -> None:
        topics = set(topics)
        if any(t.startswith("office:") for t in topics):
            topics.add(ALL_OFFICES)
        with self._lock:
            waiters = {w for topic in topics for w in self._waiters.get(topic, ())}
        for waiter in waiters:
            try:
                waiter.loop.call_soon_threadsafe(waiter.flag.set)
            except RuntimeError:  # the reader's loop has closed: nobody waits any more
                pass

    @contextmanager
    def listen(self, topics: Iterable[str]) -> Iterator[_Waiter]:
        waiter = _Waiter(asyncio.get_running_loop())
        topics = tuple(set(topics))
        with self._lock:
            for topic in topics:
                self._waiters.setdefault(topic, set()).add(waiter)
        try:
            yield waiter
        finally:
            with self._lock:
                for topic in topics:
                    waiters = self._waiters.get(topic, set())
                    waiters.discard(waiter)
                    if not waiters:
                        self._waiters.pop(topic, None)

    def listening(self) -> tuple[str, ...]:
        """Topics someone waits on (tests)."""
        with self._lock:
            return tuple(self._waiters)


_fanout: Fanout = InMemoryFanout()


def get() -> Fanout:
    return _fanout


def install(fanout: Fanout) -> None:
    """Use another implementation (several replicas: one that forwards between processes)."""
    global _fanout
    _fanout = fanout


_PENDING = "fanout_topics"


def notify_after_commit(db: Session, topics: Iterable[str]) -> None:
    """Notify ``topics`` once ``db`` commits (nothing happens on a rollback)."""
    db.info.setdefault(_PENDING, set()).update(topics)


@event.listens_for(Session, "after_commit")
def _after_commit(db: Session) -> None:
    topics = db.info.pop(_PENDING, None)
    if topics:
        _fanout.notify(topics)


@event.listens_for(Session, "after_rollback")
def _after_rollback(db: Session) -> None:
    db.info.pop(_PENDING, None)
