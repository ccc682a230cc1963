"""Answers from the knowledge base: the best article's section or summary, with sources.

The reply is curated text only (never generated): the matched section or the summary in the
user's language where a translation exists, else in English or German with a note in the
user's language. Every answer shows its last review date and ends with the disclaimer.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.context import Turn, read_turn
from actions.messages import send, talk_to_person_button
from bot import texts, urgency
from bot.i18n import format_date, language_name, translate

logger = logging.getLogger(__name__)

INTENT_TOPICS = {
    "ask_recognition": "recognition",
    "ask_residence": "residence",
    "ask_language_course": "language_course",
    "ask_eu_employment": "eu_employment",
    "ask_living": "living",
}
#: How close (in score) another article must come to be offered as "related".
RELATED_MARGIN = 0.03
MAX_RELATED = 2


def public_topic(article_topic: str) -> str:
    """The API's topic name for an article topic ('general' articles count as living)."""
    return "living" if article_topic == "general" else article_topic


def pick_version(kb, article_id: str, lang: str):
    """The article in ``lang``; else English for non-German speakers, German for the rest."""
    article = kb.article(article_id, lang)
    if article is not None:
        return article, False
    order = ("de", "en") if lang == "de" else ("en", "de")
    for fallback in order:
        article = kb.article(article_id, fallback)
        if article is not None:
            return article, True
    return None, False


def matching_section(kb, hit, article) -> Any | None:
    """The section of ``article`` that corresponds to the hit's section (same position)."""
    if not hit.heading:
        return None
    source = kb.article(hit.article_id, hit.lang)
    if source is None:
        return None
    for index, section in enumerate(source.sections):
        if section.heading == hit.heading:
            return article.sections[index] if index < len(article.sections) else None
    return None


def footer(lang: str, article) -> list[str]:
    return [
        translate(lang, texts.LAST_REVIEWED, date=format_date(article.last_reviewed, lang)),
        translate(lang, texts.DISCLAIMER),
    ]


def sources_of(article) -> list[dict[str, str]]:
    return [{"id": article.id, "title": s.title, "url": s.url} for s in article.sources]


_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


def plain(text: str) -> str:
    """Article Markdown as chat text: emphasis markers go (clients show text, not Markdown)."""
    return _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)


def compose(lang: str, article, body: str, translated_fallback: bool) -> str:
    body = plain(body)
    lines = []
    if translated_fallback:
        lines.append(translate(lang, texts.TRANSLATION_MISSING, language=language_name(article.lang, lang, capitalize=False)))
        lines.append("")
    lines += [article.title, "", body.strip(), ""]
    lines += footer(lang, article)
    return "\n".join(lines)


def detail_button(lang: str, article_id: str, title: str = texts.BUTTON_MORE_DETAIL) -> dict[str, str]:
    payload = "/more_detail" + json.dumps({"article_id": article_id})
    return {"title": translate(lang, title) if title == texts.BUTTON_MORE_DETAIL else title, "payload": payload}


def related_buttons(kb, hits, lang: str, threshold: float) -> list[dict[str, str]]:
    best = hits[0].score
    buttons = []
    for hit in hits[1:]:
        # Hits are ordered by the fused ranking; score is each article's best cosine.
        if len(buttons) >= MAX_RELATED:
            break
        if hit.score < max(threshold, best - RELATED_MARGIN):
            continue
        article, _ = pick_version(kb, hit.article_id, lang)
        if article is not None:
            buttons.append(detail_button(lang, hit.article_id, article.title))
    return buttons


#: When the NLU says "out of scope", an article must match clearly better than usual before the
#: bot answers anyway: off-topic questions score 0.79-0.82 against our articles, real ones
#: mostly 0.85 and more (multilingual-e5 scores sit in a narrow band; see MODEL.md).
OUT_OF_SCOPE_MARGIN = 0.04
#: Among hits this close to the best one, prefer an article of the topic the NLU recognised
#: (0.03: "how do I get my engineering degree recognised?" scored the experience route 0.022
#: above the recognition articles in uk and tr; 2026-11-24).
TOPIC_PREFERENCE_MARGIN = 0.03


def choose_hit(hits: list, turn: Turn, threshold: float):
    """The hit to answer from, or None when none is trustworthy enough."""
    if not hits:
        return None
    chosen = hits[0]
    topic = INTENT_TOPICS.get(turn.intent)
    if topic and public_topic(chosen.topic) != topic:
        for hit in hits[1:]:
            if public_topic(hit.topic) == topic and hit.score >= chosen.score - TOPIC_PREFERENCE_MARGIN:
                chosen = hit
                break
    required = threshold + (OUT_OF_SCOPE_MARGIN if turn.intent == "out_of_scope" else 0.0)
    return chosen if chosen.score >= required else None


