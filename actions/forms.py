"""``validate_handoff_form``: turns what the user typed into the form's slots.

- ``district_code``: the place from the message (entities ``place``/``plz`` or the free text)
  through ``resolve_place``. found → the Kreisschlüssel; ambiguous → ``place_question`` keeps
  the candidates and the question asks which town; outside Sachsen-Anhalt → ``outside`` and the
  form ends; unknown → asked once more, then ``statewide`` (the WelcomeCenter).
- ``handoff_consent``: yes/no (intents affirm/deny, the buttons send them); anything else asks again.

What is no answer is not taken as one:
- asking for a person again ("I want a person" at the place question) leaves the note ``on_the_way``
  and the question says "yes, I am connecting you; I need this first" (no failed place attempt);
- a greeting, thanks, yes/no at the place question: the question again, no failed attempt;
- a question on a topic (or a topic button) is not filled into the form: the form rejects it, the bot
  answers it (rules "... in the middle of the handoff") and then asks its question again;
- ``cancel`` leaves the form (rule in bot/data/rules.yml).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.context import Turn, read_turn
from actions.handoff import NOTE_NOT_A_PLACE, NOTE_ON_THE_WAY, OUTSIDE, STATEWIDE, consented_record
from bot import urgency
from bot.contacts.names import name_keys
from bot.contacts.places import AMBIGUOUS, FOUND, resolve_place
from bot.contacts.places import OUTSIDE as PLACE_OUTSIDE

#: Slots the extraction sets beside the required ones; rasa-sdk would drop them (see below).
HELPER_SLOTS = ("place_question", "place_attempts", "handoff_retries", "form_note", "place_name",
                "handoff_record")
#: Unknown places accepted before the state-wide WelcomeCenter is offered instead.
MAX_PLACE_ATTEMPTS = 2
#: Questions the bot answers in the middle of the form (rules in bot/data/rules.yml), then asks again.
QUESTION_INTENTS = frozenset({"ask_recognition", "ask_residence", "ask_language_course", "ask_eu_employment",
                              "ask_living", "out_of_scope", "more_detail"})
#: Below this, a "question" is more likely a misspelt answer.
QUESTION_CONFIDENCE = 0.5
#: Replies that answer neither question (the question comes again, nothing is counted).
#: ``choose_language``: the question comes again in the language chosen; ``ask_office`` without a place
#: ("which office is responsible?") is what the place question is for.
NOT_AN_ANSWER = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "choose_language",
                           "ask_office"})


def asks_for_person(turn: Turn) -> bool:
    typed = not turn.text.startswith("/")
    return turn.intent == "request_human" or (typed and urgency.wants_person(turn.text))


def is_question(turn: Turn) -> bool:
    button = turn.text.startswith("/")
    return turn.intent in QUESTION_INTENTS and (button or turn.confidence >= QUESTION_CONFIDENCE)


def _place_text(tracker: Tracker) -> str:
    """The text to resolve: an entity from a button payload, else the message itself."""
    turn = read_turn(tracker)
    if turn.text.startswith("/"):
        return " ".join(filter(None, (turn.entity("plz"), turn.entity("place"))))
    return turn.text


def _pick_candidate(text: str, candidates: list[list[str]]) -> str | None:
    """The district of the candidate the answer names exactly ("Lieskau", "Saalekreis")."""
    key = name_keys(text)[0] if text else ""
    for place, code, district in candidates:
        if key and key in (name_keys(place)[0], name_keys(district)[0]):
            return code
    return None


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: dict[str, Any]) -> list[str]:
        # Outside Sachsen-Anhalt there is no office to pass anything on to: no consent question.
        if tracker.slots.get("district_code") == OUTSIDE:
            return ["district_code"]
        return domain_slots

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: dict[str, Any]) -> list[dict[str, Any]]:
        # rasa-sdk returns only required slots; the helper slots must reach the tracker too
        # (they also tell Rasa that the answer was understood, so the form is not rejected).
        events = await super().get_validation_events(dispatcher, tracker, domain)
        returned = {event["name"] for event in events}
        for name, value in tracker.slots_to_validate().items():
            if name in HELPER_SLOTS and name not in returned:
                events.append(SlotSet(name, value))
        return events

    async def extract_district_code(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: dict[str, Any]) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot") == "district_code"
        if tracker.get_slot("district_code") and not requested:
            return {}
        turn = read_turn(tracker)
        if turn.intent == "cancel":
            return {}
        text = _place_text(tracker)
        question = tracker.get_slot("place_question") or {}
        candidates = question.get("candidates") or []
        if candidates and requested:
            code = _pick_candidate(text, candidates)
            if code:
                name = next((place for place, c, _district in candidates if c == code), None)
                return {"district_code": code, "place_question": None, "place_name": name}
            if question.get("plz"):
                combined = resolve_place(f"{question['plz']} {text}")
                if combined.status == FOUND:
                    return {"district_code": combined.district_code, "place_question": None,
                            "place_name": combined.place}
        resolution = resolve_place(text)
        if resolution.status == FOUND:
            return {"district_code": resolution.district_code, "place_question": None, "place_attempts": 0,
                    "place_name": resolution.place}
        if resolution.status == PLACE_OUTSIDE:
            return {"district_code": OUTSIDE, "place_question": None}
        if resolution.status == AMBIGUOUS:
            return {"place_question": {"plz": resolution.plz,
                                       "candidates": [list(c) for c in resolution.candidates]}}
        if not requested:
            return {}  # the message that started the form named no place: the form asks
        if asks_for_person(turn):
            return {"form_note": NOTE_ON_THE_WAY}
        if is_question(turn):
            return {}  # rejected: the bot answers the question, then the form asks again
        if turn.intent in NOT_AN_ANSWER:
            return {"form_note": NOTE_NOT_A_PLACE}
        attempts = int(tracker.get_slot("place_attempts") or 0) + 1
        if attempts >= MAX_PLACE_ATTEMPTS:
            return {"district_code": STATEWIDE, "place_question": None, "place_attempts": attempts}
        return {"place_attempts": attempts, "place_question": None}

    async def extract_handoff_consent(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: dict[str, Any]) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "handoff_consent":
            return {}
        turn = read_turn(tracker)
        intent = turn.intent
        if intent == "affirm":
            # The escalation is made (with its key) the moment the person agrees, and kept in the
            # tracker: should action_handoff then fail (the action server dies), a second "yes"
            # finds it and sends it again (actions.handoff.answer_stale_consent).
            return {"handoff_consent": True, "handoff_record": consented_record(tracker, turn)}
        if intent == "deny":
            return {"handoff_consent": False, "handoff_record": None}
        if intent == "cancel":
            return {}
        if asks_for_person(turn):
            return {"form_note": NOTE_ON_THE_WAY}
        if is_question(turn):
            return {}  # rejected: answered, then the consent question again
        return {"handoff_retries": int(tracker.get_slot("handoff_retries") or 0) + 1}
