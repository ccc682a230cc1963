"""The audit log: who viewed, claimed, answered, closed or deleted which case, and who changed which account."""

from __future__ import annotations

from typing import Optional

from sqlalchemy.orm import Session

from api.models import AUDIT_ACTIONS, AuditLog, Counsellor


def audit(db: Session, action: str, account: Optional[Counsellor] = None, escalation_id: Optional[str] = None,
          target: Optional[int] = None) -> None:
    """Record an action (one of AUDIT_ACTIONS); the caller commits. Ids only, never text."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.add(AuditLog(action=action, counsellor_id=account.id if account else None, escalation_id=escalation_id,
                    target_counsellor_id=target))
