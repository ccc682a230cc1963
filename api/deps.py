"""What the routes share: settings, database session, engine client, rate limiter, session auth."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

import httpx
from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from api.engine_client import EngineClient
from api.errors import ApiError, unauthorized
from api.models import ChatSession, hash_token
from api.ratelimit import RateLimits
from bot import texts
from bot.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


def get_http_client(request: Request) -> httpx.AsyncClient:
    return request.app.state.http


def get_engine(request: Request) -> EngineClient:
    settings: Settings = request.app.state.settings
    return EngineClient(
        request.app.state.http, settings.engine_url, settings.engine_token, settings.engine_timeout
    )


def get_rate_limiter(request: Request) -> RateLimits:
    return request.app.state.rate_limits


def authenticate_session(db: Session, session_id: str, authorization: str | None) -> ChatSession:
    """The session ``authorization`` (``Bearer <token>``) opens; 404 unknown session, 401 wrong token.

    Called by the route after the body was read, so that these errors speak the request's language.
    """
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized()
    session = db.get(ChatSession, session_id)
    if session is None:
        raise ApiError(404, "unknown_session", texts.ERROR_UNKNOWN_SESSION)
    if not hmac.compare_digest(session.token_hash, hash_token(token.strip())):
        # Most often the owner's widget with an expired token: the refusal speaks their language.
        raise unauthorized(session.lang)
    return session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_db)]
HttpClientDep = Annotated[httpx.AsyncClient, Depends(get_http_client)]
EngineDep = Annotated[EngineClient, Depends(get_engine)]
RateLimiterDep = Annotated[RateLimits, Depends(get_rate_limiter)]
AuthorizationHeader = Annotated[str | None, Header()]
