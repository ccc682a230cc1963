"""One case in the dashboard: the conversation in order, both summaries, the contact card, notes; claim (the
person then writes to you: human mode), reply with free text or a canned reply, hand back to the bot, take
over again, release, close with a closing message, reopen, pass on to another office.

Every change is audited and reaches the person's widget and the other counsellors' pages at once
(api.case_events, api.fanout). Claiming is one conditional UPDATE (api.human.claim): of two counsellors
exactly one wins and the other is told who has it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import case_events, human, offices, unread
from api.audit import audit
from api.deps import SessionDep, SettingsDep
from api.models import CaseNote, ChatSession, Counsellor, Escalation, utcnow
from api.routes.dashboard import age_text, last_messages, visible_escalations
from api.routes.dashboard_web import AccountDep, DashboardError, FormDep, not_found, redirect, render
from api.transcript import case_items
from bot import SUPPORTED_LANGUAGES, texts
from bot.contacts.card import contact_card
from bot.contacts.districts import DISTRICTS
from bot.i18n import language_name
from bot.replies import CannedReply, read_replies

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/dashboard/cases", include_in_schema=False)

MAX_NOTE_CHARS = 4000
_replies_cache: dict[str, Any] = {}


def canned_replies(settings) -> list[CannedReply]:
    """knowledge/replies.yml; while a changed file has errors, the last good version."""
    replies, problems = read_replies(settings.knowledge_dir)
    key = str(settings.knowledge_dir)
    if problems:
        logger.warning("knowledge/replies.yml has %d problem(s); run python -m bot check", len(problems))
        return _replies_cache.get(key, replies)
    _replies_cache[key] = replies
    return replies


def _case(db: Session, account: Counsellor, case_id: str) -> Escalation:
    """The case if the account may see it; 404 alike for unknown cases and cases of other offices."""
    escalation = db.scalar(visible_escalations(account).where(Escalation.id == case_id))
    if escalation is None:
        if len(case_id) <= 32 and db.get(Escalation, case_id) is not None:
            # A real case of another office: the attempt is recorded (the answer stays "not found").
            audit(db, "access_denied", account, case_id)
            db.commit()
        raise not_found()
    return escalation


def _contact(settings, escalation: Escalation) -> dict | None:
    """The card the user got, in their language (None when staff removed the office since)."""
    contact = offices.office(settings.knowledge_dir, escalation.contact_id)
    return contact_card(contact, escalation.lang) if contact else None


def _last_message(db: Session, escalation: Escalation) -> tuple | None:
    """How long ago the person last wrote (to the bot or to a counsellor), as an age text; None if unknown."""
    moment = last_messages(db, [escalation.session_id]).get(escalation.session_id)
    return age_text(moment, utcnow()) if moment is not None else None


def _page_context(db: Session, settings, account: Counsellor, escalation: Escalation) -> dict[str, Any]:
    items = case_items(db, settings, escalation)
    notes = db.scalars(select(CaseNote).where(CaseNote.escalation_id == escalation.id)
                       .order_by(CaseNote.id)).all()
    names = {c.id: c.name for c in db.scalars(select(Counsellor))}
    cursor = case_events.latest_id(db)
    unread.mark_read(db, account, escalation.id, cursor)
    audit(db, "viewed", account, escalation.id)
    db.commit()
    directory = offices.directory(settings.knowledge_dir)
    holder = escalation.status == "claimed" and escalation.claimed_by == account.id
    return {
        "case": escalation, "items": items, "notes": notes, "names": names,
        "district": DISTRICTS.get(escalation.district_code or "", ""),
        "contact": _contact(settings, escalation),
        "replies": canned_replies(settings), "claimer": names.get(escalation.claimed_by),
        "may_answer": holder, "may_manage": holder or (account.is_admin and escalation.status == "claimed"),
        "session_exists": db.get(ChatSession, escalation.session_id) is not None,
        "case_language": language_name(escalation.lang, "de"),
        "case_language_native": language_name(escalation.lang),
        "last_message": _last_message(db, escalation),
        "text_languages": [(code, language_name(code)) for code in SUPPORTED_LANGUAGES],
        "other_offices": [(c.id, c.name) for c in directory or () if c.id != escalation.contact_id],
        "cursor": cursor, "unread": unread.count(db, account),
    }


@router.get("/{case_id}")
async def case_page(case_id: str, request: Request, db: SessionDep, settings: SettingsDep,
                    account: AccountDep):
    def load():
        escalation = _case(db, account, case_id)
        return _page_context(db, settings, account, escalation)

    context = await run_in_threadpool(load)
    context["notice"] = request.query_params.get("done")
    return render(request, "dashboard/case.html", context)


@router.post("/{case_id}/claim")
async def claim(case_id: str, request: Request, db: SessionDep, settings: SettingsDep, account: AccountDep,
                form: FormDep):
    def run():
        escalation = _case(db, account, case_id)
        return escalation, human.claim(db, settings, escalation, account)

    escalation, result = await run_in_threadpool(run)
    if not result.won:
        if result.holder:
            raise DashboardError(409, texts.DASHBOARD_CLAIMED_BY_SOMEONE, name=result.holder)
        raise DashboardError(409, texts.DASHBOARD_ALREADY_CLAIMED)
    # From now on the person writes to this counsellor; the engine's conversation pauses.
    paused = await human.sync_engine(request, escalation.session_id, live=True)
    return redirect(f"/dashboard/cases/{case_id}" + ("" if paused else "?done=engine"))


def _require_holder(escalation: Escalation, account: Counsellor, admin_too: bool = False) -> None:
    """Only the counsellor who claimed the case (or, where allowed, an admin) may act on it."""
    if escalation.status != "claimed":
        raise DashboardError(409, texts.DASHBOARD_CLAIM_FIRST)
    if escalation.claimed_by != account.id and not (admin_too and account.is_admin):
        raise DashboardError(403, texts.DASHBOARD_CLAIMED_BY_OTHER)


async def _change(request: Request, db: Session, account: Counsellor, case_id: str, change, admin_too: bool,
                  then: str) -> Any:
    """Apply ``change(escalation)`` as the holder, then bring the engine's pause in line with human mode."""
    def run():
        escalation = _case(db, account, case_id)
        _require_holder(escalation, account, admin_too=admin_too)
        was_live = escalation.live
        change(escalation)
        return escalation, was_live

    escalation, was_live = await run_in_threadpool(run)
    if escalation.live != was_live:
        await human.sync_engine(request, escalation.session_id, live=escalation.live)
    return redirect(then.format(id=case_id))


