"""One conversation in order: the engine's turns (the person and the bot) merged with the case events of
the gateway (counsellors' replies, notices, what the person wrote while the engine was unreachable).

- ``case_items`` for the counsellor's case page;
- ``widget_items`` for the widget's history (a conversation reopened after the tab was closed, or from
  the link in an e-mail).
Buttons the person pressed show their titles; only the newest bot message keeps its buttons in the
widget (older ones would be answered as stale anyway).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api import case_events
from api.models import CaseEvent, ChatSession, Counsellor, Escalation, as_utc
from api.tracker_store import read_conversation
from bot.i18n import text_direction


def _events(db: Session, session_id: str) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.session_id == session_id).order_by(CaseEvent.id)
    return list(db.scalars(query))


def _time(event: CaseEvent) -> float:
    return as_utc(event.created_at).timestamp()


def case_items(db: Session, settings, escalation: Escalation) -> list[dict[str, Any]]:
    """Items of the case page, oldest first; ``kind`` user, bot, counsellor or event."""
    items: list[dict[str, Any]] = [dict(item) for item in read_conversation(settings.engine_db_url,
                                                                            escalation.session_id)]
    names = {c.id: c.name for c in db.scalars(select(Counsellor))}
    for event in _events(db, escalation.session_id):
        if event.escalation_id not in (None, escalation.id):
            continue  # another office's case of the same person
        base = {"timestamp": _time(event), "event_id": event.id}
        if event.action == "message" and event.sender == "person":
            if not event.in_engine:
                items.append({**base, "kind": "user", "text": event.text or "", "sources": [], "articles": [],
                              "contact": None, "lang": event.lang})
        elif event.action == "message" and event.sender == "counsellor":
            items.append({**base, "kind": "counsellor", "text": event.text_de or event.text or "",
                          "sent_text": event.text, "lang": event.lang, "reply_id": event.reply_id,
                          "who": names.get(event.author_id) or event.author_name or ""})
        elif event.action != "message":
            items.append({**base, "kind": "event", "action": event.action,
                          "who": names.get(event.author_id) or event.author_name or ""})
    items.sort(key=lambda item: item["timestamp"])
    return items


def widget_items(db: Session, settings, session: ChatSession) -> list[dict[str, Any]]:
    """The conversation as the widget shows it (the shapes of api/static/widget/widget.js)."""
    items: list[dict[str, Any]] = []
    for item in read_conversation(settings.engine_db_url, session.id):
        if item["kind"] == "user":
            items.append({"kind": "user", "text": item["text"], "timestamp": item["timestamp"]})
        else:
            lang = item.get("lang") or session.lang
            items.append({"kind": "bot", "text": item["text"], "buttons": item["buttons"],
                          "sources": [s for s in item["sources"] if isinstance(s.get("url"), str)
                                      and s["url"].startswith(("https://", "http://"))],
                          "contact": item["contact"], "answer": item.get("answer"), "lang": lang,
                          "dir": text_direction(lang) if lang else None,
                          "timestamp": item["timestamp"]})
    for event in _events(db, session.id):
        if event.sender == "person":
            if event.action == "message" and not event.in_engine:
                items.append({"kind": "user", "text": event.text or "", "timestamp": _time(event)})
            continue
        if event.text is None:
            continue
        view = case_events.widget_view(event, session.lang, settings.locales_dir)
        kind = "counsellor" if event.sender == "counsellor" else "notice"
        items.append({"kind": kind, "text": view["text"],
                      "name": view["name"], "lang": view["lang"], "lang_note": view["lang_note"],
                      "id": view["id"], "timestamp": _time(event)})
    items.sort(key=lambda item: item["timestamp"])
    last_bot: dict[str, Any] | None = None
    for item in items:
        if item["kind"] == "bot":
            if last_bot is not None:
                last_bot["buttons"] = []
            last_bot = item
        elif item["kind"] == "user" and last_bot is not None:
            last_bot["buttons"] = []  # answered: its buttons are history
            last_bot = None
    for item in items:
        item.pop("timestamp", None)
    return items
