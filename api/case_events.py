"""Case events (``CaseEvent``): what the person and the counsellors say to each other, and what happens
to a case, with one database id as the cursor of every reader.

- ``add(db, ...)`` records an event and wakes the widget of the session and the dashboards of the office
  once the caller commits (api.fanout);
- ``for_widget`` / ``widget_view``: what the person's widget receives (counsellor replies and notices,
  never the person's own messages, never what only counsellors see);
- ``for_offices``: what a dashboard receives.

Ids must grow in commit order, or a reader that saw id 11 would skip an id 10 committed later. SQLite
commits one writer at a time; on PostgreSQL ``add`` serialises the inserts of events with a transaction
advisory lock (held only until the commit).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from api import fanout
from api.models import CASE_ACTIONS, SENDERS, CaseEvent, Counsellor, Escalation, as_utc
from bot import texts
from bot.i18n import language_name, translate

#: Events one request returns at most; the reader asks again from the last id.
PAGE = 200
#: pg_advisory_xact_lock key of the event inserts ("case" in ASCII).
_PG_LOCK = 0x63617365


def add(db: Session, *, session_id: str, sender: str, action: str = "message", text: str | None = None,
        lang: str | None = None, escalation: Escalation | None = None,
        author: Counsellor | None = None,
        author_name: str | None = None, reply_id: str | None = None, text_de: str | None = None,
        in_engine: bool = False, contact_id: str | None = None) -> CaseEvent:
    """Record an event (flushed, so it has its id); readers are woken when ``db`` commits."""
    if sender not in SENDERS:
        raise ValueError(f"sender must be one of {SENDERS}, not {sender!r}")
    if action not in CASE_ACTIONS:
        raise ValueError(f"action must be one of {CASE_ACTIONS}, not {action!r}")
    if db.get_bind().dialect.name == "postgresql":
        db.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    office = contact_id or (escalation.contact_id if escalation is not None else None)
    event = CaseEvent(
        session_id=session_id, escalation_id=escalation.id if escalation is not None else None,
        contact_id=office,
        action=action, sender=sender, text=text, lang=lang, reply_id=reply_id, text_de=text_de,
        author_id=author.id if author is not None else None,
        author_name=author_name or (author.name if author is not None else None), in_engine=in_engine,
    )
    db.add(event)
    db.flush()
    fanout.notify_after_commit(db, [fanout.session_topic(session_id), fanout.office_topic(office)])
    return event


#: The largest id an Integer column holds in PostgreSQL.
MAX_ID = 2**31 - 1


def parse_cursor(value: str | None) -> int:
    """A reader's cursor: the id of the last event it has; 0 (everything) for none or nonsense."""
    value = (value or "").strip()
    # isascii: "²" and "①" are digits to str.isdigit but not to int(); ids are 32-bit integers (PostgreSQL).
    if value.isascii() and value.isdigit() and len(value) <= 10 and int(value) <= MAX_ID:
        return int(value)
    return 0


def for_widget(db: Session, session_id: str, after: int) -> list[CaseEvent]:
    """Events the person's widget shows, newer than ``after``, oldest first."""
    query = (select(CaseEvent).where(CaseEvent.session_id == session_id, CaseEvent.id > after,
                                     CaseEvent.sender != "person", CaseEvent.text.is_not(None))
             .order_by(CaseEvent.id).limit(PAGE))
    return list(db.scalars(query))


def latest_id(db: Session, session_id: str | None = None) -> int:
    query = select(func.max(CaseEvent.id))
    if session_id is not None:
        query = query.where(CaseEvent.session_id == session_id)
    return int(db.scalar(query) or 0)


def widget_view(event: CaseEvent, person_lang: str | None, locales_dir=None) -> dict[str, Any]:
    """The event as the widget receives it (the same shape on the stream, in polls and in the history).

    ``lang_note``: a counsellor's text written in another language than the person's says which
    (there is no machine translation: the text goes out as written, labelled).
    """
    named = event.sender == "counsellor" or event.action in ("claimed", "taken_over")
    note = None
    if event.sender == "counsellor" and event.lang and person_lang and event.lang != person_lang:
        note = translate(person_lang, texts.WIDGET_WRITTEN_IN, locales_dir=locales_dir,
                         language=language_name(event.lang, person_lang, capitalize=False))
    return {
        "id": str(event.id),
        "from": event.sender,
        "kind": event.action,
        "text": event.text,
        "name": event.author_name if named else None,
        "lang": event.lang,
        "lang_note": note,
        "sent_at": as_utc(event.created_at).isoformat(timespec="seconds"),
    }


def for_offices(db: Session, offices: Iterable[str] | None, after: int,
                escalation_id: str | None = None) -> list[CaseEvent]:
    """Events of the offices' cases newer than ``after`` (all offices for ``None``: an admin)."""
    query = select(CaseEvent).where(CaseEvent.id > after, CaseEvent.escalation_id.is_not(None))
    if offices is not None:
        query = query.where(CaseEvent.contact_id.in_(list(offices)))
    if escalation_id is not None:
        query = query.where(CaseEvent.escalation_id == escalation_id)
    return list(db.scalars(query.order_by(CaseEvent.id).limit(PAGE)))
