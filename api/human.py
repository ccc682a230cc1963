"""Human mode: from the moment a counsellor claims a case until it is handed back, released or closed,
the person writes to that counsellor, not to the bot.

The engine's conversation is paused with Rasa's own ConversationPaused event (through its HTTP API) and
resumed with ConversationResumed, so the engine keeps one complete transcript: the person's messages of
this time are appended as user events (not sent through the REST channel, so the bot neither answers nor
starts a new engine session), the counsellor's replies as bot events marked ``{"from": "counsellor"}``.
The gateway's database (``CaseEvent``) carries the same messages to the live pages (api.fanout) and is
what the case page and the widget show, so a short engine outage loses nothing of the human part.

Who holds a case is decided by one conditional UPDATE (``claim``): of two counsellors who press "claim"
at once exactly one wins, and the other is told who has it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api import case_events, offices
from api.audit import audit
from api.engine_client import EngineClient, EngineUnavailable
from api.models import OPEN_STATUSES, CaseEvent, ChatSession, Counsellor, Escalation, utcnow
from bot import texts
from bot.i18n import text_direction, translate

logger = logging.getLogger(__name__)

#: The intent name of a message the person wrote to a counsellor (in the engine's transcript only; the
#: domain does not know it, so no rule ever reacts to it).
HUMAN_MODE_INTENT = "to_counsellor"


def engine_of(request: Request) -> EngineClient:
    settings = request.app.state.settings
    return EngineClient(request.app.state.http, settings.engine_url, settings.engine_token,
                        settings.engine_timeout)


def public_name(settings, account: Counsellor | None, escalation: Escalation) -> str:
    """What the person sees: the account's public name ("Beraterin der Ausländerbehörde Harz"), else
    "a counsellor of <office>" in the person's language. Never the surname unless the account chose it."""
    if account is not None and (account.public_name or "").strip():
        return account.public_name.strip()
    office = offices.office_name(settings.knowledge_dir, escalation.contact_id)
    return translate(escalation.lang, texts.HUMAN_DEFAULT_NAME, locales_dir=settings.locales_dir,
                     office=office)


def live_case(db: Session, session_id: str) -> Escalation | None:
    """The case in human mode for this conversation, if any (the newest, should there be several)."""
    return db.scalar(select(Escalation).where(Escalation.session_id == session_id, Escalation.live.is_(True),
                                              Escalation.status == "claimed")
                     .order_by(Escalation.claimed_at.desc()).limit(1))


def human_state(db: Session, settings, session_id: str) -> dict[str, Any] | None:
    """``{"escalation_id", "name"}`` while a counsellor holds the conversation, else None."""
    case = live_case(db, session_id)
    if case is None:
        return None
    holder = db.get(Counsellor, case.claimed_by) if case.claimed_by else None
    return {"escalation_id": case.id, "name": public_name(settings, holder, case)}


def _notice(db: Session, settings, escalation: Escalation, action: str, message: str | None,
            account: Counsellor | None, shown_as: str | None = None, **values: Any) -> CaseEvent:
    """A case event; with ``message`` (a bot.texts text) the person's widget shows it in their language."""
    text = None
    if message is not None:
        text = translate(escalation.lang, message, locales_dir=settings.locales_dir, **values)
    return case_events.add(db, session_id=escalation.session_id, sender="system", action=action, text=text,
                           lang=escalation.lang if text else None, escalation=escalation, author=account,
                           author_name=shown_as or (account.name if account else None))


# --- the person writes while a counsellor holds the case --------------------------------------


def _record_person_message(db: Session, session: ChatSession, case: Escalation, text: str, lang: str,
                           in_engine: bool) -> int:
    event = case_events.add(db, session_id=session.id, sender="person", text=text, lang=lang, escalation=case,
                            in_engine=in_engine)
    db.commit()
    return event.id


def _mark_in_engine(db: Session, event_id: int) -> None:
    db.execute(update(CaseEvent).where(CaseEvent.id == event_id).values(in_engine=True))
    db.commit()


