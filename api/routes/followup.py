"""Coming back to a conversation: its history, the e-mail notice of a waiting reply, the e-mail link.

- ``GET /api/v1/sessions/{id}/history``: the whole conversation for a widget that reopens it (a kept
  chat after the tab was closed, or the e-mail link), with the cursor of the newest event, whether a
  counsellor holds the conversation now, and the address for notices if one is stored;
- ``PUT /api/v1/sessions/{id}/notify`` ``{"email", "consent": true}`` / ``DELETE``: store (only with
  consent, only on the open cases) or delete the address;
- ``POST /api/v1/sessions/{id}/resume`` ``{"key"}``: the key of the newest e-mail's link for a new chat
  token (no Authorization header: the key is the credential).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import select

from api import case_events, followup, human, mail
from api.clients import client_ip
from api.deps import AuthorizationHeader, RateLimiterDep, SessionDep, SettingsDep, authenticate_session
from api.errors import ApiError, rate_limited, set_error_language
from api.models import OPEN_STATUSES, ChatSession, Escalation
from api.transcript import widget_items
from bot import texts
from bot.i18n import text_direction

router = APIRouter(prefix="/sessions", tags=["sessions"])


def _history(db, settings, session: ChatSession) -> dict[str, Any]:
    items = widget_items(db, settings, session)
    cursor = case_events.latest_id(db, session.id)
    open_case = db.scalar(select(Escalation.id).where(Escalation.session_id == session.id,
                                                      Escalation.status.in_(OPEN_STATUSES)).limit(1))
    return {
        "session_id": session.id, "lang": session.lang, "dir": text_direction(session.lang or "de"),
        "items": items, "cursor": str(cursor), "human": human.human_state(db, settings, session.id),
        "notify": {"email": followup.address_of(db, session.id), "available": mail.enabled(settings)},
        # While a case is open the person can still change how they come back (keep, e-mail).
        "followup": {"keep_days": settings.escalation_retention_days, "email": mail.enabled(settings)}
        if open_case else None,
    }


@router.get("/{session_id}/history")
async def history(session_id: str, request: Request, db: SessionDep, settings: SettingsDep,
                  authorization: AuthorizationHeader = None) -> dict[str, Any]:
    session = await run_in_threadpool(authenticate_session, db, session_id, authorization)
    set_error_language(request, session.lang)
    return await run_in_threadpool(_history, db, settings, session)


class NotifyRequest(BaseModel):
    email: str = Field(max_length=followup.MAX_ADDRESS)
    #: The person agreed that the address is stored to tell them a reply is waiting.
    consent: bool


@router.put("/{session_id}/notify")
def set_notify(session_id: str, body: NotifyRequest, request: Request, db: SessionDep, settings: SettingsDep,
               authorization: AuthorizationHeader = None) -> dict[str, Any]:
    session = authenticate_session(db, session_id, authorization)
    set_error_language(request, session.lang)
    address = body.email.strip()
    if not mail.enabled(settings):
        raise ApiError(409, "no_email", texts.ERROR_NO_EMAIL)
    if not body.consent:
        raise ApiError(422, "no_consent", texts.ERROR_EMAIL_CONSENT)
    if not followup.valid_address(address):
        raise ApiError(422, "invalid_email", texts.ERROR_EMAIL_INVALID)
    if followup.set_address(db, session.id, address) == 0:
        raise ApiError(409, "no_case", texts.ERROR_NO_OPEN_CASE)
    return {"email": address}


@router.delete("/{session_id}/notify", status_code=204, response_class=Response)
def delete_notify(session_id: str, request: Request, db: SessionDep,
                  authorization: AuthorizationHeader = None) -> Response:
    session = authenticate_session(db, session_id, authorization)
    set_error_language(request, session.lang)
    followup.remove_address(db, session.id)
    return Response(status_code=204)


class ResumeRequest(BaseModel):
    key: str = Field(min_length=16, max_length=128)


@router.post("/{session_id}/resume")
def resume(session_id: str, body: ResumeRequest, request: Request, db: SessionDep,
           limiter: RateLimiterDep) -> dict[str, Any]:
    # A resumed conversation gets a new token, like a new session: counted with them, per address.
    retry_after = limiter.hit("sessions_ip", client_ip(request))
    if retry_after:
        raise rate_limited(retry_after)
    token = followup.resume(db, session_id, body.key)
    if token is None:
        raise ApiError(401, "link_expired", texts.ERROR_LINK_EXPIRED)
    return {"session_id": session_id, "token": token}
