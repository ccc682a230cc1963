"""``POST /api/v1/sessions``: open a conversation and get the token that alone can use it."""

from __future__ import annotations

import secrets
from typing import Optional

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.deps import SessionDep
from api.errors import set_error_language, unsupported_language
from api.models import ChatSession, hash_token
from bot.i18n import normalise_language

router = APIRouter(prefix="/sessions", tags=["sessions"])


class SessionCreate(BaseModel):
    #: The language chosen in the widget; without it the first message decides.
    lang: Optional[str] = None


class SessionPublic(BaseModel):
    session_id: str
    token: str


@router.post("", status_code=201, response_model=SessionPublic)
def create_session(request: Request, db: SessionDep, body: Optional[SessionCreate] = None) -> SessionPublic:
    lang = None
    if body is not None and body.lang is not None:
        set_error_language(request, body.lang)
        lang = normalise_language(body.lang)
        if lang is None:
            raise unsupported_language()
    token = secrets.token_urlsafe(32)
    session = ChatSession(token_hash=hash_token(token), lang=lang)
    db.add(session)
    db.commit()
    return SessionPublic(session_id=session.id, token=token)
