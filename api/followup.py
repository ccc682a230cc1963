"""Coming back later: an e-mail address the person leaves (with consent) to be told that a reply is waiting,
and the link in that e-mail that reopens the conversation.

- ``set_address`` stores the address on the person's open cases (nowhere else: it is deleted with the
  case, by the retention purge or when the person deletes the conversation) and ``remove_address``
  deletes it at once;
- ``send_waiting_notices`` runs every few seconds in the gateway: a counsellor's reply that no widget of
  the session has received for ``reply_email_delay_seconds`` gets one e-mail (several waiting replies:
  still one). The e-mail holds no case content, only a link ``<resume page>#sa-resume=<session>.<key>``;
  the key is new with every e-mail (only its sha256 is stored) and ``resume`` trades it for a new chat
  token, so the newest link opens the conversation on any device;
- several gateway replicas may run the loop: a conditional UPDATE decides which one sends.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from api import mail
from api.models import OPEN_STATUSES, CaseEvent, ChatSession, Escalation, as_utc, hash_token, utcnow
from bot import texts
from bot.i18n import translate

logger = logging.getLogger(__name__)

#: The link's fragment key; the widget on any page reads it (api/static/widget/widget.js).
RESUME_FRAGMENT = "sa-resume"
#: A deliberately plain check: one @, a dot in the domain, no spaces. Whether it exists, only sending tells.
_ADDRESS = re.compile(r"^[^@\s<>\"',;]{1,64}@[^@\s<>\"',;]+\.[^@\s<>\"',;.]{2,}$")
MAX_ADDRESS = 254


def valid_address(address: str) -> bool:
    return len(address) <= MAX_ADDRESS and bool(_ADDRESS.match(address)) and ".." not in address


def set_address(db: Session, session_id: str, address: str) -> int:
    """Store the consented address on the session's open cases; how many (0: no open case). Commits."""
    cases = db.scalars(select(Escalation).where(Escalation.session_id == session_id,
                                                Escalation.status.in_(OPEN_STATUSES))).all()
    now = utcnow()
    for case in cases:
        case.notify_email, case.notify_consent_at = address, now
    db.commit()
    return len(cases)


def remove_address(db: Session, session_id: str) -> None:
    db.execute(update(Escalation).where(Escalation.session_id == session_id)
               .values(notify_email=None, notify_consent_at=None))
    db.commit()


def address_of(db: Session, session_id: str) -> str | None:
    return db.scalar(select(Escalation.notify_email).where(Escalation.session_id == session_id,
                                                           Escalation.notify_email.is_not(None)).limit(1))


def resume(db: Session, session_id: str, key: str) -> str | None:
    """A new chat token for the session if ``key`` is the newest e-mail's key (the old token stops
    working: the newest device holds the conversation); None otherwise. Commits."""
    session = db.get(ChatSession, session_id)
    if session is None or not session.resume_hash or not key:
        return None
    if not secrets.compare_digest(session.resume_hash, hash_token(key)):
        return None
    token = secrets.token_urlsafe(32)
    session.token_hash = hash_token(token)
    session.last_seen_at = utcnow()
    db.commit()
    return token


def resume_link(settings, session_id: str, key: str) -> str:
    page = settings.resume_page.split("#")[0]
    return f"{page}#{RESUME_FRAGMENT}={session_id}.{key}"


def _waiting(db: Session, settings) -> list[tuple[Escalation, ChatSession, int]]:
    """(case, session, newest unseen reply id) for every case whose reply waits longer than the delay."""
    cutoff = utcnow().timestamp() - settings.reply_email_delay_seconds
    found = []
    cases = db.scalars(select(Escalation).where(Escalation.notify_email.is_not(None))).all()
    for case in cases:
        newest = db.scalar(select(func.max(CaseEvent.id)).where(
            CaseEvent.escalation_id == case.id, CaseEvent.sender == "counsellor",
            CaseEvent.action == "message"))
        session = db.get(ChatSession, case.session_id)
        if not newest or session is None or newest <= max(session.delivered_event_id or 0,
                                                          case.notified_event_id or 0):
            continue
        event = db.get(CaseEvent, newest)
        if as_utc(event.created_at).timestamp() > cutoff:
            continue
        found.append((case, session, newest))
    return found


def send_waiting_notices(settings, session_factory) -> int:
    """E-mail every person whose reply waits unseen; how many e-mails went out."""
    if not mail.enabled(settings):
        return 0
    sent = 0
    with session_factory() as db:
        for case, session, newest in _waiting(db, settings):
            previous = case.notified_event_id
            claimed = db.execute(update(Escalation).where(
                Escalation.id == case.id,
                or_(Escalation.notified_event_id.is_(None), Escalation.notified_event_id < newest))
                .values(notified_event_id=newest).execution_options(synchronize_session=False)).rowcount == 1
            if not claimed:
                db.rollback()
                continue  # another gateway sends this one
            key = secrets.token_urlsafe(24)
            session.resume_hash = hash_token(key)
            address, lang = case.notify_email, case.lang
            db.commit()
            message = mail.Mail(
                to=address,
                subject=translate(lang, texts.MAIL_REPLY_SUBJECT, locales_dir=settings.locales_dir),
                body=translate(lang, texts.MAIL_REPLY_BODY, locales_dir=settings.locales_dir,
                               link=resume_link(settings, session.id, key)),
            )
            try:
                sent += mail.send(settings, [message])
            except Exception as exc:  # noqa: BLE001
                # Try again on the next round: the claim is given back.
                logger.warning("reply notice not sent: %s", type(exc).__name__)
                db.execute(update(Escalation).where(Escalation.id == case.id)
                           .values(notified_event_id=previous))
                db.commit()
    if sent:
        logger.info("reply notices sent: %d", sent)
    return sent


def interval(settings) -> float:
    """Seconds between two rounds: often enough for the delay, at most every second."""
    return max(1.0, min(15.0, settings.reply_email_delay_seconds / 2))


async def run_notices(app) -> None:
    """The gateway's loop (lifespan) until cancelled."""
    settings = app.state.settings
    while True:
        await asyncio.sleep(interval(settings))
        try:
            await asyncio.to_thread(send_waiting_notices, settings, app.state.session_factory)
        except Exception as exc:  # noqa: BLE001 - a broken round must not stop the next one
            logger.warning("reply notices failed: %s", type(exc).__name__)
