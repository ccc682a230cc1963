"""Builds the one payload shape every action sends (brief: Contract 3)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.context import Turn
from bot import SUPPORTED_LANGUAGES, texts
from bot.i18n import language_name, translate


def button(lang: str, title: str, payload: str) -> dict[str, str]:
    return {"title": translate(lang, title), "payload": payload}


def talk_to_person_button(lang: str) -> dict[str, str]:
    return button(lang, texts.BUTTON_TALK_TO_PERSON, "/request_human")


def language_message(turn: Turn, asked: str) -> dict[str, Any]:
    """The answer to a wish for a language (or a message in one we do not offer): confirmed in the
    new language, or which languages there are."""
    if asked in SUPPORTED_LANGUAGES:
        text = translate(turn.lang, texts.LANGUAGE_SWITCHED)
        buttons = [button(turn.lang, title, payload) for title, payload in texts.TOPIC_BUTTONS]
    else:
        offered = ", ".join(language_name(code) for code in SUPPORTED_LANGUAGES)
        text = translate(turn.lang, texts.LANGUAGE_NOT_OFFERED, languages=offered,
                         language=language_name(asked, in_language=turn.lang, capitalize=False))
        buttons = []
    return {"text": text, "buttons": buttons}


def _notice(turn: Turn) -> dict[str, Any] | None:
    """What the first reply of a turn says about the language before the answer, if anything:
    the confirmation of a wish that came with a question, or that the language the person wrote
    in is not offered (the answer then comes in English or German)."""
    if not turn.first_reply:
        return None
    wish = turn.language_request
    if wish and not wish.get("bare") and wish.get("lang"):
        return language_message(turn, str(wish["lang"]))
    if turn.written_in and turn.written_in not in SUPPORTED_LANGUAGES and not wish:
        return language_message(turn, turn.written_in)
    return None


def send(
    dispatcher: CollectingDispatcher,
    turn: Turn,
    text: str,
    topic: str,
    buttons: list[dict[str, str]] | None = None,
    sources: list[dict[str, str]] | None = None,
    articles: list[str] | None = None,
    contact: dict[str, Any] | None = None,
    handoff: dict[str, Any] | None = None,
    answer: dict[str, Any] | None = None,
) -> None:
    notice = _notice(turn) if not dispatcher.messages else None
    if notice is not None:
        _utter(dispatcher, turn, notice["text"], "smalltalk", buttons=notice["buttons"])
    _utter(dispatcher, turn, text, topic, buttons, sources, articles, contact, handoff, answer)


def _utter(
    dispatcher: CollectingDispatcher,
    turn: Turn,
    text: str,
    topic: str,
    buttons: list[dict[str, str]] | None = None,
    sources: list[dict[str, str]] | None = None,
    articles: list[str] | None = None,
    contact: dict[str, Any] | None = None,
    handoff: dict[str, Any] | None = None,
    answer: dict[str, Any] | None = None,
) -> None:
    dispatcher.utter_message(
        json_message={
            "text": text,
            "buttons": buttons or [],
            "sources": sources or [],
            "contact": contact,
            # An article's answer in parts (Markdown body, review date, disclaimer) for clients
            # that render it; "text" stays the whole answer as plain text.
            "answer": answer,
            "meta": {
                "intent": turn.intent,
                "confidence": round(turn.confidence, 4),
                "topic": topic,
                "articles": articles or [],
                "handoff": handoff,
                "lang": turn.lang,
            },
        }
    )
