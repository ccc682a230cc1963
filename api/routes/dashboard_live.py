"""The dashboard's live updates: ``GET /dashboard/stream?after=<cursor>`` (server-sent events, the login
cookie authenticates) carries every event of the account's offices — a new case, a message of the person,
a case claimed, handed back, closed or passed on by someone else — and after each batch the account's
unread count. The queue page swaps in its table (``/dashboard/queue-table``), the case page adds the
person's messages and changes of the case as they come; both show the unread count in the page title.

Like the widget's stream it waits for a wake-up (api.fanout) and reads from the database after its
cursor, so it works against any gateway replica.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from api import case_events, fanout, unread
from api.models import Counsellor, Escalation, as_utc
from api.routes.dashboard_web import AccountDep, current_session

router = APIRouter(prefix="/dashboard", include_in_schema=False)

STREAM_SECONDS = 300.0
KEEPALIVE_SECONDS = 15.0


def _offices(account: Counsellor) -> list[str] | None:
    return None if account.is_admin else list(account.offices or [])


def read_new(request: Request, account_id: int,
             after: int) -> tuple[list[dict[str, Any]], int, int | None]:
    """(events after ``after`` as the pages use them, the new cursor, the unread count — None: logged out)."""
    with request.app.state.session_factory() as db:
        account = db.get(Counsellor, account_id)
        if account is None or not account.active:
            return [], after, None
        events = case_events.for_offices(db, _offices(account), after)
        cases = {e.id: e for e in db.scalars(select(Escalation).where(
            Escalation.id.in_({ev.escalation_id for ev in events})))} if events else {}
        names = {c.id: c.name for c in db.scalars(select(Counsellor))} if events else {}
        views = []
        for event in events:
            case = cases.get(event.escalation_id)
            text = event.text_de or event.text if event.action == "message" else None
            views.append({
                "id": event.id, "case": event.escalation_id, "action": event.action, "sender": event.sender,
                "text": text, "lang": event.lang if event.action == "message" else None,
                "who": names.get(event.author_id) or event.author_name if event.sender != "person" else None,
                "status": case.status if case else "deleted", "live": bool(case.live) if case else False,
                "claimer": names.get(case.claimed_by) if case and case.claimed_by else None,
                "office": event.contact_id, "mine": bool(case and case.claimed_by == account.id),
                "at": as_utc(event.created_at).isoformat(timespec="seconds"),
            })
        return views, (events[-1].id if events else after), unread.count(db, account)


def _sse(kind: str, data: dict[str, Any], event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _stream(request: Request, account: Counsellor, after: int) -> AsyncIterator[str]:
    offices = _offices(account)
    topics = [fanout.ALL_OFFICES] if offices is None else [fanout.office_topic(o) for o in offices]
    loop = asyncio.get_running_loop()
    with fanout.get().listen(topics) as waiter:
        yield "retry: 3000\n\n"
        deadline = loop.time() + STREAM_SECONDS
        first = True
        while True:
            events, after, count = await run_in_threadpool(read_new, request, account.id, after)
            if count is None:
                yield _sse("logout", {})
                return
            for event in events:
                yield _sse("case", event, event["id"])
            if events or first:
                yield _sse("unread", {"count": count, "cursor": after})
                first = False
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            if not await waiter.wait(min(KEEPALIVE_SECONDS, remaining)):
                if await request.is_disconnected():
                    return
                yield ": keep-alive\n\n"


@router.get("/stream", dependencies=[Depends(current_session)])
async def stream(request: Request, account: AccountDep, after: str | None = None) -> StreamingResponse:
    return StreamingResponse(_stream(request, account, case_events.parse_cursor(after)),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
