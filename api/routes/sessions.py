"""``POST /api/v1/sessions``: open a conversation and get the token that alone can use it;
``DELETE /api/v1/sessions/{id}``: delete it, here and in the engine, with any case handed to an office."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from api import fanout
from api.clients import client_ip
from api.deps import AuthorizationHeader, RateLimiterDep, SessionDep, SettingsDep, authenticate_session
from api.errors import ApiError, rate_limited, set_error_language, unsupported_language
from api.models import ChatSession, hash_token
from api.retention import delete_cases_of_session
from api.tracker_store import delete_conversation
from bot import texts
from bot.i18n import normalise_language

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/sessions", tags=["sessions"])


class SessionCreate(BaseModel):
    #: The language chosen in the widget: it stays for the session (until another is chosen);
    #: without it each message's language is detected.
    lang: str | None = None
    #: The language the visitor probably reads (the widget's interface language, taken from the
    #: browser): a starting point for detection, not a choice. "ok" then stays in it, while a
    #: sentence in another language still switches. An unknown code is ignored.
    lang_hint: str | None = None


class SessionPublic(BaseModel):
    session_id: str
    token: str


@router.post("", status_code=201, response_model=SessionPublic)
def create_session(request: Request, db: SessionDep, limiter: RateLimiterDep,
                   body: SessionCreate | None = None) -> SessionPublic:
    lang = None
    if body is not None:
        set_error_language(request, body.lang_hint)
    if body is not None and body.lang is not None:
        set_error_language(request, body.lang)
        lang = normalise_language(body.lang)
        if lang is None:
            raise unsupported_language()
    # New sessions per address: otherwise a script opens one per message and no limit holds.
    retry_after = limiter.hit("sessions_ip", client_ip(request))
    if retry_after:
        raise rate_limited(retry_after)
    locked = lang is not None
    if lang is None and body is not None and body.lang_hint is not None:
        lang = normalise_language(body.lang_hint)
    token = secrets.token_urlsafe(32)
    session = ChatSession(token_hash=hash_token(token), lang=lang, lang_locked=locked)
    db.add(session)
    db.commit()
    return SessionPublic(session_id=session.id, token=token)


@router.delete("/{session_id}", status_code=204, response_class=Response)
def delete_session(
    session_id: str,
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    authorization: AuthorizationHeader = None,
) -> Response:
    """Delete the conversation: the engine's events first, then its cases and the session (so a failure can be retried)."""
    session = authenticate_session(db, session_id, authorization)
    set_error_language(request, session.lang)
    try:
        removed = delete_conversation(settings.engine_db_url, session.id)
    except SQLAlchemyError as exc:
        logger.warning("deleting a conversation from the engine store failed: %s", type(exc).__name__)
        raise ApiError(503, "unavailable", texts.ERROR_DELETE_FAILED) from None
    cases = delete_cases_of_session(db, session.id, "deleted_by_user")
    db.delete(session)
    # Open streams of the widget and the case pages notice that it is gone.
    fanout.notify_after_commit(db, [fanout.session_topic(session.id)])
    db.commit()
    logger.info("conversation deleted engine_events=%d cases=%d", removed, cases)
    return Response(status_code=204)
