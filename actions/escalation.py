"""The escalation record: what is passed on (summaries) and how it reaches the gateway.

- ``user_summary(events)``: the user's own last substantive messages, in their language, at
  most ``MAX_USER_SUMMARY`` characters (no translation of free text, ever).
- ``german_summary(...)``: fixed German sentences (topic, district, language, urgency, the
  articles the bot showed) for the office.
- ``post_escalation(payload)``: ``POST {gateway_url}/internal/escalations`` with the shared
  secret; the new id, or None when the gateway could not record it. Logs no content.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Iterable, List, Optional

import httpx

from actions import runtime
from bot.contacts.districts import DISTRICTS
from bot.i18n import language_name
from bot import urgency

logger = logging.getLogger(__name__)

MAX_USER_SUMMARY = 300
#: Messages that say nothing about the case.
_NOT_SUBSTANTIVE = frozenset({"affirm", "deny", "cancel", "greet", "goodbye", "thank", "bot_challenge",
                              "more_detail"})
_TOPICS_DE = {
    "recognition": "Anerkennung ausländischer Berufsqualifikationen",
    "residence": "Aufenthalt",
    "language_course": "Deutschkurse",
    "eu_employment": "Rechte von EU-Arbeitnehmenden",
    "living": "Leben und erste Schritte in Sachsen-Anhalt",
}
_URGENCY_DE = {
    urgency.PERMIT_EXPIRY: "Aufenthaltstitel läuft bald ab",
    urgency.DEPORTATION: "Schreiben zu Ausreise oder Abschiebung",
    urgency.DEADLINE: "Frist für Widerspruch oder Klage",
    urgency.REFUSAL: "Ablehnung im eigenen Verfahren",
}
GATEWAY_TIMEOUT = 5.0


def user_summary(events: Iterable[Dict[str, Any]], limit: int = MAX_USER_SUMMARY) -> str:
    """The last substantive user messages, oldest first, joined by ' / ', cut to ``limit``."""
    texts: List[str] = []
    for event in events:
        if event.get("event") != "user":
            continue
        text = (event.get("text") or "").strip()
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if not text or text.startswith("/") or intent in _NOT_SUBSTANTIVE:
            continue
        # A bare place answer ("Köthen", "06120") is in the district field already.
        if intent == "inform_location" and len(text.split()) <= 3:
            continue
        texts.append(" ".join(text.split()))
    chosen: List[str] = []
    length = 0
    for text in reversed(texts):
        if length + len(text) + 3 > limit and chosen:
            break
        chosen.insert(0, text)
        length += len(text) + 3
    summary = " / ".join(chosen)
    return summary if len(summary) <= limit else summary[: limit - 1] + "…"


def shown_articles(events: Iterable[Dict[str, Any]]) -> List[str]:
    """Ids of the articles the bot answered from, in order, without repeats."""
    ids: List[str] = []
    for event in events:
        if event.get("event") != "bot":
            continue
        meta = ((event.get("data") or {}).get("custom") or {}).get("meta") or {}
        for article_id in meta.get("articles") or []:
            if article_id not in ids:
                ids.append(article_id)
    return ids


def german_summary(topic: Optional[str], district_code: Optional[str], lang: str,
                   urgency_kind: Optional[str], article_titles: List[str], office: str) -> str:
    """Fixed German sentences about the case, for the office."""
    lines = [f"Thema: {_TOPICS_DE.get(topic or '', 'allgemeine Frage')}."]
    if district_code in DISTRICTS:
        lines.append(f"Landkreis/Stadt: {DISTRICTS[district_code]} ({district_code}).")
    else:
        lines.append("Landkreis/Stadt: nicht angegeben.")
    lines.append(f"Sprache der Person: {language_name(lang, 'de')}.")
    if urgency.is_urgent(urgency_kind):
        lines.append(f"Dringend: ja ({_URGENCY_DE[urgency_kind]}).")
    elif urgency_kind in _URGENCY_DE:
        lines.append(f"Hinweis: {_URGENCY_DE[urgency_kind]}.")
    if article_titles:
        lines.append("Vom Chatbot gezeigte Informationen: " + "; ".join(article_titles) + ".")
    lines.append(f"Weitergegeben an: {office}. Die Person hat der Weitergabe zugestimmt.")
    return " ".join(lines)


async def post_escalation(payload: Dict[str, Any]) -> Optional[str]:
    """Record the escalation in the gateway; its id, or None when that failed."""
    settings = runtime.settings()
    try:
        async with httpx.AsyncClient(timeout=GATEWAY_TIMEOUT) as http:
            reply = await http.post(f"{settings.gateway_url.rstrip('/')}/internal/escalations", json=payload,
                                    headers={"X-Internal-Token": settings.internal_token})
    except httpx.HTTPError as exc:
        logger.warning("escalation not recorded: gateway unreachable (%s)", type(exc).__name__)
        return None
    if reply.status_code != 201:
        logger.warning("escalation not recorded: gateway answered %s", reply.status_code)
        return None
    return reply.json().get("escalation_id")
