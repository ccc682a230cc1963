"""Data protection: delete a case with everything it holds, and the daily purge.

The daily purge (``python -m api purge``, and ``run_daily_purge`` in the gateway) deletes
- cases closed more than ``escalation_retention_days`` ago, and any case older than that
  (the consent question promises that period), with their conversations;
- conversations without a case whose last message is older than ``session_retention_days``
  (the widget's privacy notice promises that period);
- content-gap questions and "did this help?" marks older than ``feedback_retention_days``.
A case takes with it its notes, messages, read marks and the e-mail address the person left for notices.
Only ids and counts are logged, never conversation text.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from api import fanout
from api.audit import audit
from api.db import make_engine, make_session_factory
from api.models import CaseEvent, CaseNote, CaseRead, ChatSession, ContentSignal, Escalation, utcnow
from api.tracker_store import delete_conversation
from bot.settings import Settings

logger = logging.getLogger(__name__)

#: Seconds between two purges in the gateway, and before the first one (start-up stays quick).
PURGE_INTERVAL = 24 * 3600.0
FIRST_PURGE_DELAY = 60.0


def delete_case(db: Session, escalation: Escalation) -> None:
    """Delete one escalation with its notes, messages, read marks and the address for notices (a column of
    the case); the caller commits."""
    db.execute(delete(CaseNote).where(CaseNote.escalation_id == escalation.id))
    db.execute(delete(CaseEvent).where(CaseEvent.escalation_id == escalation.id))
    db.execute(delete(CaseRead).where(CaseRead.escalation_id == escalation.id))
    fanout.notify_after_commit(db, [fanout.office_topic(escalation.contact_id)])
    db.delete(escalation)


def delete_cases_of_session(db: Session, session_id: str, action: str) -> int:
    """Delete every case of a chat session (the person deleted their conversation); how many."""
    cases = db.scalars(select(Escalation).where(Escalation.session_id == session_id)).all()
    for escalation in cases:
        audit(db, action, escalation_id=escalation.id)
        delete_case(db, escalation)
    db.execute(delete(CaseEvent).where(CaseEvent.session_id == session_id))
    return len(cases)


def purge_expired_cases(settings: Settings, now: dt.datetime | None = None) -> int:
    """Delete closed cases closed more than ``escalation_retention_days`` ago, with their conversations.

    A conversation (engine events, chat session) goes only when none of its cases is kept.
    Returns the number of cases deleted.
    """
    cutoff = (now or utcnow()) - dt.timedelta(days=settings.escalation_retention_days)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as db:
            expired = db.scalars(select(Escalation).where(or_(
                and_(Escalation.status == "closed", Escalation.closed_at < cutoff),
                Escalation.created_at < cutoff,
            ))).all()
            sessions = {e.session_id for e in expired}
            for escalation in expired:
                audit(db, "purged", escalation_id=escalation.id)
                delete_case(db, escalation)
            db.flush()
            kept = set(db.scalars(select(Escalation.session_id).where(Escalation.session_id.in_(sessions))))
            for session_id in sessions - kept:
                # Engine first: if it fails, the session stays and the next run tries again.
                delete_conversation(settings.engine_db_url, session_id)
                db.execute(delete(CaseEvent).where(CaseEvent.session_id == session_id))
                session = db.get(ChatSession, session_id)
                if session is not None:
                    db.delete(session)
            db.commit()
    finally:
        engine.dispose()
    logger.info("retention purge deleted %d closed case(s)", len(expired))
    return len(expired)


def purge_idle_sessions(settings: Settings, now: dt.datetime | None = None) -> int:
    """Delete conversations with no case whose last message is older than ``session_retention_days``."""
    cutoff = (now or utcnow()) - dt.timedelta(days=settings.session_retention_days)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as db:
            with_case = select(Escalation.session_id)
            idle = db.scalars(select(ChatSession).where(
                ChatSession.last_seen_at < cutoff, ChatSession.id.not_in(with_case))).all()
            for session in idle:
                # Engine first: if it fails, the session stays and the next run tries again.
                delete_conversation(settings.engine_db_url, session.id)
                db.execute(delete(CaseEvent).where(CaseEvent.session_id == session.id))
                db.delete(session)
            db.commit()
    finally:
        engine.dispose()
    logger.info("retention purge deleted %d idle conversation(s)", len(idle))
    return len(idle)


def purge_content_signals(settings: Settings, now: dt.datetime | None = None) -> int:
    """Delete content-gap questions and feedback older than ``feedback_retention_days``."""
    cutoff = (now or utcnow()) - dt.timedelta(days=settings.feedback_retention_days)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as db:
            deleted = db.execute(delete(ContentSignal).where(ContentSignal.created_at < cutoff)).rowcount
            db.commit()
    finally:
        engine.dispose()
    logger.info("retention purge deleted %d content-gap question(s) and feedback mark(s)", deleted)
    return deleted


def purge(settings: Settings, now: dt.datetime | None = None) -> tuple:
    """Every purge; (cases deleted, idle conversations deleted). Content-gap rows go too (logged)."""
    purge_content_signals(settings, now)
    return purge_expired_cases(settings, now), purge_idle_sessions(settings, now)


async def run_daily_purge(settings: Settings, first_delay: float = FIRST_PURGE_DELAY) -> None:
    """Purge after ``first_delay`` seconds, then every PURGE_INTERVAL seconds until cancelled (the gateway's lifespan)."""
    await asyncio.sleep(first_delay)
    while True:
        try:
            await asyncio.to_thread(purge, settings)
        except Exception as exc:  # noqa: BLE001 - a broken run must not stop the next one
            logger.warning("retention purge failed: %s", type(exc).__name__)
        await asyncio.sleep(PURGE_INTERVAL)