@router.post("/{case_id}/release")
async def release(case_id: str, request: Request, db: SessionDep, settings: SettingsDep, account: AccountDep,
                  form: FormDep):
    return await _change(request, db, account, case_id, lambda e: human.release(db, settings, e, account),
                         admin_too=True, then="/dashboard/cases/{id}")


@router.post("/{case_id}/handback")
async def hand_back(case_id: str, request: Request, db: SessionDep, settings: SettingsDep,
                    account: AccountDep, form: FormDep):
    def change(escalation):
        if escalation.live:
            human.hand_back(db, settings, escalation, account)
    return await _change(request, db, account, case_id, change, admin_too=False, then="/dashboard/cases/{id}")


@router.post("/{case_id}/takeover")
async def take_over(case_id: str, request: Request, db: SessionDep, settings: SettingsDep,
                    account: AccountDep, form: FormDep):
    def change(escalation):
        if not escalation.live:
            human.take_over(db, settings, escalation, account)
    return await _change(request, db, account, case_id, change, admin_too=False, then="/dashboard/cases/{id}")


def _message_from_form(settings, escalation: Escalation, form: dict[str, str]) -> dict[str, Any] | None:
    """The message a form sends: a canned reply in the person's language, or free text as written."""
    reply_id = form.get("reply_id", "").strip()
    if reply_id:
        reply = next((r for r in canned_replies(settings) if r.id == reply_id), None)
        if reply is None:
            raise DashboardError(422, texts.DASHBOARD_REPLY_INVALID)
        return {"text": reply.text(escalation.lang), "lang": escalation.lang, "reply_id": reply.id,
                "text_de": reply.text("de")}
    text = form.get("text", "").strip()
    if not text:
        return None
    if len(text) > settings.max_message_chars:
        raise DashboardError(422, texts.DASHBOARD_REPLY_INVALID)
    lang = form.get("text_lang", "de")
    lang = lang if lang in SUPPORTED_LANGUAGES else "de"
    return {"text": text, "lang": lang, "reply_id": None, "text_de": None}


