"""Talking to the Rasa engine over HTTP, and turning its replies into the public chat response.

The gateway owns one ``httpx.AsyncClient`` for its whole life; a failed call leaves nothing
behind, so when the engine comes back the next message simply works.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

from bot import texts
from bot.i18n import text_direction, translate

logger = logging.getLogger(__name__)


class EngineUnavailable(Exception):
    """The engine did not answer, timed out, or answered with an error or nonsense."""


class EngineSilent(EngineUnavailable):
    """The engine answered with no message: the action server is down, or the conversation is paused
    (human mode, api.human) and the bot rightly says nothing."""


@dataclass(frozen=True)
class EngineStatus:
    ready: bool
    detail: str


class EngineClient:
    """The engine's REST channel (chat) and HTTP API (status)."""

    def __init__(self, http: httpx.AsyncClient, engine_url: str, token: str, timeout: float):
        self._http = http
        self._base = engine_url.rstrip("/")
        self._token = token
        self._timeout = timeout

    async def send_message(self, session_id: str, text: str, lang: str,
                           metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The engine's messages for one user message; raise EngineUnavailable when it cannot answer.

        ``metadata`` goes with the message beside ``lang`` (the language wish or the language we
        do not offer that the message is written in: api/routes/chat.py).
        """
        body = {"sender": session_id, "message": text, "metadata": {**(metadata or {}), "lang": lang}}
        try:
            # The REST channel answers only with the engine token (bot/engine_channel.py).
            response = await self._http.post(
                f"{self._base}/webhooks/rest/webhook", json=body, timeout=self._timeout,
                headers={"Authorization": f"Bearer {self._token}"},
            )
            response.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            # Only the type: the exception text can quote the request (URL, token, message).
            logger.warning("engine call failed: %s", type(exc).__name__)
            raise EngineUnavailable(type(exc).__name__) from exc
        if not isinstance(messages, list):
            logger.warning("engine answered %s instead of a list", type(messages).__name__)
            raise EngineUnavailable("not a list")
        if not messages:
            # Every turn runs one of our actions, and each utters at least one message; an
            # empty answer means Rasa could not reach the action server.
            logger.warning("engine answered with no messages (action server down or conversation paused)")
            raise EngineSilent("no messages")
        return messages

    async def append_events(self, session_id: str, events: list[dict[str, Any]]) -> dict[str, Any]:
        """Append events to the conversation (Rasa's HTTP API); the tracker's state without its events.

        Used for human mode: ``{"event": "pause"}`` / ``{"event": "resume"}`` (Rasa's own
        ConversationPaused/Resumed), the person's messages while a counsellor holds the case and the
        counsellor's replies, so the engine's transcript stays complete. Raises EngineUnavailable.
        """
        try:
            response = await self._http.post(
                f"{self._base}/conversations/{session_id}/tracker/events",
                params={"token": self._token, "include_events": "NONE"}, json=events, timeout=self._timeout,
            )
            response.raise_for_status()
            state = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("engine append failed: %s", type(exc).__name__)
            raise EngineUnavailable(type(exc).__name__) from exc
        return state if isinstance(state, dict) else {}

    async def pause(self, session_id: str) -> None:
        """The bot stops answering this conversation (a counsellor took it over)."""
        await self.append_events(session_id, [{"event": "pause"}])

    async def resume(self, session_id: str) -> None:
        """The bot answers again (the counsellor handed the conversation back or closed the case)."""
        await self.append_events(session_id, [{"event": "resume"}])

    async def status(self, timeout: float) -> EngineStatus:
        """Ready when the HTTP API answers and reports a loaded model."""
        try:
            response = await self._http.get(
                f"{self._base}/status", params={"token": self._token}, timeout=timeout
            )
        except httpx.HTTPError:
            return EngineStatus(False, "unreachable")
        if response.status_code != 200:
            return EngineStatus(False, f"http {response.status_code}")
        try:
            model_file = response.json().get("model_file")
        except (ValueError, AttributeError):
            return EngineStatus(False, "invalid status answer")
        return EngineStatus(True, "ok") if model_file else EngineStatus(False, "no model loaded")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _buttons(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    return [
        {"title": b["title"], "payload": b["payload"]}
        for b in value
        if isinstance(b, dict) and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)
    ]


#: The parts of an article's answer (actions/answer.py ``answer_parts``), each a string or null.
ANSWER_FIELDS = ("title", "markdown", "lang", "note", "reviewed", "disclaimer")


def answer_parts(value: Any) -> dict[str, str | None] | None:
    """An answer's parts for clients that render them (the widget), or None; only string fields pass."""
    if not isinstance(value, dict) or not isinstance(value.get("markdown"), str):
        return None
    return {key: value[key] if isinstance(value.get(key), str) else None for key in ANSWER_FIELDS}


def _sources(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    # Only web links: the widget turns url into an href, so "javascript:" must never pass.
    # Official sources come first; "secondary" marks a commercial, blog or law-firm page.
    return [
        {"id": _text(s.get("id")), "title": s["title"], "url": s["url"], "secondary": s.get("secondary") is True}
        for s in value
        if isinstance(s, dict)
        and isinstance(s.get("title"), str)
        and isinstance(s.get("url"), str)
        and s["url"].startswith(("https://", "http://"))
    ]


def _meta(value: dict[str, Any]) -> dict[str, Any]:
    """The documented meta keys, each of the documented type or empty; anything else is dropped."""
    confidence, articles, handoff = value.get("confidence"), value.get("articles"), value.get("handoff")
    is_number = isinstance(confidence, (int, float)) and not isinstance(confidence, bool)
    return {
        "intent": value.get("intent") if isinstance(value.get("intent"), str) else None,
        "confidence": float(confidence) if is_number else None,
        "topic": value.get("topic") if isinstance(value.get("topic"), str) else None,
        "articles": [a for a in articles if isinstance(a, str)] if isinstance(articles, list) else [],
        "handoff": handoff if isinstance(handoff, dict) else None,
    }


def default_message(lang: str, locales_dir=None) -> dict[str, Any]:
    """What the user sees when the engine answered with nothing: no answer, offer a person."""
    talk_to_person = translate(lang, texts.BUTTON_TALK_TO_PERSON, locales_dir=locales_dir)
    return {
        "text": translate(lang, texts.NO_ANSWER, locales_dir=locales_dir),
        "buttons": [{"title": talk_to_person, "payload": "/request_human"}],
        "sources": [],
        "contact": None,
    }


def build_chat_response(
    session_id: str, lang: str, engine_messages: list[Any], locales_dir=None
) -> dict[str, Any]:
    """The public chat response (ARCHITECTURE "Public chat API (v1)") from the engine's REST answer."""
    messages: list[dict[str, Any]] = []
    meta: dict[str, Any] | None = None
    for item in engine_messages:
        if not isinstance(item, dict):
            continue
        payload = item.get("custom")
        if isinstance(payload, dict):
            contact = payload.get("contact")
            message = {
                "text": _text(payload.get("text")),
                "buttons": _buttons(payload.get("buttons")),
                "sources": _sources(payload.get("sources")),
                "contact": contact if isinstance(contact, dict) else None,
            }
            answer = answer_parts(payload.get("answer"))
            if answer:
                message["answer"] = answer
            if isinstance(payload.get("meta"), dict):
                meta = _meta(payload["meta"])
        elif isinstance(item.get("text"), str):
            buttons = _buttons(item.get("buttons"))
            message = {"text": item["text"], "buttons": buttons, "sources": [], "contact": None}
        else:
            continue  # images, attachments: nothing the widget can show yet
        if message["text"] or message["buttons"] or message["sources"] or message["contact"]:
            messages.append(message)
    if not messages:
        messages.append(default_message(lang, locales_dir))
    return {
        "session_id": session_id,
        "lang": lang,
        "dir": text_direction(lang),
        "messages": messages,
        "meta": meta or _meta({}),
    }
