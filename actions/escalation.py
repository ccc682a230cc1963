"""What an escalation passes on: the person's own words and the German summary of the facts.

- ``user_summary(events)``: the person's own last substantive messages, in their language, at most
  ``MAX_USER_SUMMARY`` characters (no translation of free text, ever);
- ``person_messages(events)``: those messages, for the facts of the German summary
  (bot.case_summary: topic, question, profession, countries, legal terms, deadline, place, language);
- ``shown_articles(events)``: the articles the bot answered from.

The action returns the escalation in its reply; the gateway records it (api.escalations). Nothing here
calls the gateway.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_USER_SUMMARY = 300
#: Messages that say nothing about the case.
_NOT_SUBSTANTIVE = frozenset({"affirm", "deny", "cancel", "greet", "goodbye", "thank", "bot_challenge",
                              "more_detail"})


def person_messages(events: Iterable[dict[str, Any]]) -> list[str]:
    """The person's substantive messages, oldest first: no button payloads, greetings or bare places."""
    texts: list[str] = []
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
    return texts


def user_summary(events: Iterable[dict[str, Any]], limit: int = MAX_USER_SUMMARY) -> str:
    """The last substantive user messages, oldest first, joined by ' / ', cut to ``limit``."""
    texts = person_messages(events)
    chosen: list[str] = []
    length = 0
    for text in reversed(texts):
        if length + len(text) + 3 > limit and chosen:
            break
        chosen.insert(0, text)
        length += len(text) + 3
    summary = " / ".join(chosen)
    return summary if len(summary) <= limit else summary[: limit - 1] + "…"


def shown_articles(events: Iterable[dict[str, Any]]) -> list[str]:
    """Ids of the articles the bot answered from, in order, without repeats."""
    ids: list[str] = []
    for event in events:
        if event.get("event") != "bot":
            continue
        meta = ((event.get("data") or {}).get("custom") or {}).get("meta") or {}
        for article_id in meta.get("articles") or []:
            if article_id not in ids:
                ids.append(article_id)
    return ids
