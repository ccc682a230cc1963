"""Greetings, thanks, goodbyes, 'are you a bot?' and 'can we speak Turkish?', in the session's language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import read_turn
from actions.messages import button, language_message, send, talk_to_person_button
from bot import texts
from bot.i18n import translate

_REPLIES = {
    "greet": texts.GREET,
    "goodbye": texts.GOODBYE,
    "thank": texts.THANKS,
    "affirm": texts.AFFIRM,
    "deny": texts.DENY,
    "bot_challenge": texts.BOT_CHALLENGE,
}


def topic_buttons(lang: str) -> list[dict[str, str]]:
    """The four topics as buttons; each sends a question the NLU understands in any language."""
    return [button(lang, title, payload) for title, payload in texts.TOPIC_BUTTONS]


def _is_question(text: str) -> bool:
    """More than a greeting: a question of four words or more, or six words of anything."""
    words = len(text.split())
    return words >= 6 or (words >= 4 and any(mark in text for mark in "?؟"))


class ActionSmalltalk(Action):
    def name(self) -> str:
        return "action_smalltalk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        turn = read_turn(tracker)
        if turn.intent in ("affirm", "deny") and turn.text.startswith("/"):
            # The consent buttons are the only ones that send these; no consent question is open now.
            from actions.handoff import answer_stale_consent

            return answer_stale_consent(dispatcher, tracker, turn)
        if turn.intent == "greet" and _is_question(turn.text):
            # "Hallo, wie lange dauert die Anerkennung?": the question after the greeting is answered.
            from actions.answer import ActionAnswer

            return await ActionAnswer().run(dispatcher, tracker, domain)
        message = _REPLIES.get(turn.intent, texts.ASK_TOPIC)
        buttons = []
        if turn.intent in ("greet", "affirm", "deny"):
            buttons = topic_buttons(turn.lang)
        elif turn.intent == "bot_challenge":
            buttons = [talk_to_person_button(turn.lang)]
        send(dispatcher, turn, translate(turn.lang, message), "smalltalk", buttons=buttons)
        return []


class ActionChooseLanguage(Action):
    """Only a wish for a language ("can we speak Turkish?", intent ``choose_language``): confirmed in
    the new language, or the list of ours for a language we do not offer (bot/nlu/language_choice.py)."""

    def name(self) -> str:
        return "action_choose_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        turn = read_turn(tracker)
        asked = (turn.language_request or {}).get("lang") or turn.entity("language") or turn.lang
        message = language_message(turn, str(asked))
        send(dispatcher, turn, message["text"], "smalltalk", buttons=message["buttons"])
        return []
