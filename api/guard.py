"""The gateway's outer layer: security headers on every answer, request bodies capped while they
stream in, and bytes no part of the stack can store refused before any route sees them.

- A body is read here, chunk by chunk, up to its cap (the chat API's from ``max_message_chars``, the
  rest ``MAX_FORM_BYTES``); one byte more and the answer is 413 at once, without reading the rest
  (uvicorn then closes the connection). ``Content-Length`` above the cap is refused unread.
- JSON and form bodies, paths and query strings with a NUL character or a lone UTF-16 surrogate
  (``"\\ud800"``: half an emoji cut by a script) are refused with 422/400: SQLite and PostgreSQL
  cannot store them, httpx cannot send them to the engine.
- Errors answered here speak the session's language when the request shows it (the body's
  ``lang``, or its ``session_id`` with the right token), else the browser's (Accept-Language).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response, set_error_language, set_fallback_language
from bot import texts

logger = logging.getLogger(__name__)

SECURITY_HEADERS = {
    # The pages load scripts, styles and data only from this origin; no inline code at all.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: Cap of bodies outside the chat API (dashboard forms: a reply, a note, an account).
MAX_FORM_BYTES = 256 * 1024
#: Bytes of a refused body read to find the session's language.
_SNIFF_BYTES = 4096
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_SESSION_ID = re.compile(rb'"session_id"\s*:\s*"([0-9a-f]{32})"')
#: A path segment of 10+ digits is no id of ours (accounts are 32-bit integers; sessions and cases have
#: 32 hex characters, so a 32-digit segment may be one of those).
_HUGE_NUMBER = re.compile(r"/(?:[0-9]{10,31}|[0-9]{33,})(?:/|$)")
_LANG = re.compile(rb'"lang"\s*:\s*"([A-Za-z_-]{2,10})"')


def body_cap(path: str, max_message_chars: int) -> int:
    """Largest body accepted on ``path``."""
    if path.startswith("/api/"):
        # A message of N characters is at most ~12 N bytes of JSON (escaped astral characters).
        return 12 * max_message_chars + 4096
    return MAX_FORM_BYTES


def _bad_string(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return True
    return False


def unstorable(value: Any) -> bool:
    """True when a string anywhere in ``value`` (parsed JSON) holds a NUL or a lone surrogate."""
    pending = [value]
    while pending:  # a loop, not recursion: any nesting depth the parser accepted is fine
        item = pending.pop()
        if isinstance(item, str):
            if _bad_string(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _session_language(request: Request, prefix: bytes) -> None:
    """Errors before the route ran: the language the body names, or the session's (right token only)."""
    match = _LANG.search(prefix)
    if match:
        set_error_language(request, match.group(1).decode())
        return
    match = _SESSION_ID.search(prefix)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if not match or scheme.lower() != "bearer" or not token.strip():
        return
    factory = getattr(request.app.state, "session_factory", None)
    if factory is None:
        return
    from api.models import ChatSession, hash_token

    with factory() as db:
        session = db.get(ChatSession, match.group(1).decode())
        if session is not None and hmac.compare_digest(session.token_hash, hash_token(token.strip())):
            set_error_language(request, session.lang)


class GuardMiddleware:
    def __init__(self, app: ASGIApp, max_message_chars: int):
        self.app = app
        self.max_message_chars = max_message_chars

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if scope["path"].startswith(("/api/", "/dashboard")):
                    # Answers carry tokens and conversations: no cache may keep them.
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        request = Request(scope)
        set_fallback_language(request)

        async def refuse(status: int, code: str, message: str, prefix: bytes = b"", **values) -> None:
            if prefix:
                try:
                    await run_in_threadpool(_session_language, request, prefix)
                except Exception as exc:  # noqa: BLE001 - the database is down: the browser's language will do
                    logger.warning("session language not found for an error: %s", type(exc).__name__)
            response = error_response(request, status, code, message, **values)
            if status == 413:
                response.headers["Connection"] = "close"
            await response(scope, receive, send_with_headers)

        query = scope.get("query_string", b"").decode("latin-1")
        if "\x00" in scope["path"] or "%00" in query:
            await refuse(400, "invalid_request", texts.ERROR_INVALID_JSON)
            return
        if _HUGE_NUMBER.search(scope["path"]):
            # The databases' integers would overflow on it (a 500 from PostgreSQL).
            await refuse(404, "not_found", texts.ERROR_NOT_FOUND)
            return

        has_body = scope["method"] in _BODY_METHODS or "content-length" in request.headers \
            or "transfer-encoding" in request.headers
        if not has_body:
            await self.app(scope, receive, send_with_headers)
            return

        cap = body_cap(scope["path"], self.max_message_chars)
        limit_values = {"limit": self.max_message_chars}
        length = request.headers.get("content-length", "")
        # Announced too large: refused after its first few KB (they may name the session's language).
        announced_too_large = length.isascii() and length.isdigit() and int(length) > cap
        chunks = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client is gone: nothing to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            more = message.get("more_body", False)
            if size > cap or (announced_too_large and (size >= _SNIFF_BYTES or not more)):
                prefix = (b"".join(chunks) + chunk)[:_SNIFF_BYTES]
                await refuse(413, "too_long", texts.ERROR_TOO_LONG, prefix, **limit_values)
                return
            chunks.append(chunk)
        body = b"".join(chunks)

        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if body and content_type.endswith("json"):
            try:
                parsed: Any | None = json.loads(body)
            except ValueError:  # not JSON, or not UTF-8 (CESU surrogates): the route answers 400
                parsed = None
            except RecursionError:  # "[[[[...": nested deeper than Python's parser goes
                await refuse(400, "invalid_json", texts.ERROR_INVALID_JSON)
                return
            if parsed is not None and unstorable(parsed):
                await refuse(422, "invalid_text", texts.ERROR_INVALID_TEXT, body[:_SNIFF_BYTES])
                return
        elif body and content_type == "application/x-www-form-urlencoded":
            fields = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
            if any("\x00" in key or "\x00" in value for key, value in fields):
                await refuse(400, "invalid_request", texts.ERROR_INVALID_JSON)
                return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)
