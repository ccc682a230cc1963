"""Greetings, thanks, goodbyes and 'are you a bot?', in the session's language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import read_turn
from actions.messages import button, send, talk_to_person_button
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
        message = _REPLIES.get(turn.intent, texts.ASK_TOPIC)
        buttons = []
        if turn.intent in ("greet", "affirm", "deny"):
            buttons = topic_buttons(turn.lang)
        elif turn.intent == "bot_challenge":
            buttons = [talk_to_person_button(turn.lang)]
        send(dispatcher, turn, translate(turn.lang, message), "smalltalk", buttons=buttons)
        return []