def _send(db: Session, settings, escalation: Escalation, account: Counsellor, message: dict[str, Any]):
    event = case_events.add(db, session_id=escalation.session_id, sender="counsellor", text=message["text"],
                            lang=message["lang"], reply_id=message["reply_id"], text_de=message["text_de"],
                            escalation=escalation, author=account,
                            author_name=human.public_name(settings, account, escalation))
    audit(db, "answered", account, escalation.id)
    return event


@router.post("/{case_id}/reply")
async def reply(case_id: str, request: Request, db: SessionDep, settings: SettingsDep, account: AccountDep,
                form: FormDep):
    def run():
        escalation = _case(db, account, case_id)
        _require_holder(escalation, account)
        message = _message_from_form(settings, escalation, form)
        if message is None:
            raise DashboardError(422, texts.DASHBOARD_REPLY_INVALID)
        if db.get(ChatSession, escalation.session_id) is None:
            raise DashboardError(410, texts.DASHBOARD_CONVERSATION_GONE)
        event = _send(db, settings, escalation, account, message)
        db.commit()
        return escalation.session_id, event.text, event.id

    session_id, text, event_id = await run_in_threadpool(run)
    await human.append_counsellor_message(request, session_id, text, event_id)
    return redirect(f"/dashboard/cases/{case_id}?done=sent")


@router.post("/{case_id}/close")
async def close(case_id: str, request: Request, db: SessionDep, settings: SettingsDep, account: AccountDep,
                form: FormDep):
    def run():
        escalation = _case(db, account, case_id)
        _require_holder(escalation, account, admin_too=True)
        message = _message_from_form(settings, escalation, form)
        sent = None
        if message is not None and db.get(ChatSession, escalation.session_id) is not None:
            event = _send(db, settings, escalation, account, message)
            sent = (event.text, event.id)
        was_live = escalation.live
        human.close(db, settings, escalation, account)
        return escalation.session_id, sent, was_live

    session_id, sent, was_live = await run_in_threadpool(run)
    if sent:
        await human.append_counsellor_message(request, session_id, *sent)
    if was_live:
        await human.sync_engine(request, session_id, live=False)
    return redirect("/dashboard")


@router.post("/{case_id}/reopen")
def reopen(case_id: str, db: SessionDep, settings: SettingsDep, account: AccountDep, form: FormDep):
    escalation = _case(db, account, case_id)
    if escalation.status != "closed":
        raise DashboardError(409, texts.DASHBOARD_NOT_CLOSED)
    try:
        human.reopen(db, settings, escalation, account)
    except human.Conflict:
        raise DashboardError(409, texts.DASHBOARD_OPEN_CASE_EXISTS) from None
    return redirect(f"/dashboard/cases/{case_id}")


@router.post("/{case_id}/transfer")
async def transfer(case_id: str, request: Request, db: SessionDep, settings: SettingsDep, account: AccountDep,
                   form: FormDep):
    target = form.get("contact_id", "")

    def run():
        escalation = _case(db, account, case_id)
        if escalation.status == "claimed":
            _require_holder(escalation, account, admin_too=True)
        was_live = escalation.live
        try:
            human.transfer(db, settings, escalation, account, target)
        except human.Conflict:
            raise DashboardError(409, texts.DASHBOARD_OPEN_CASE_EXISTS) from None
        except ValueError:
            raise DashboardError(422, texts.DASHBOARD_TRANSFER_INVALID) from None
        return escalation.session_id, was_live

    session_id, was_live = await run_in_threadpool(run)
    if was_live:
        await human.sync_engine(request, session_id, live=False)
    # The case now belongs to an office this account may not see: back to the queue.
    return redirect("/dashboard?done=transferred")


@router.post("/{case_id}/read")
def mark_read(case_id: str, db: SessionDep, account: AccountDep, form: FormDep) -> dict[str, int]:
    """The live page saw events up to ``event_id`` (it was visible): they are not unread any more."""
    escalation = _case(db, account, case_id)
    value = form.get("event_id", "")
    unread.mark_read(db, account, escalation.id, case_events.parse_cursor(value))
    db.commit()
    return {"unread": unread.count(db, account)}


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
