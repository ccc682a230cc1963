"""Hand the person over to the named office responsible for them (the ``handoff_form``).

Flow (rules in bot/data/rules.yml): a trigger → ``action_handoff_start`` (intro, or an "act now"
message for urgent cases) → ``handoff_form`` asks only for what it lacks: the place
(``district_code``, validated in actions/forms.py) and consent (``handoff_consent``) →
``action_handoff`` returns the escalation (only with consent) in its reply for the gateway to record
(api.escalations: exactly once per conversation and office) and shows the contact card, how and when
the office answers, and what the person can do meanwhile. ``action_handoff_cancel`` stops it at any
step. A consent button pressed again later (after a crash the person retries) sends the same
escalation again, so the gateway finds it and the person sees the confirmation again
(``answer_stale_consent``). ``district_code`` holds a Kreisschlüssel, or
``outside`` (not in Sachsen-Anhalt: the form ends without asking consent) or ``statewide``
(place not found twice: the WelcomeCenter).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.context import Turn, read_turn
from actions.escalation import person_messages, shown_articles, user_summary
from actions.messages import button, send, talk_to_person_button
from bot import case_summary, texts, urgency
from bot.contacts.card import contact_card
from bot.contacts.directory import ContactsError, Directory, find_responsible_contact, load_directory
from bot.contacts.districts import DISTRICTS, is_district_code
from bot.i18n import language_name, quote, translate

logger = logging.getLogger(__name__)

OUTSIDE, STATEWIDE = "outside", "statewide"
FEDERAL_CONTACT = "bamf-buergerservice"
#: The federal portal for skilled workers (source of several facts in shared/domain/FACTS.md).
MAKE_IT_IN_GERMANY = {"id": "make-it-in-germany", "title": "Make it in Germany",
                      "url": "https://www.make-it-in-germany.com/"}
#: Article shown with the "act now" message for an expiring permit.
RENEWAL_ARTICLE = "residence-renewal-fiktion"
_URGENT_TEXTS = {urgency.PERMIT_EXPIRY: texts.URGENT_PERMIT_EXPIRY, urgency.DEPORTATION: texts.URGENT_DEPORTATION,
                 urgency.DEADLINE: texts.URGENT_DEADLINE}
_INTENT_TOPICS = {"ask_recognition": "recognition", "ask_residence": "residence",
                  "ask_language_course": "language_course", "ask_eu_employment": "eu_employment",
                  "ask_living": "living"}
# Naming the foreigners' authority (or a residence document) makes it a residence matter.
_AUTHORITY_CUES = re.compile(
    r"ausländerbeh|auslaenderbeh|auslanderbeh|foreigners.? (authority|office)|immigration office|"
    r"blaue karte|blue card|aufenthalt|residence permit|visa|visum|"
    r"دائرة الأجانب|مكتب الأجانب|الإقامة|اقامة|إقامة|"
    r"відомств\w* у справах іноземц|міграційн|посвідк|ведомств\w* по делам иностранц|внж|"
    r"yabancılar dairesi|oturum izni|urząd do spraw cudzoziemców|karta pobytu|"
    r"biroul pentru străini|permis de ședere|اداره اتباع|اقامت|sở ngoại kiều|thẻ cư trú",
    re.IGNORECASE,
)

_directory: Directory | None = None

# Slots the form uses; reset when a handoff ends so the next one asks again.
FORM_STATE_SLOTS = ("handoff_consent", "place_question", "place_attempts", "handoff_retries",
                    "handoff_urgency", "form_note")
#: Notes the form's validation leaves for the next question (actions/forms.py).
NOTE_ON_THE_WAY, NOTE_NOT_A_PLACE = "on_the_way", "not_a_place"


_directory_stamp: tuple | None = None


def _contacts_stamp() -> tuple:
    # With the live reload running, contacts are read again only after an edit passed the whole
    # check (bot/knowledge/live.py): a broken edit keeps the previous directory, as it keeps the index.
    reloader = runtime.live_reloader()
    if reloader is not None:
        return ("checked", reloader.generation)
    folder = runtime.settings().knowledge_dir / "contacts"
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.yml")))


def directory() -> Directory:
    """The offices of knowledge/contacts, re-read when staff change a file (like the index).

    If the changed files have errors, the directory already loaded keeps serving.
    """
    global _directory, _directory_stamp
    stamp = _contacts_stamp()
    if _directory is None or (_directory_stamp is not None and stamp != _directory_stamp):
        try:
            _directory = load_directory(runtime.settings().knowledge_dir)
        except ContactsError:
            if _directory is None:
                raise
            logger.warning("contacts changed but have errors; still serving the previous directory")
        _directory_stamp = stamp
    return _directory


def use_directory(value: Directory | None) -> None:
    """Install a directory (tests); it is not re-read from disk."""
    global _directory, _directory_stamp
    _directory, _directory_stamp = value, None


def real_district(tracker: Tracker) -> str | None:
    code = tracker.get_slot("district_code")
    return code if is_district_code(code) else None


def responsible_contact(tracker: Tracker):
    """The office for the conversation's topic and the user's district (routing: bot.contacts.directory)."""
    return find_responsible_contact(directory(), tracker.get_slot("last_topic"), real_district(tracker))


def district_label(tracker: Tracker) -> str:
    code = real_district(tracker)
    return f"{DISTRICTS[code]}" if code else "Sachsen-Anhalt"


def infer_topic(turn: Turn) -> str | None:
    """The topic of the message that asked for a person, if it says one."""
    if _AUTHORITY_CUES.search(turn.text or ""):
        return "residence"
    if turn.intent in _INTENT_TOPICS:
        return _INTENT_TOPICS[turn.intent]
    if not turn.text or turn.text.startswith("/"):
        return None
    try:
        from actions.answer import best_answer, public_topic

        hit, _ = best_answer(runtime.knowledge_base(), turn, runtime.settings().no_answer_threshold)
    except Exception as exc:  # noqa: BLE001 - no index yet: the topic stays unknown, the routing still works
        logger.warning("topic not inferred: %s", type(exc).__name__)
        return None
    return public_topic(hit.topic) if hit is not None else None


def reset_events(keep_district: bool) -> list[dict[str, Any]]:
    events = [SlotSet(name, None) for name in FORM_STATE_SLOTS]
    if not keep_district:
        events.append(SlotSet("district_code", None))
    return events


class ActionHandoffStart(Action):
    """Before the form: say what happens next, or "act now" for an urgent case."""

    def name(self) -> str:
        return "action_handoff_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        turn = read_turn(tracker)
        kind = urgency.detect(turn.text) or tracker.get_slot("handoff_urgency")
        topic = "residence" if urgency.is_urgent(kind) else (infer_topic(turn) or tracker.get_slot("last_topic"))
        keep = real_district(tracker) is not None
        events = reset_events(keep_district=keep) + [SlotSet("handoff_urgency", kind), SlotSet("last_topic", topic)]
        sources: list[dict[str, str]] = []
        if urgency.is_urgent(kind):
            lines = [translate(turn.lang, _URGENT_TEXTS[kind])]
            if keep:
                office = find_responsible_contact(directory(), topic, real_district(tracker)).name
                lines.append(translate(turn.lang, texts.URGENT_OFFICE, office=quote(office, turn.lang)))
            if kind == urgency.PERMIT_EXPIRY:
                sources = _article_sources(RENEWAL_ARTICLE, turn.lang)
            text = "\n\n".join(lines)
        elif kind == urgency.REFUSAL:
            text = translate(turn.lang, texts.HANDOFF_PERSONAL_CASE)
        else:
            text = translate(turn.lang, texts.HANDOFF_START)
        send(dispatcher, turn, text, "handoff", sources=sources)
        return events


def _article_sources(article_id: str, lang: str) -> list[dict[str, str]]:
    try:
        kb = runtime.knowledge_base()
        article = kb.article(article_id, lang) or kb.article(article_id, "de")
    except Exception:  # noqa: BLE001
        return []
    return [{"id": article.id, "title": s.title, "url": s.url} for s in article.sources] if article else []


class ActionAskDistrictCode(Action):
    """The form's place question: first time, again after an unknown place, or which town."""

    def name(self) -> str:
        return "action_ask_district_code"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        turn = read_turn(tracker)
        question = tracker.get_slot("place_question") or {}
        candidates = question.get("candidates") or []
        note = tracker.get_slot("form_note")
        buttons = []
        if note:
            # "I want a person" (or "hello") at the place question: not a place, no failed attempt.
            text = translate(turn.lang, texts.ASK_PLACE)
            if note == NOTE_ON_THE_WAY:
                text = translate(turn.lang, texts.HANDOFF_ON_THE_WAY) + "\n\n" + text
        elif candidates:
            text = translate(turn.lang, texts.ASK_PLACE_WHICH)
            plz = question.get("plz") or ""
            for place, _code, district in candidates:
                value = f"{plz} {place}".strip().replace('"', "")
                buttons.append({"title": f"{place} ({district})",
                                "payload": f'/inform_location{{"place": "{value}"}}'})
        elif (tracker.get_slot("place_attempts") or 0) > 0:
            text = translate(turn.lang, texts.ASK_PLACE_AGAIN)
        else:
            text = translate(turn.lang, texts.ASK_PLACE)
        send(dispatcher, turn, text, "handoff", buttons=buttons)
        return [SlotSet("form_note", None)] if note else []


