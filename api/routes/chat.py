"""``POST /api/v1/chat``: one user message in, the assistant's messages out; the language list."""

from __future__ import annotations

import logging
import time
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api import content_gaps, escalations, human
from api.busy import chat_gate
from api.clients import client_ip
from api.deps import (
    AuthorizationHeader,
    EngineDep,
    RateLimiterDep,
    SessionDep,
    SettingsDep,
    authenticate_session,
)
from api.engine_client import EngineSilent, EngineUnavailable, build_chat_response
from api.errors import ApiError, rate_limited, set_error_language, unsupported_language
from api.models import ChatSession, utcnow
from api.payloads import engine_text
from api.restarting import restarting, restarting_error
from api.tracker_store import replies_to
from bot import texts
from bot.i18n import DEFAULT_LANGUAGE, language_choices, normalise_language
from bot.language import detect_language, other_language, reply_language_for
from bot.language_requests import find_language_request

logger = logging.getLogger(__name__)

router = APIRouter(tags=["chat"])


class ChatRequest(BaseModel):
    session_id: str
    text: str
    #: The language chosen in the widget: it stays for the session until another is chosen;
    #: without it (and without an earlier choice) each message's language is detected.
    lang: str | None = None
    #: The client's id of this message, the same when it is sent again after a failure: a message
    #: the engine had already answered (the gateway died before the answer left) is not sent twice.
    message_id: str | None = Field(None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class Button(BaseModel):
    title: str
    payload: str


class Source(BaseModel):
    id: str
    title: str
    url: str
    #: A commercial, blog or law-firm page; official sources come first.
    secondary: bool = False


class Answer(BaseModel):
    """An article's answer in parts, for clients that render Markdown (``text`` has it all as plain text)."""

    title: str | None = None
    markdown: str
    lang: str | None = None
    note: str | None = None
    reviewed: str | None = None
    disclaimer: str | None = None


class Message(BaseModel):
    text: str
    buttons: list[Button]
    sources: list[Source]
    contact: dict[str, Any] | None
    answer: Answer | None = None


class Meta(BaseModel):
    intent: str | None
    confidence: float | None
    topic: str | None
    articles: list[str]
    handoff: dict[str, Any] | None


class ChatResponse(BaseModel):
    session_id: str
    lang: str
    dir: Literal["ltr", "rtl"]
    messages: list[Message]
    meta: Meta


def _remember_language(
    db: Session, session: ChatSession, text: str, explicit: str | None, requested: str | None,
    other: str | None = None,
) -> str:
    """Decide the reply language and store it on the session (with the time of this message).

    A language the person chose stays: asked for in the message ("can we speak Turkish?"),
    then ``lang`` of the request (the widget's picker), then one chosen earlier in the session.
    A message in a language we do not offer (``other``) is answered in English (German for a
    German-adjacent one). Otherwise the message's language is detected, with the previous one
    as tie-breaker.
    """
    if requested or explicit:
        lang = requested or explicit
        session.lang_locked = True
    elif session.lang_locked or text.startswith("/"):
        # A chosen language stays; a button payload ("/request_human") is no evidence either.
        lang = session.lang or DEFAULT_LANGUAGE
    elif other:
        lang = reply_language_for(other)
    else:
        lang = detect_language(text, session.lang)
    session.lang = lang
    session.last_seen_at = utcnow()
    db.commit()
    return lang


def _written_in_other(text: str, session: ChatSession, explicit: str | None, wish) -> str | None:
    """The language we do not offer that a free message is written in, when it is judged at all."""
    if explicit or wish or session.lang_locked or text.startswith("/"):
        return None
    return other_language(text)


def _record_refusal(db: Session, text: str, lang: str, response: dict[str, Any]) -> None:
    """The question the bot could not answer, scrubbed and linked to no session (api.content_gaps)."""
    content_gaps.record(db, "refused", text, lang, topic=(response.get("meta") or {}).get("topic"))
    db.commit()


def _unavailable(settings) -> ApiError:
    """503 for a message the engine did not answer: "restarting" when the supervisor says so."""
    if restarting(settings):
        return restarting_error()
    return ApiError(503, "unavailable", texts.ERROR_UNAVAILABLE)


@router.post("/chat", response_model=ChatResponse)
async def chat(
    body: ChatRequest,
    request: Request,
    settings: SettingsDep,
    db: SessionDep,
    limiter: RateLimiterDep,
    engine: EngineDep,
    authorization: AuthorizationHeader = None,
) -> dict[str, Any]:
    explicit = None
    if body.lang is not None:
        set_error_language(request, body.lang)
        explicit = normalise_language(body.lang)
        if explicit is None:
            raise unsupported_language()
    # Per address first: a flood with wrong tokens or fresh sessions costs the database nothing.
    retry_after = await limiter.ahit("chat_ip", client_ip(request))
    if retry_after:
        raise rate_limited(retry_after)
    session = await run_in_threadpool(authenticate_session, db, body.session_id, authorization)
    set_error_language(request, explicit or session.lang)
    if len(body.text) > settings.max_message_chars:
        raise ApiError(413, "too_long", texts.ERROR_TOO_LONG, limit=settings.max_message_chars)
    if not body.text.strip():
        raise ApiError(422, "empty_text", texts.ERROR_EMPTY_TEXT)
    # Before the engine call: a flood must cost the engine nothing.
    retry_after = await limiter.ahit("chat_session", session.id)
    if retry_after:
        raise rate_limited(retry_after)
    # A typed "/restart" is words, not a command to the engine; our buttons' payloads stay payloads.
    text = engine_text(body.text.strip())
    if text is None:
        raise ApiError(422, "empty_text", texts.ERROR_EMPTY_TEXT)
    wish = None if text.startswith("/") else find_language_request(text)
    requested = wish.lang if wish and wish.supported else None
    other = await run_in_threadpool(_written_in_other, text, session, explicit, wish)
    lang = await run_in_threadpool(_remember_language, db, session, text, explicit, requested, other)
    set_error_language(request, lang)
    # Human mode: a counsellor holds the conversation, so the message goes to them (api.human).
    case = await run_in_threadpool(human.live_case, db, session.id)
    if case is not None:
        return await human.deliver(request, db, session, case, text, lang)
    if body.message_id:
        # Sent again after a failure? The engine may have answered it before the answer was lost.
        answered = await run_in_threadpool(replies_to, settings.engine_db_url, session.id, body.message_id)
        if answered:
            try:
                replies = await escalations.record_replies(request, db, session, answered)
            except escalations.RecordFailed:
                raise ApiError(503, "unavailable", texts.ERROR_UNAVAILABLE) from None
            logger.info("chat lang=%s replies=%d replayed", lang, len(replies))
            return build_chat_response(session.id, lang, replies, settings.locales_dir)
    if restarting(settings):
        # The supervisor is bringing the engine or the action server back: say so at once.
        raise restarting_error()
    # The engine answers a wish for a language too (intent choose_language, bot/nlu/language_choice.py),
    # and notes a language we do not offer before its answer (actions/messages.py).
    metadata: dict[str, Any] = {"message_id": body.message_id} if body.message_id else {}
    if wish:
        metadata["language_request"] = {"lang": wish.lang, "supported": wish.supported, "bare": wish.bare}
    if other:
        metadata["written_in"] = other
    started = time.perf_counter()
    try:
        # Overload: a fast "busy, try again in a moment" (503) rather than a long wait (api.busy).
        async with chat_gate(request.app, settings).slot():
            replies = await engine.send_message(session.id, text, lang, metadata)
    except EngineSilent:
        # Paused while the message was on its way (a counsellor claimed the case just then)?
        case = await run_in_threadpool(human.live_case, db, session.id)
        if case is None:
            raise _unavailable(settings) from None
        return await human.deliver(request, db, session, case, text, lang, already_in_engine=True)
    except EngineUnavailable:
        raise _unavailable(settings) from None
    try:
        # A handoff the person consented to comes back in the reply and is recorded here, once.
        replies = await escalations.record_replies(request, db, session, replies)
    except escalations.RecordFailed:
        raise ApiError(503, "unavailable", texts.ERROR_UNAVAILABLE) from None
    # Never the text or the session: language, size and time are enough to run the service.
    engine_ms = (time.perf_counter() - started) * 1000
    logger.info("chat lang=%s replies=%d engine_ms=%.0f", lang, len(replies), engine_ms)
    response = build_chat_response(session.id, lang, replies, settings.locales_dir)
    if content_gaps.refused_turn(text, response):
        await run_in_threadpool(_record_refusal, db, text, lang, response)
    return response


@router.get("/languages")
def languages() -> dict[str, Any]:
    """The languages a widget may offer, each named in itself, with its text direction."""
    return {"default": DEFAULT_LANGUAGE, "languages": language_choices()}

