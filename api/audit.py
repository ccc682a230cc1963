"""The audit log: who viewed, claimed, answered, closed or deleted which case, and who changed which account."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.models import AUDIT_ACTIONS, AuditLog, Counsellor


def audit(db: Session, action: str, account: Counsellor | None = None, escalation_id: str | None = None,
          target: int | None = None) -> None:
    """Record an action (one of AUDIT_ACTIONS); the caller commits. Ids only, never text."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.add(AuditLog(action=action, counsellor_id=account.id if account else None, escalation_id=escalation_id,
                    target_counsellor_id=target))