class ActionAskHandoffConsent(Action):
    """The consent question: what is passed on, to whom, for how long."""

    def name(self) -> str:
        return "action_ask_handoff_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        turn = read_turn(tracker)
        contact = responsible_contact(tracker)
        lines = []
        note = tracker.get_slot("form_note")
        if note == NOTE_ON_THE_WAY:
            lines.append(translate(turn.lang, texts.HANDOFF_ON_THE_WAY))
        elif (tracker.get_slot("handoff_retries") or 0) > 0:
            lines.append(translate(turn.lang, texts.ASK_CONSENT_AGAIN))
        elif tracker.get_slot("district_code") == STATEWIDE:
            lines.append(translate(turn.lang, texts.PLACE_STATEWIDE))
        lines.append(translate(turn.lang, texts.ASK_CONSENT, office=quote(contact.name, turn.lang),
                               language=language_name(turn.lang, turn.lang, capitalize=False),
                               district=district_label(tracker), days=runtime.settings().escalation_retention_days))
        buttons = [button(turn.lang, texts.BUTTON_CONSENT_YES, "/affirm"),
                   button(turn.lang, texts.BUTTON_CONSENT_NO, "/deny")]
        send(dispatcher, turn, "\n\n".join(lines), "handoff", buttons=buttons)
        return [SlotSet("form_note", None)] if note else []


