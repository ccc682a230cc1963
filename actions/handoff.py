"""Hand the person over to a human: names who is responsible and how to reach them.

The full flow (place → district → named office, consent, escalation record) is the handoff
issue's; until then this explains who helps and asks where the person lives.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import read_turn
from actions.messages import send
from bot import texts
from bot.i18n import translate


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        turn = read_turn(tracker)
        send(dispatcher, turn, translate(turn.lang, texts.HANDOFF_INTRO), "handoff")
        return []