async def deliver(request: Request, db: Session, session: ChatSession, case: Escalation, text: str, lang: str,
                  already_in_engine: bool = False) -> dict[str, Any]:
    """The person's message goes to the case (and the counsellor's open page); the public chat response.

    A button of an earlier bot message pressed now says nothing to a person: it is not passed on, and the
    person is told whom they are writing to.
    """
    settings = request.app.state.settings
    holder = await run_in_threadpool(db.get, Counsellor, case.claimed_by) if case.claimed_by else None
    name = public_name(settings, holder, case)
    messages: list[dict[str, Any]] = []
    if text.startswith("/"):
        messages.append({"text": translate(lang, texts.HUMAN_WRITE_IN_WORDS, locales_dir=settings.locales_dir,
                                           name=name), "buttons": [], "sources": [], "contact": None})
    else:
        event_id = await run_in_threadpool(_record_person_message, db, session, case, text, lang,
                                           already_in_engine)
        if not already_in_engine:
            await _append_person_message(request, db, session.id, text, lang, event_id)
    # Never the text: that the conversation is in human mode and how long the message was is enough.
    logger.info("chat lang=%s human_mode chars=%d", lang, len(text))
    return {
        "session_id": session.id, "lang": lang, "dir": text_direction(lang), "messages": messages,
        "meta": {"intent": None, "confidence": None, "topic": "handoff", "articles": [],
                 "handoff": {"escalation_id": case.id, "contact_id": case.contact_id,
                             "district_code": case.district_code, "human": {"name": name}}},
    }


async def _append_person_message(request: Request, db: Session, session_id: str, text: str, lang: str,
                                 event_id: int) -> None:
    engine = engine_of(request)
    # No NLU for a message to a person: the intent only marks it (Rasa's event schema wants a name).
    user = {"event": "user", "text": text, "input_channel": "rest",
            "parse_data": {"text": text, "intent": {"name": HUMAN_MODE_INTENT, "confidence": 1.0},
                           "entities": []},
            "metadata": {"lang": lang, "human_mode": True, "case_event": event_id}}
    try:
        state = await engine.append_events(session_id, [user])
        if not state.get("paused", True):
            # The pause of the claim did not reach the engine (it was down then): make up for it.
            await engine.pause(session_id)
    except EngineUnavailable:
        return  # the case page shows the message from the gateway's database
    await run_in_threadpool(_mark_in_engine, db, event_id)


# --- what counsellors do ------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimResult:
    won: bool
    #: Who holds the case now (the winner's name for the loser), None when it is closed.
    holder: str | None


def claim(db: Session, settings, escalation: Escalation, account: Counsellor) -> ClaimResult:
    """Take a new case over: one conditional UPDATE, so of several counsellors exactly one wins."""
    now = utcnow()
    won = db.execute(update(Escalation).where(Escalation.id == escalation.id, Escalation.status == "new")
                     .values(status="claimed", claimed_by=account.id, claimed_at=now, live=True)
                     .execution_options(synchronize_session=False)).rowcount == 1
    if not won:
        # Nothing changed; reading the row again shows who won (no rollback: the request's other
        # objects, such as the login, stay usable for the error page).
        db.refresh(escalation)
        holder = db.get(Counsellor, escalation.claimed_by) if escalation.claimed_by else None
        return ClaimResult(False, holder.name if holder else None)
    db.refresh(escalation)
    name = public_name(settings, account, escalation)
    _notice(db, settings, escalation, "claimed", texts.HUMAN_JOINED, account, shown_as=name, name=name)
    audit(db, "claimed", account, escalation.id)
    db.commit()
    return ClaimResult(True, account.name)


def take_over(db: Session, settings, escalation: Escalation, account: Counsellor) -> None:
    """The holder talks with the person again after handing the conversation back."""
    escalation.live = True
    name = public_name(settings, account, escalation)
    _notice(db, settings, escalation, "taken_over", texts.HUMAN_JOINED, account, shown_as=name, name=name)
    audit(db, "taken_over", account, escalation.id)
    db.commit()