def best_answer(kb, turn: Turn, threshold: float) -> tuple[Any | None, list]:
    """The hits for the turn's text, and the one to answer from if it is trustworthy enough."""
    kb.maybe_reload()
    hits = kb.search(turn.text, runtime.settings().search_top_k)
    return choose_hit(hits, turn, threshold), hits


#: Unanswered low-confidence messages in a row after which the bot offers a person itself.
FALLBACKS_BEFORE_HANDOFF = 2


def handoff_events(tracker: Tracker, turn: Turn, topic: str | None, answered: bool,
                   start: bool = False, kind: str | None = None) -> list[dict[str, Any]]:
    """Slots the handoff reads: the conversation's topic, the fallback streak, whether to start it.

    ``start_handoff`` is set on every turn (true or false) because a rule reads it right after
    this action (bot/data/rules.yml).
    """
    streak = 0
    if turn.intent == "nlu_fallback" and not answered:
        streak = int(tracker.get_slot("fallback_count") or 0) + 1
    start = start or streak >= FALLBACKS_BEFORE_HANDOFF
    events = [SlotSet("fallback_count", 0 if start else streak), SlotSet("start_handoff", start)]
    if topic:
        events.append(SlotSet("last_topic", topic))
    if kind:
        events.append(SlotSet("handoff_urgency", kind))
    return events


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        turn = read_turn(tracker)
        intent_topic = INTENT_TOPICS.get(turn.intent)
        kind = urgency.detect(turn.text)
        if kind or urgency.wants_person(turn.text):
            # Urgent, a refusal, or "I need to talk to someone about ...": a person, not an
            # article; action_handoff_start says why and the form names the office.
            return handoff_events(tracker, turn, intent_topic, answered=True, start=True, kind=kind)
        kb = runtime.knowledge_base()
        if not turn.text or turn.text.startswith("/"):
            # A topic button (payload, no words): offer the topic's articles to choose from.
            topic_menu(dispatcher, kb, turn)
            return handoff_events(tracker, turn, intent_topic, answered=True)
        threshold = runtime.settings().no_answer_threshold
        hit, hits = best_answer(kb, turn, threshold)
        if hit is None:
            no_answer(dispatcher, turn)
            return handoff_events(tracker, turn, intent_topic, answered=False)
        article, fallback = pick_version(kb, hit.article_id, turn.lang)
        section = matching_section(kb, hit, article)
        body = f"{section.heading}\n{section.text}" if section else article.summary
        buttons = [detail_button(turn.lang, article.id)]
        buttons += related_buttons(kb, [hit] + [h for h in hits if h is not hit], turn.lang, threshold)
        buttons.append(talk_to_person_button(turn.lang))
        send(
            dispatcher,
            turn,
            compose(turn.lang, article, body, fallback),
            public_topic(article.topic),
            buttons=buttons,
            sources=sources_of(article),
            articles=[article.id],
        )
        return handoff_events(tracker, turn, public_topic(article.topic), answered=True)


def no_answer(dispatcher: CollectingDispatcher, turn: Turn) -> None:
    """Say plainly that we do not know, and offer a person instead of guessing."""
    message = texts.OUT_OF_SCOPE if turn.intent == "out_of_scope" else texts.NO_ANSWER
    topic = INTENT_TOPICS.get(turn.intent, "out_of_scope")
    send(dispatcher, turn, translate(turn.lang, message), topic, buttons=[talk_to_person_button(turn.lang)])


def topic_menu(dispatcher: CollectingDispatcher, kb, turn: Turn) -> None:
    topic = INTENT_TOPICS.get(turn.intent)
    buttons = []
    for article_id in kb.article_ids(topic=topic) if topic else []:
        article, _ = pick_version(kb, article_id, turn.lang)
        if article is not None:
            buttons.append(detail_button(turn.lang, article_id, article.title))
    buttons.append(talk_to_person_button(turn.lang))
    send(dispatcher, turn, translate(turn.lang, texts.ASK_TOPIC), topic or "smalltalk", buttons=buttons)


class ActionMoreDetail(Action):
    """The whole article (every section) after a 'More detail' button."""

    def name(self) -> str:
        return "action_more_detail"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        turn = read_turn(tracker)
        kb = runtime.knowledge_base()
        kb.maybe_reload()
        article_id = turn.entity("article_id")
        article, fallback = pick_version(kb, article_id, turn.lang) if article_id else (None, False)
        if article is None:
            no_answer(dispatcher, turn)
            return []
        body = "\n\n".join(f"{s.heading}\n{s.text.strip()}" for s in article.sections)
        send(
            dispatcher,
            turn,
            compose(turn.lang, article, body, fallback),
            public_topic(article.topic),
            buttons=[talk_to_person_button(turn.lang)],
            sources=sources_of(article),
            articles=[article.id],
        )
        return []
