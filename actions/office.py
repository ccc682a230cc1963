""""Who is my office?": the named contact card of the responsible office, answered directly.

A question that names a place or postcode in Sachsen-Anhalt and asks which office is responsible
("PLZ 38820 – wer ist meine Ausländerbehörde?", "My postcode is 39288. Which office handles my
residence permit?") gets the office of that district for the question's topic (routing:
``bot.contacts.directory.find_responsible_contact``; the foreigners' authority unless the question
is about recognition or German courses) with its contact card. Nothing is passed on, so there is
no consent step; the "Talk to a person" button starts the handoff, whose form then knows the place.

Reached three ways (bot/data/rules.yml): the intent ``ask_office``; ``inform_location`` outside the
handoff (a place on its own, or the answer to "which town?"); and ``action_answer`` when the NLU
filed an office question under a topic (``is_office_question``). A place outside Sachsen-Anhalt gets
the federal contacts; no place asks for one; several districts under one postcode ask which town
(buttons). A message that also asks for a person, or is urgent, starts the handoff instead
(``start_handoff``).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import Turn, read_turn
from actions.handoff import FEDERAL_CONTACT, MAKE_IT_IN_GERMANY, directory, real_district
from actions.messages import send, talk_to_person_button
from bot import texts, urgency
from bot.contacts.card import contact_card
from bot.contacts.directory import find_responsible_contact
from bot.contacts.districts import DISTRICTS
from bot.contacts.office_question import asks_office, is_office_question, office_topic
from bot.contacts.places import AMBIGUOUS, FOUND, OUTSIDE, UNKNOWN, PlaceResolution, resolve_place
from bot.i18n import quote, translate

_PLZ = re.compile(r"(?<!\d)\d{5}(?!\d)")


def _place_text(turn: Turn) -> str:
    """The text to resolve: the entities of a button payload, else the message itself."""
    if turn.text.startswith("/"):
        return " ".join(filter(None, (turn.entity("plz"), turn.entity("place"))))
    return turn.text


def where_label(resolution: PlaceResolution) -> str:
    """'Köthen (Anhalt) (Anhalt-Bitterfeld)', '38820 (Harz)', 'Magdeburg'."""
    place = resolution.place or resolution.plz or resolution.district_name
    district = resolution.district_name or DISTRICTS.get(resolution.district_code or "", "")
    if district and place and district not in place:
        return f"{place} ({district})"
    return place or district


def _events(start: bool = False, **slots: Any) -> list[dict[str, Any]]:
    events = [SlotSet(name, value) for name, value in slots.items()]
    return events + [SlotSet("start_handoff", start)]


def answer_office(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn) -> list[dict[str, Any]]:
    """Reply to an office question (or a bare place); the events to return."""
    typed = not turn.text.startswith("/")
    if typed and (urgency.detect(turn.text) or urgency.wants_person(turn.text)):
        # "I live in Köthen and need to talk to someone": the handoff (its form takes the place).
        return _events(start=True, handoff_urgency=urgency.detect(turn.text))
    topic = office_topic(turn.text) if typed else "residence"
    resolution = resolve_place(_place_text(turn))
    if resolution.status == FOUND:
        return _send_office(dispatcher, turn, topic, resolution.district_code, where_label(resolution),
                            place_name=resolution.place)
    if resolution.status == AMBIGUOUS:
        buttons = []
        for place, _code, district in resolution.candidates:
            value = f"{resolution.plz or ''} {place}".strip().replace('"', "")
            buttons.append({"title": f"{place} ({district})",
                            "payload": f'/inform_location{{"place": "{value}"}}'})
        send(dispatcher, turn, translate(turn.lang, texts.ASK_PLACE_WHICH), "handoff", buttons=buttons)
        return _events(last_topic=topic)
    if resolution.status == OUTSIDE:
        federal = directory().get(FEDERAL_CONTACT)
        send(dispatcher, turn, translate(turn.lang, texts.PLACE_OUTSIDE), "handoff",
             sources=[MAKE_IT_IN_GERMANY], contact=contact_card(federal, turn.lang) if federal else None,
             handoff={"escalation_id": None, "contact_id": federal.id if federal else None,
                      "district_code": None})
        return _events(last_topic=topic)
    known = real_district(tracker)
    if known and asks_office(turn.text):
        # "Which office is responsible for me?" after the place was given earlier.
        return _send_office(dispatcher, turn, topic, known, DISTRICTS[known])
    if turn.intent == "inform_location" or _PLZ.search(turn.text):
        text = translate(turn.lang, texts.ASK_PLACE_AGAIN)
    else:
        text = translate(turn.lang, texts.OFFICE_ASK_PLACE)
    send(dispatcher, turn, text, "handoff")
    return _events(last_topic=topic)


def _send_office(dispatcher: CollectingDispatcher, turn: Turn, topic: str, district_code: str, where: str,
                 place_name: str | None = None) -> list[dict[str, Any]]:
    contact = find_responsible_contact(directory(), topic, district_code)
    text = "\n\n".join([
        translate(turn.lang, texts.OFFICE_FOR_PLACE, where=where, office=quote(contact.name, turn.lang)),
        translate(turn.lang, texts.OFFICE_OFFER_PERSON),
    ])
    send(dispatcher, turn, text, "handoff", buttons=[talk_to_person_button(turn.lang)],
         contact=contact_card(contact, turn.lang),
         handoff={"escalation_id": None, "contact_id": contact.id, "district_code": district_code})
    slots: dict[str, Any] = {"district_code": district_code, "last_topic": topic}
    if place_name:
        slots["place_name"] = place_name
    return _events(**slots)


def referral_instead(text: str) -> bool:
    """True when the question is about a subject another office handles (a referral of
    knowledge/referrals.yml; bot.knowledge.decision.another_offices_subject)."""
    from actions import runtime
    from bot.knowledge.decision import another_offices_subject
    from bot.knowledge.referrals import find_referral

    return another_offices_subject(text, find_referral(list(runtime.referrals()), text))


class ActionOffice(Action):
    """The office for the named place (``ask_office``, or a place on its own)."""

    def name(self) -> str:
        return "action_office"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        turn = read_turn(tracker)
        typed = bool(turn.text) and not turn.text.startswith("/")
        if typed and turn.intent == "ask_office" and (
                (not is_office_question(turn.text) and resolve_place(turn.text).status == UNKNOWN)
                or referral_instead(turn.text)):
            # The NLU heard an office question where the words ask none and name no place: answer it.
            # Or the office asked for is another one ("wer ist für Kindergeld zuständig?": the
            # Familienkasse): the answer's decision names it (knowledge/referrals.yml).
            from actions.answer import ActionAnswer

            return await ActionAnswer().run(dispatcher, tracker, domain)
        return answer_office(dispatcher, tracker, turn)
