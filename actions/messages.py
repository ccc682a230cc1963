"""Builds the one payload shape every action sends (brief: Contract 3)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.context import Turn
from bot import texts
from bot.i18n import translate


def button(lang: str, title: str, payload: str) -> dict[str, str]:
    return {"title": translate(lang, title), "payload": payload}


def talk_to_person_button(lang: str) -> dict[str, str]:
    return button(lang, texts.BUTTON_TALK_TO_PERSON, "/request_human")


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
