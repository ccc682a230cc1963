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

from actions import office, runtime
from actions.context import Turn, read_turn
from actions.messages import send, talk_to_person_button
from bot import texts
from bot.i18n import format_date, language_name, translate
from bot.knowledge import decision
from bot.knowledge.decision import INTENT_TOPICS, public_topic

logger = logging.getLogger(__name__)



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


def sources_of(article) -> list[dict[str, Any]]:
    return [{"id": article.id, "title": s.title, "url": s.url, "secondary": s.secondary} for s in article.sources]


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


def answer_parts(lang: str, article, body: str, translated_fallback: bool) -> dict[str, Any]:
    """The parts of ``compose``'s text for a client that renders them: the Markdown is kept."""
    note = None
    if translated_fallback:
        note = translate(lang, texts.TRANSLATION_MISSING, language=language_name(article.lang, lang, capitalize=False))
    reviewed, disclaimer = footer(lang, article)
    return {"title": article.title, "markdown": body.strip(), "lang": article.lang, "note": note,
            "reviewed": reviewed, "disclaimer": disclaimer}


def detail_button(lang: str, article_id: str, title: str = texts.BUTTON_MORE_DETAIL) -> dict[str, str]:
    payload = "/more_detail" + json.dumps({"article_id": article_id})
    return {"title": translate(lang, title) if title == texts.BUTTON_MORE_DETAIL else title, "payload": payload}


def related_buttons(kb, related_ids, lang: str) -> list[dict[str, str]]:
    buttons = []
    for article_id in related_ids:
        article, _ = pick_version(kb, article_id, lang)
        if article is not None:
            buttons.append(detail_button(lang, article_id, article.title))
    return buttons


def choose_hit(hits: list, turn: Turn, threshold: float):
    """The hit to answer from, or None when none is trustworthy enough."""
    return decision.choose_hit(hits, turn.intent, threshold)


def best_answer(kb, turn: Turn, threshold: float) -> tuple[Any | None, list]:
    """The hits for the turn's text, and the one to answer from if it is trustworthy enough."""
    kb.maybe_reload()
    hits = kb.search(turn.text, runtime.settings().search_top_k, query_vector=turn.query_vector)
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
        settings = runtime.settings()
        # The knowledge base is loaded only when the decision needs to search.
        made = decision.decide(runtime.knowledge_base, turn.text, turn.lang, turn.intent,
                               settings.no_answer_threshold, settings.search_top_k, runtime.referrals(),
                               query_vector=turn.query_vector)
        return render(dispatcher, tracker, turn, made)


def render(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn,
           made: decision.Decision) -> list[dict[str, Any]]:
    """Send what ``decide`` decided; the slot events the handoff reads."""
    intent_topic = INTENT_TOPICS.get(turn.intent)
    if made.kind == decision.PERSON:
        # Urgent, a refusal, or "I need to talk to someone about ...": a person, not an
        # article; action_handoff_start says why and the form names the office.
        return handoff_events(tracker, turn, intent_topic, answered=True, start=True, kind=made.urgency)
    if made.kind == decision.OFFICE:
        # "PLZ 38820 - wer ist meine Ausländerbehörde?": the office's card, not an article (actions/office.py).
        return office.answer_office(dispatcher, tracker, turn)
    if made.kind == decision.MENU:
        # A topic button (payload, no words): offer the topic's articles to choose from.
        topic_menu(dispatcher, runtime.knowledge_base(), turn)
        return handoff_events(tracker, turn, intent_topic, answered=True)
    if made.kind != decision.ANSWER:
        options = related_buttons(runtime.knowledge_base(), made.related, turn.lang) if made.related else []
        no_answer(dispatcher, turn, made.referral, options)
        return handoff_events(tracker, turn, intent_topic, answered=False)
    kb = runtime.knowledge_base()
    hit = made.hit
    article, fallback = pick_version(kb, made.article_id, turn.lang)
    section = matching_section(kb, hit, article)
    body = f"{section.heading}\n{section.text}" if section else article.summary
    markdown = f"## {section.heading}\n{section.text}" if section else article.summary
    buttons = [detail_button(turn.lang, article.id)]
    buttons += related_buttons(kb, made.related, turn.lang)
    buttons.append(talk_to_person_button(turn.lang))
    send(
        dispatcher,
        turn,
        compose(turn.lang, article, body, fallback),
        public_topic(article.topic),
        buttons=buttons,
        sources=sources_of(article),
        articles=[article.id],
        answer=answer_parts(turn.lang, article, markdown, fallback),
    )
    return handoff_events(tracker, turn, public_topic(article.topic), answered=True)


def no_answer(dispatcher: CollectingDispatcher, turn: Turn, referral_id: str | None = None,
              options: list[dict[str, str]] | None = None) -> None:
    """Say plainly that we do not know (naming the subject and who can help), and offer a person.

    ``options``: buttons of the nearest articles when the bot is not sure (never shown as the
    answer; the person may open one).
    """
    topic = INTENT_TOPICS.get(turn.intent, "out_of_scope")
    referral = next((r for r in runtime.referrals() if r.id == referral_id), None) if referral_id else None
    if referral is not None:
        send(dispatcher, turn, referral.text(turn.lang), topic, buttons=[talk_to_person_button(turn.lang)],
             sources=[{"id": referral.id, "title": referral.source_title, "url": referral.source_url}])
        return
    message = texts.OUT_OF_SCOPE if turn.intent == "out_of_scope" else texts.NO_ANSWER
    buttons = list(options or []) + [talk_to_person_button(turn.lang)]
    send(dispatcher, turn, translate(turn.lang, message), topic, buttons=buttons)


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
        markdown = "\n\n".join(f"## {s.heading}\n{s.text.strip()}" for s in article.sections)
        send(
            dispatcher,
            turn,
            compose(turn.lang, article, body, fallback),
            public_topic(article.topic),
            buttons=[talk_to_person_button(turn.lang)],
            sources=sources_of(article),
            articles=[article.id],
            answer=answer_parts(turn.lang, article, markdown, fallback),
        )
        return []
