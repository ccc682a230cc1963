"""Counsellor replies: stored with the conversation (``CounsellorMessage``) and published to the open widget.

The notification hub keeps messages in memory only; ``restore_replies`` hands it the stored ones
after a restart, before anything new is published or read, so nothing is lost or shown twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from api import notifications
from api.models import Counsellor, CounsellorMessage, Escalation


def restore_replies(db: Session, session_id: str) -> None:
    """Load the session's stored replies into the hub if it has none in memory (after a restart)."""
    if notifications.hub.has_history(session_id):
        return
    stored = db.scalars(select(CounsellorMessage).where(CounsellorMessage.session_id == session_id)
                        .order_by(CounsellorMessage.id)).all()
    notifications.hub.restore(session_id, [
        {"id": m.event_id, "from": "counsellor", "text": m.text, "name": m.author_name,
         "sent_at": _utc(m.created_at).isoformat(timespec="seconds")} for m in stored])


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every time stored is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def send_reply(db: Session, escalation: Escalation, author: Counsellor, text: str) -> CounsellorMessage:
    """Publish ``text`` to the person's widget as a human reply and store it; the caller commits."""
    restore_replies(db, escalation.session_id)
    event = notifications.publish(escalation.session_id, {"text": text, "from": "counsellor", "name": author.name})
    message = CounsellorMessage(escalation_id=escalation.id, session_id=escalation.session_id, author_id=author.id,
                                author_name=author.name, text=text, event_id=event["id"])
    db.add(message)
    return message