def when_and_how(contact, lang: str) -> str:
    """How the answer comes and roughly when: the office's opening hours where they are confirmed."""
    hours = contact_card(contact, lang).get("opening_hours") or []
    day_lines = [line for line in hours if any(ch.isdigit() for ch in line)]
    if day_lines:
        return translate(lang, texts.HANDOFF_ANSWER_HOURS, hours="; ".join(day_lines))
    return translate(lang, texts.HANDOFF_ANSWER_NO_HOURS)


def confirmation(lang: str, contact, urgent: bool) -> str:
    """The text after a recorded handoff: done, how and when the answer comes, how to come back."""
    first = translate(lang, texts.HANDOFF_RECORDED, office=quote(contact.name, lang))
    if urgent:
        first += " " + translate(lang, texts.HANDOFF_CONTACT_TODAY)
    lines = [first, when_and_how(contact, lang), translate(lang, texts.HANDOFF_COME_BACK),
             translate(lang, texts.HANDOFF_CONTACT_ALSO)]
    return "\n\n".join(lines)


class ActionHandoff(Action):
    """The form is complete: record the escalation (with consent only) and show the contact card."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        turn = read_turn(tracker)
        if tracker.get_slot("district_code") == OUTSIDE:
            federal = directory().get(FEDERAL_CONTACT)
            card = contact_card(federal, turn.lang) if federal else None
            send(dispatcher, turn, translate(turn.lang, texts.PLACE_OUTSIDE), "handoff",
                 sources=[MAKE_IT_IN_GERMANY], contact=card,
                 handoff={"escalation_id": None, "contact_id": federal.id if federal else None,
                          "district_code": None})
            return reset_events(keep_district=False)
        district_code = real_district(tracker)
        kind = tracker.get_slot("handoff_urgency")
        contact = responsible_contact(tracker)
        events = reset_events(keep_district=district_code is not None)
        handoff: dict[str, Any] = {"escalation_id": None, "contact_id": contact.id,
                                   "district_code": district_code}
        if tracker.get_slot("handoff_consent") is True:
            # The gateway records it from this reply and fills in the id (api.escalations). It was made
            # when the person agreed (actions/forms.py) and stays in the slot, so a retried "yes" sends
            # the very same escalation again.
            record = tracker.get_slot("handoff_record") or consented_record(tracker, turn)
            handoff["record"] = record
            events.append(SlotSet("handoff_record", record))
            text = confirmation(turn.lang, contact, urgency.is_urgent(kind))
        else:
            # No consent: nothing is stored, but the user still learns whom to contact.
            text = translate(turn.lang, texts.HANDOFF_NOT_SHARED, office=quote(contact.name, turn.lang))
            if urgency.is_urgent(kind):
                text += " " + translate(turn.lang, texts.HANDOFF_CONTACT_TODAY)
        send(dispatcher, turn, text, "handoff", contact=contact_card(contact, turn.lang), handoff=handoff)
        return events


def _article_titles(events) -> list[str]:
    titles = []
    try:
        kb = runtime.knowledge_base()
        for article_id in shown_articles(events):
            article = kb.article(article_id, "de")
            if article is not None:
                titles.append(article.title)
    except Exception:  # noqa: BLE001, S110 - no index: the summary names no articles
        pass
    return titles


def consented_record(tracker: Tracker, turn: Turn) -> dict[str, Any]:
    """The escalation of this conversation as it stands when the person says yes."""
    return escalation_record(tracker, turn, responsible_contact(tracker), real_district(tracker),
                             tracker.get_slot("last_topic"), tracker.get_slot("handoff_urgency"))


def escalation_record(tracker: Tracker, turn: Turn, contact, district_code, topic, kind) -> dict[str, Any]:
    """What the gateway records (api.escalations.EscalationRequest), with this handoff's own key."""
    events = tracker.events or []
    facts = case_summary.extract_facts(person_messages(events), turn.lang,
                                       case_summary.vocabulary(runtime.settings().knowledge_dir),
                                       topic=topic, urgency_kind=kind)
    summary = case_summary.german_summary(facts, district_code, tracker.get_slot("place_name"),
                                          _article_titles(events), contact.name)
    return {
        "request_key": uuid.uuid4().hex,
        "lang": turn.lang,
        "district_code": district_code,
        "topic": topic or "general",
        "contact_id": contact.id,
        "summary_de": summary,
        "summary_user": user_summary(events),
        "consent": True,
        "consent_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "urgent": urgency.is_urgent(kind),
        # The articles the bot had shown, newest last (ids only): for the staff's content-gap page.
        "articles": shown_articles(events)[-5:],
    }


