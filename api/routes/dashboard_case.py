"""One case in the dashboard: the conversation, both summaries, the contact card, notes; claim, reply, close."""

from __future__ import annotations

import logging
from typing import Optional

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import audit
from api.deps import SessionDep, SettingsDep
from api.models import CannedReply, CaseNote, ChatSession, Counsellor, CounsellorMessage, Escalation, utcnow
from api.replies import send_reply
from api.routes.dashboard import visible_escalations
from api.routes.dashboard_web import AccountDep, DashboardError, FormDep, not_found, redirect, render
from api.tracker_store import read_conversation
from bot import texts
from bot.contacts.card import contact_card
from bot.contacts.directory import ContactsError, load_directory
from bot.contacts.districts import DISTRICTS

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/dashboard/cases", include_in_schema=False)

MAX_NOTE_CHARS = 4000


def _case(db: Session, account: Counsellor, case_id: str) -> Escalation:
    """The case if the account may see it; 404 alike for unknown cases and cases of other offices."""
    escalation = db.scalar(visible_escalations(account).where(Escalation.id == case_id))
    if escalation is None:
        raise not_found()
    return escalation


def _contact(settings, escalation: Escalation) -> Optional[dict]:
    """The card the user got, in their language (None when staff removed the office since)."""
    try:
        contact = load_directory(settings.knowledge_dir).get(escalation.contact_id)
    except ContactsError:
        return None
    return contact_card(contact, escalation.lang) if contact else None


@router.get("/{case_id}")
async def case_page(case_id: str, request: Request, db: SessionDep, settings: SettingsDep, account: AccountDep):
    escalation = _case(db, account, case_id)
    conversation = await run_in_threadpool(read_conversation, settings.engine_db_url, escalation.session_id)
    replies = db.scalars(select(CounsellorMessage).where(CounsellorMessage.escalation_id == case_id)
                         .order_by(CounsellorMessage.id)).all()
    notes = db.scalars(select(CaseNote).where(CaseNote.escalation_id == case_id).order_by(CaseNote.id)).all()
    names = {c.id: c.name for c in db.scalars(select(Counsellor))}
    canned = db.scalars(select(CannedReply).order_by(CannedReply.lang != escalation.lang, CannedReply.title)).all()
    audit(db, "viewed", account, case_id)
    db.commit()
    context = {
        "case": escalation, "conversation": conversation, "replies": replies, "notes": notes, "names": names,
        "district": DISTRICTS.get(escalation.district_code or "", ""), "contact": _contact(settings, escalation),
        "canned": canned, "claimer": names.get(escalation.claimed_by),
        "may_answer": escalation.status == "claimed" and escalation.claimed_by == account.id,
        "session_exists": db.get(ChatSession, escalation.session_id) is not None,
        "notice": request.query_params.get("done"),
    }
    return render(request, "dashboard/case.html", context)


@router.post("/{case_id}/claim")
def claim(case_id: str, db: SessionDep, account: AccountDep, form: FormDep):
    escalation = _case(db, account, case_id)
    if escalation.status != "new":
        raise DashboardError(409, texts.DASHBOARD_ALREADY_CLAIMED)
    escalation.status, escalation.claimed_by, escalation.claimed_at = "claimed", account.id, utcnow()
    audit(db, "claimed", account, case_id)
    db.commit()
    return redirect(f"/dashboard/cases/{case_id}")


def _require_holder(escalation: Escalation, account: Counsellor, admin_too: bool = False) -> None:
    """Only the counsellor who claimed the case (or, where allowed, an admin) may act on it."""
    if escalation.status != "claimed":
        raise DashboardError(409, texts.DASHBOARD_CLAIM_FIRST)
    if escalation.claimed_by != account.id and not (admin_too and account.is_admin):
        raise DashboardError(403, texts.DASHBOARD_CLAIMED_BY_OTHER)


@router.post("/{case_id}/release")
def release(case_id: str, db: SessionDep, account: AccountDep, form: FormDep):
    escalation = _case(db, account, case_id)
    _require_holder(escalation, account, admin_too=True)
    escalation.status, escalation.claimed_by, escalation.claimed_at = "new", None, None
    audit(db, "released", account, case_id)
    db.commit()
    return redirect(f"/dashboard/cases/{case_id}")


@router.post("/{case_id}/close")
def close(case_id: str, db: SessionDep, account: AccountDep, form: FormDep):
    escalation = _case(db, account, case_id)
    _require_holder(escalation, account, admin_too=True)
    escalation.status, escalation.closed_at = "closed", utcnow()
    audit(db, "closed", account, case_id)
    db.commit()
    return redirect("/dashboard")


@router.post("/{case_id}/reply")
def reply(case_id: str, db: SessionDep, settings: SettingsDep, account: AccountDep, form: FormDep):
    escalation = _case(db, account, case_id)
    _require_holder(escalation, account)
    text = form.get("text", "").strip()
    if not text or len(text) > settings.max_message_chars:
        raise DashboardError(422, texts.DASHBOARD_REPLY_INVALID)
    if db.get(ChatSession, escalation.session_id) is None:
        raise DashboardError(410, texts.DASHBOARD_CONVERSATION_GONE)
    send_reply(db, escalation, account, text)
    audit(db, "answered", account, case_id)
    db.commit()
    return redirect(f"/dashboard/cases/{case_id}?done=sent")


@router.post("/{case_id}/notes")
def add_note(case_id: str, db: SessionDep, account: AccountDep, form: FormDep):
    escalation = _case(db, account, case_id)
    text = form.get("text", "").strip()
    if not text or len(text) > MAX_NOTE_CHARS:
        raise DashboardError(422, texts.DASHBOARD_NOTE_INVALID)
    db.add(CaseNote(escalation_id=escalation.id, author_id=account.id, text=text))
    audit(db, "noted", account, case_id)
    db.commit()
    return redirect(f"/dashboard/cases/{case_id}")