def hand_back(db: Session, settings, escalation: Escalation, account: Counsellor) -> None:
    """The bot answers again; the case stays with its holder (who may take it over again)."""
    escalation.live = False
    _notice(db, settings, escalation, "handed_back", texts.HUMAN_HANDED_BACK, account)
    audit(db, "handed_back", account, escalation.id)
    db.commit()


def release(db: Session, settings, escalation: Escalation, account: Counsellor) -> None:
    """Back to the queue for another counsellor; the bot answers meanwhile."""
    was_live = escalation.live
    _unclaim(escalation)
    _notice(db, settings, escalation, "released", texts.HUMAN_RELEASED if was_live else None, account)
    audit(db, "released", account, escalation.id)
    db.commit()


def close(db: Session, settings, escalation: Escalation, account: Counsellor) -> None:
    escalation.status, escalation.closed_at, escalation.live = "closed", utcnow(), False
    _notice(db, settings, escalation, "closed", texts.HUMAN_CLOSED, account)
    audit(db, "closed", account, escalation.id)
    db.commit()


def _unclaim(escalation: Escalation) -> None:
    """Back to "new": nobody holds it, the bot answers."""
    escalation.status, escalation.claimed_by, escalation.claimed_at = "new", None, None
    escalation.live = False


class Conflict(Exception):
    """The change would give the conversation a second open case at one office."""


def _open_elsewhere(db: Session, escalation: Escalation, contact_id: str) -> bool:
    return db.scalar(select(Escalation.id).where(
        Escalation.session_id == escalation.session_id, Escalation.contact_id == contact_id,
        Escalation.status.in_(OPEN_STATUSES), Escalation.id != escalation.id)) is not None


def reopen(db: Session, settings, escalation: Escalation, account: Counsellor) -> None:
    """A closed case goes back to the queue (closed by mistake, or the person needs more)."""
    if _open_elsewhere(db, escalation, escalation.contact_id):
        raise Conflict()
    _unclaim(escalation)
    escalation.closed_at = None
    _notice(db, settings, escalation, "reopened", None, account)
    audit(db, "reopened", account, escalation.id)
    db.commit()


def transfer(db: Session, settings, escalation: Escalation, account: Counsellor, contact_id: str) -> None:
    """Route the case to another office (wrong district): it arrives there as new, the person is told."""
    target = offices.office(settings.knowledge_dir, contact_id)
    if target is None or contact_id == escalation.contact_id:
        raise ValueError("unknown office")
    if _open_elsewhere(db, escalation, contact_id):
        raise Conflict()
    old = escalation.contact_id
    districts = target.districts if isinstance(target.districts, tuple) else ()
    # The old office's pages drop it; the new office's pages get it as a new case.
    case_events.add(db, session_id=escalation.session_id, sender="system", action="transferred",
                    escalation=escalation, contact_id=old, author=account)
    escalation.contact_id = contact_id
    if len(districts) == 1:
        escalation.district_code = districts[0]
    _unclaim(escalation)
    escalation.closed_at = None
    _notice(db, settings, escalation, "transferred", texts.CASE_TRANSFERRED, account, office=target.name)
    audit(db, "transferred", account, escalation.id)
    db.commit()


async def sync_engine(request: Request, session_id: str, live: bool) -> bool:
    """Pause (``live``) or resume the engine's conversation; False when the engine could not be reached.

    The gateway's database decides human mode, so a failure here only delays the engine's record of it
    (a later person message pauses it again, api.human.deliver).
    """
    engine = engine_of(request)
    try:
        await (engine.pause(session_id) if live else engine.resume(session_id))
    except EngineUnavailable:
        logger.warning("engine conversation not %s", "paused" if live else "resumed")
        return False
    return True


async def append_counsellor_message(request: Request, session_id: str, text: str, event_id: int) -> None:
    """The counsellor's reply into the engine's transcript too (best effort; the database has it)."""
    event = {"event": "bot", "text": text, "metadata": {"from": "counsellor", "case_event": event_id},
             "data": {"custom": {"text": text, "meta": {"topic": "handoff"}}}}
    try:
        await engine_of(request).append_events(session_id, [event])
    except EngineUnavailable:
        pass