def answer_stale_consent(dispatcher: CollectingDispatcher, tracker: Tracker,
                         turn: Turn) -> list[dict[str, Any]]:
    """A consent button pressed when no consent question is open.

    "Yes" after a handoff the person agreed to (typically a retry after a network error): the same
    escalation again (the gateway finds the case it recorded, or records it now if the first reply
    never reached it) and the confirmation with the contact card. Anything else: that question is closed.
    """
    record = tracker.get_slot("handoff_record")
    contact = directory().get(record.get("contact_id")) if isinstance(record, dict) else None
    if turn.intent == "affirm" and contact is not None:
        text = confirmation(turn.lang, contact, bool(record.get("urgent")))
        send(dispatcher, turn, text, "handoff", contact=contact_card(contact, turn.lang),
             handoff={"escalation_id": None, "contact_id": contact.id,
                      "district_code": record.get("district_code"), "record": record})
        return []
    send(dispatcher, turn, translate(turn.lang, texts.STALE_BUTTON), "handoff",
         buttons=[talk_to_person_button(turn.lang)])
    return []


class ActionHandoffCancel(Action):
    """"cancel" at any step: stop the form, pass nothing on."""

    def name(self) -> str:
        return "action_handoff_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        turn = read_turn(tracker)
        send(dispatcher, turn, translate(turn.lang, texts.HANDOFF_CANCELLED), "handoff")
        events: list[dict[str, Any]] = []
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        return events + reset_events(keep_district=real_district(tracker) is not None)
