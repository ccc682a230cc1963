"""The actions' replies, run through rasa-sdk's executor on a small knowledge base.

The HashingEmbedder stands in for the model (it matches by shared character trigrams), so
these tests check the reply logic, not retrieval quality.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest
from rasa_sdk.executor import ActionExecutor

from actions import runtime
from bot import texts
from bot.i18n import translate
from bot.knowledge.embedder import HashingEmbedder
from bot.knowledge.index import build_index
from bot.knowledge.search import KnowledgeBase
from bot.settings import load_settings

ARTICLE = """---
id: residence-blue-card
topic: residence
title: {title}
summary: {summary}
sources:
  - title: Make it in Germany
    url: https://www.make-it-in-germany.com/de/visum-aufenthalt/arten/blaue-karte-eu
last_reviewed: 2026-11-24
review_after: 2027-05-24
---
_{disclaimer}_

## {heading1}
{text1}

## {heading2}
{text2}
"""

VERSIONS = {
    "de": {"title": "Blaue Karte EU", "summary": "Die Blaue Karte EU ist für Fachkräfte mit Hochschulabschluss.",
           "disclaimer": "Allgemeine Information, keine Rechtsberatung.",
           "heading1": "Voraussetzungen", "text1": "Hochschulabschluss und Arbeitsvertrag mit Mindestgehalt.",
           "heading2": "Gehaltsgrenze", "text2": "Blaue Karte Gehalt 2026: 50.700 Euro im Jahr."},
    "en": {"title": "EU Blue Card", "summary": "The EU Blue Card is for skilled workers with a degree.",
           "disclaimer": "General information, not legal advice.",
           "heading1": "Requirements", "text1": "A university degree and a job contract with a minimum salary.",
           "heading2": "Salary threshold", "text2": "Blue Card salary 2026: 50,700 euros a year."},
}


@pytest.fixture()
def knowledge_base(tmp_path, monkeypatch):
    folder = tmp_path / "knowledge" / "articles" / "residence"
    folder.mkdir(parents=True)
    for lang, values in VERSIONS.items():
        (folder / f"residence-blue-card.{lang}.md").write_text(ARTICLE.format(**values), encoding="utf-8")
    embedder = HashingEmbedder()
    build_index(tmp_path / "knowledge", tmp_path / "index", embedder)
    kb = KnowledgeBase(tmp_path / "index", embedder)
    kb.load()
    monkeypatch.setattr(runtime, "_settings", dataclasses.replace(load_settings({}), no_answer_threshold=0.2))
    runtime.use_knowledge_base(kb)
    yield kb
    runtime.use_knowledge_base(None)


def run_action(action: str, text: str, intent: str, lang: str, entities=None) -> list:
    executor = ActionExecutor()
    executor.register_package("actions")
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    call = {
        "next_action": action, "sender_id": "t", "version": "3.6.21", "domain": {},
        "tracker": {"sender_id": "t", "slots": {}, "latest_message": latest, "paused": False,
                    "events": [{"event": "user", "text": text, "parse_data": latest, "metadata": {"lang": lang}}],
                    "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"},
    }
    result = asyncio.run(executor.run(call))
    return [r["custom"] for r in result.model_dump()["responses"]]


def test_answer_shows_matching_section_with_sources_date_and_disclaimer(knowledge_base):
    [reply] = run_action("action_answer", "Blaue Karte Gehalt 2026", "ask_residence", "de")

    assert reply["text"].startswith("Blaue Karte EU\n\nGehaltsgrenze\n")
    assert translate("de", texts.LAST_REVIEWED, date="24. November 2026") in reply["text"]
    assert reply["text"].endswith(translate("de", texts.DISCLAIMER))
    assert reply["sources"] == [{"id": "residence-blue-card", "title": "Make it in Germany",
                                 "url": "https://www.make-it-in-germany.com/de/visum-aufenthalt/arten/blaue-karte-eu",
                                 "secondary": False}]
    # The same answer in parts for the widget: Markdown kept, date and disclaimer apart.
    parts = reply["answer"]
    assert parts["title"] == "Blaue Karte EU" and parts["lang"] == "de" and parts["note"] is None
    assert parts["markdown"].startswith("## Gehaltsgrenze\n")
    assert parts["reviewed"] == translate("de", texts.LAST_REVIEWED, date="24. November 2026")
    assert parts["disclaimer"] == translate("de", texts.DISCLAIMER)
    assert reply["meta"]["topic"] == "residence" and reply["meta"]["articles"] == ["residence-blue-card"]
    assert reply["meta"]["intent"] == "ask_residence"


def test_language_without_translation_gets_english_with_a_note_in_its_language(knowledge_base):
    [reply] = run_action("action_answer", "Blue Card salary 2026", "ask_residence", "pl")

    note = translate("pl", texts.TRANSLATION_MISSING, language="angielski")
    assert reply["text"].splitlines()[0] == note
    assert reply["answer"]["note"] == note and reply["answer"]["lang"] == "en"
    assert "EU Blue Card" in reply["text"]
    assert reply["text"].endswith(translate("pl", texts.DISCLAIMER))


def test_more_detail_shows_every_section(knowledge_base):
    payload_entity = [{"entity": "article_id", "value": "residence-blue-card"}]
    [reply] = run_action("action_more_detail", '/more_detail{"article_id": "residence-blue-card"}',
                         "more_detail", "en", payload_entity)

    assert "Requirements" in reply["text"] and "Salary threshold" in reply["text"]


def test_no_answer_below_threshold_offers_a_person(knowledge_base, monkeypatch):
    monkeypatch.setattr(runtime, "_settings", dataclasses.replace(load_settings({}), no_answer_threshold=0.99))

    [reply] = run_action("action_answer", "Wie backe ich Brot?", "out_of_scope", "de")

    assert reply["text"] == translate("de", texts.OUT_OF_SCOPE)
    assert reply["meta"]["articles"] == [] and reply["meta"]["topic"] == "out_of_scope"
    assert [b["payload"] for b in reply["buttons"]] == ["/request_human"]


def test_topic_button_lists_the_topics_articles(knowledge_base):
    [reply] = run_action("action_answer", "/ask_residence", "ask_residence", "en")

    payloads = [b["payload"] for b in reply["buttons"]]
    assert "/more_detail" + json.dumps({"article_id": "residence-blue-card"}) in payloads
    assert reply["buttons"][0]["title"] == "EU Blue Card"


@pytest.mark.parametrize("intent,text", [("greet", texts.GREET), ("thank", texts.THANKS),
                                         ("bot_challenge", texts.BOT_CHALLENGE)])
def test_smalltalk_in_the_session_language(intent, text):
    [reply] = run_action("action_smalltalk", "…", intent, "uk")

    assert reply["text"] == translate("uk", text)
    assert reply["meta"]["topic"] == "smalltalk"


def hit(article_id, topic, score):
    from bot.knowledge.search import Hit

    return Hit(article_id, f"{article_id}.de#1", "H", score, "de", topic)


def turn(intent):
    from actions.context import Turn

    return Turn(text="x", lang="de", intent=intent, confidence=0.9, entities=[])


def test_a_close_article_of_the_recognised_topic_is_preferred():
    from actions.answer import choose_hit

    hits = [hit("residence-x", "residence", 0.857), hit("recognition-y", "recognition", 0.852)]

    assert choose_hit(hits, turn("ask_recognition"), 0.8).article_id == "recognition-y"
    assert choose_hit(hits, turn("ask_residence"), 0.8).article_id == "residence-x"
    assert choose_hit(hits, turn("nlu_fallback"), 0.8).article_id == "residence-x"


def test_out_of_scope_needs_a_clearly_better_match():
    from actions.answer import choose_hit

    hits = [hit("residence-x", "residence", 0.82)]

    assert choose_hit(hits, turn("out_of_scope"), 0.804) is None
    assert choose_hit(hits, turn("nlu_fallback"), 0.804).article_id == "residence-x"


def test_markdown_emphasis_is_not_shown_as_asterisks():
    from actions.answer import plain

    assert plain("- **Standard: 50.700 €** (50 %)") == "- Standard: 50.700 € (50 %)"
