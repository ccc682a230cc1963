"""Unread counts of the dashboard (shown in the page title): per counsellor, what needs their eyes.

Unread are the events after the counsellor's read mark of a case (``CaseRead``, set when the case page
is open and visible):
- a new case of the counsellor's offices, not yet claimed;
- a message of the person in a case the counsellor holds.
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from api.models import CaseEvent, CaseRead, Counsellor, Escalation


def _unread_query(account: Counsellor):
    read = select(CaseRead.escalation_id, CaseRead.event_id).where(
        CaseRead.counsellor_id == account.id).subquery()
    query = (select(CaseEvent.escalation_id, func.count(CaseEvent.id))
             .join(Escalation, Escalation.id == CaseEvent.escalation_id)
             .outerjoin(read, read.c.escalation_id == CaseEvent.escalation_id)
             .where(CaseEvent.id > func.coalesce(read.c.event_id, 0))
             .where(or_(
                 and_(CaseEvent.action == "created", Escalation.status == "new"),
                 and_(CaseEvent.action == "message", CaseEvent.sender == "person",
                      Escalation.status == "claimed", Escalation.claimed_by == account.id),
             )))
    if not account.is_admin:
        query = query.where(Escalation.contact_id.in_(list(account.offices or [])))
    return query.group_by(CaseEvent.escalation_id)


def per_case(db: Session, account: Counsellor) -> dict[str, int]:
    """Case id → number of unread events (only cases with some)."""
    return {case_id: n for case_id, n in db.execute(_unread_query(account))}


def count(db: Session, account: Counsellor) -> int:
    return sum(per_case(db, account).values())


def mark_read(db: Session, account: Counsellor, escalation_id: str, event_id: int) -> None:
    """Everything of the case up to ``event_id`` has been seen (never moves back); the caller commits."""
    mark = db.get(CaseRead, (account.id, escalation_id))
    if mark is None:
        db.add(CaseRead(counsellor_id=account.id, escalation_id=escalation_id, event_id=event_id))
    elif event_id > mark.event_id:
        mark.event_id = event_id
