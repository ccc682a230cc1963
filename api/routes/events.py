"""Counsellor replies for an open widget: ``GET /api/v1/sessions/{id}/events`` (server-sent events)
and the polling fallback ``GET /api/v1/sessions/{id}/messages?after=<cursor>``.

The token travels in the ``Authorization`` header, as on every other call: the widget reads
the stream with ``fetch`` (EventSource cannot send headers). A token in the URL would end up
in proxy and server logs, and a separate short-lived stream token would be one more secret to
issue and expire for no gain.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator, Dict, Optional

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from api import notifications
from api.deps import AuthorizationHeader, authenticate_session
from api.errors import set_error_language
from api.replies import restore_replies

#: A stream ends after this many seconds and the widget reconnects: no connection is held
#: forever, and a load balancer may move the widget to another gateway.
STREAM_SECONDS = 300.0
#: A comment this often keeps proxies from closing a quiet stream.
KEEPALIVE_SECONDS = 15.0

router = APIRouter(prefix="/sessions", tags=["sessions"])


def _authorise(request: Request, session_id: str, authorization: Optional[str]) -> None:
    """Check the token; after a restart, reload the session's stored counsellor replies into the hub."""
    # A short database session of its own: a stream must not hold a connection for minutes.
    with request.app.state.session_factory() as db:
        session = authenticate_session(db, session_id, authorization)
        set_error_language(request, session.lang)
        restore_replies(db, session_id)


def _event(message: Dict[str, Any]) -> str:
    return f"id: {message['id']}\nevent: message\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"


async def _stream(request: Request, session_id: str, cursor: Optional[str]) -> AsyncIterator[str]:
    hub = notifications.hub
    loop = asyncio.get_running_loop()
    # Subscribe before reading the buffer, so a message published in between is not lost.
    with hub.subscribe(session_id) as queue:
        missed, _ = hub.messages_after(session_id, cursor)
        sent = {message["id"] for message in missed}
        yield "retry: 3000\n\n"
        for message in missed:
            yield _event(message)
        deadline = loop.time() + STREAM_SECONDS
        while (remaining := deadline - loop.time()) > 0:
            try:
                message = await asyncio.wait_for(queue.get(), min(KEEPALIVE_SECONDS, remaining))
            except asyncio.TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": keep-alive\n\n"
                continue
            if message is notifications.CLOSED:
                yield "event: deleted\ndata: {}\n\n"
                return
            if message["id"] not in sent:
                yield _event(message)


@router.get("/{session_id}/events")
async def session_events(
    session_id: str,
    request: Request,
    authorization: AuthorizationHeader = None,
    after: Optional[str] = None,
    last_event_id: Optional[str] = Header(None),
) -> StreamingResponse:
    """Messages published for the session after ``after`` (or Last-Event-ID), then live ones."""
    await run_in_threadpool(_authorise, request, session_id, authorization)
    return StreamingResponse(
        _stream(request, session_id, after or last_event_id),
        media_type="text/event-stream",
        # X-Accel-Buffering: nginx would otherwise hold the events back.
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/{session_id}/messages")
async def session_messages(
    session_id: str, request: Request, authorization: AuthorizationHeader = None, after: Optional[str] = None
) -> Dict[str, Any]:
    """``{"messages": [...], "cursor"}``: what was published after ``after``; pass ``cursor`` next time."""
    await run_in_threadpool(_authorise, request, session_id, authorization)
    messages, cursor = notifications.hub.messages_after(session_id, after)
    return {"messages": messages, "cursor": cursor}
