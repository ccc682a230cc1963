"""What a counsellor sends reaches the widget: ``GET /api/v1/sessions/{id}/events`` (server-sent events)
and the polling fallback ``GET /api/v1/sessions/{id}/messages?after=<cursor>``.

Messages and notices are case events in the database (api.case_events); the cursor is the id of the last
one the widget has, the same in every gateway process, so the widget may reconnect to any replica. The
stream waits for a wake-up (api.fanout) or its keep-alive, then reads what is newer. What was sent to a
widget counts as delivered: only replies nobody received are worth an e-mail (api.followup).

The token travels in the ``Authorization`` header, as on every other call: the widget reads the stream
with ``fetch`` (EventSource cannot send headers). A token in the URL would end up in proxy and server
logs, and a separate short-lived stream token would be one more secret to issue and expire for no gain.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy import update

from api import case_events, fanout
from api.deps import AuthorizationHeader, authenticate_session
from api.errors import set_error_language
from api.models import ChatSession

logger = logging.getLogger(__name__)

#: A stream ends after this many seconds and the widget reconnects: no connection is held
#: forever, and a load balancer may move the widget to another gateway.
STREAM_SECONDS = 300.0
#: A comment this often keeps proxies from closing a quiet stream (and notices a gone session).
KEEPALIVE_SECONDS = 15.0

router = APIRouter(prefix="/sessions", tags=["sessions"])


def _authorise(request: Request, session_id: str, authorization: str | None) -> None:
    # A short database session of its own: a stream must not hold a connection for minutes.
    with request.app.state.session_factory() as db:
        session = authenticate_session(db, session_id, authorization)
        set_error_language(request, session.lang)


def read_new(request: Request, session_id: str, after: int) -> tuple[list[dict[str, Any]] | None, int]:
    """(the widget's events after ``after`` — None when the conversation was deleted —, the new cursor).

    What is returned counts as delivered to the session's widget.
    """
    settings = request.app.state.settings
    with request.app.state.session_factory() as db:
        session = db.get(ChatSession, session_id)
        if session is None:
            return None, after
        events = case_events.for_widget(db, session_id, after)
        if not events:
            return [], after
        cursor = events[-1].id
        views = [case_events.widget_view(e, session.lang, settings.locales_dir) for e in events]
        db.execute(update(ChatSession).where(ChatSession.id == session_id,
                                             ChatSession.delivered_event_id < cursor)
                   .values(delivered_event_id=cursor))
        db.commit()
        return views, cursor


def _event(message: dict[str, Any]) -> str:
    return f"id: {message['id']}\nevent: message\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"


async def _stream(request: Request, session_id: str, after: int) -> AsyncIterator[str]:
    """The events; a failure ends the stream cleanly (the widget reconnects with its cursor) instead of
    breaking it after its 200 header."""
    try:
        async for chunk in _events(request, session_id, after):
            yield chunk
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - the database went away, ...: the widget retries in 3 s
        logger.warning("event stream ended by %s", type(exc).__name__)


async def _events(request: Request, session_id: str, after: int) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    # Listen before reading, so an event committed in between wakes the next wait.
    with fanout.get().listen([fanout.session_topic(session_id)]) as waiter:
        yield "retry: 3000\n\n"
        deadline = loop.time() + STREAM_SECONDS
        while True:
            messages, after = await run_in_threadpool(read_new, request, session_id, after)
            if messages is None:
                yield "event: deleted\ndata: {}\n\n"
                return
            for message in messages:
                yield _event(message)
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            if not await waiter.wait(min(KEEPALIVE_SECONDS, remaining)):
                if await request.is_disconnected():
                    return
                yield ": keep-alive\n\n"


@router.get("/{session_id}/events")
async def session_events(
    session_id: str,
    request: Request,
    authorization: AuthorizationHeader = None,
    after: str | None = None,
    last_event_id: str | None = Header(None),
) -> StreamingResponse:
    """Messages for the person after ``after`` (or Last-Event-ID), then live ones."""
    await run_in_threadpool(_authorise, request, session_id, authorization)
    return StreamingResponse(
        _stream(request, session_id, case_events.parse_cursor(after or last_event_id)),
        media_type="text/event-stream",
        # X-Accel-Buffering: nginx would otherwise hold the events back.
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/{session_id}/messages")
async def session_messages(
    session_id: str, request: Request, authorization: AuthorizationHeader = None, after: str | None = None
) -> dict[str, Any]:
    """``{"messages": [...], "cursor"}``: what was sent after ``after``; pass ``cursor`` next time."""
    await run_in_threadpool(_authorise, request, session_id, authorization)
    messages, cursor = await run_in_threadpool(read_new, request, session_id, case_events.parse_cursor(after))
    return {"messages": messages or [], "cursor": str(cursor)}
