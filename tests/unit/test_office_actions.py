""""Who is my office?": a place or postcode in any language → that district's office card, no consent step;
indirect requests for a person start the handoff; a choice of language is an engine turn."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import ActionExecutor

from actions import forms
from actions.context import Turn
from bot import texts, urgency
from bot.contacts.office_question import asks_office, is_office_question, locate, office_topic
from bot.i18n import translate

DOMAIN = {"forms": {"handoff_form": {"required_slots": ["district_code", "handoff_consent"]}}, "slots": {}}


def run(action: str, text: str, intent: str = "ask_office", lang: str = "de", slots=None, entities=None,
        metadata=None, history=()):
    executor = ActionExecutor()
    executor.register_package("actions")
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    events = list(history) + [{"event": "user", "text": text, "parse_data": latest,
                               "metadata": {"lang": lang, **(metadata or {})}}]
    call = {
        "next_action": action, "sender_id": "s1", "version": "3.6.21", "domain": DOMAIN,
        "tracker": {"sender_id": "s1", "slots": dict(slots or {}), "latest_message": latest, "paused": False,
                    "events": events, "followup_action": None, "active_loop": {},
                    "latest_action_name": "action_listen"},
    }
    result = asyncio.run(executor.run(call)).model_dump()
    replies = [r["custom"] for r in result["responses"]]
    slot_events = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
    return replies, slot_events


@pytest.mark.parametrize("text, lang, code, office_word", [
    ("PLZ 38820 – wer ist meine Ausländerbehörde?", "de", "15085", "Harz"),
    ("My postcode is 39288. Which office handles my residence permit?", "en", "15086", "Jerichower"),
    ("أسكن في كوتن، أي دائرة أجانب مسؤولة عني؟", "ar", "15082", "Anhalt-Bitterfeld"),
    ("Я живу в Магдебурге, куда обращаться по поводу ВНЖ?", "ru", "15003", "Magdeburg"),
    ("Wernigerode'de yaşıyorum, hangi yabancılar dairesi sorumlu?", "tr", "15085", "Harz"),
    ("کد پستی من ۰۶۱۰۸ است، اداره اتباع من کجاست؟", "fa", "15002", "Halle"),
])
def test_a_located_office_question_gets_that_districts_authority_without_consent(text, lang, code, office_word):
    replies, slots = run("action_office", text, lang=lang)
    assert len(replies) == 1
    reply = replies[0]
    assert reply["contact"] is not None and office_word in reply["contact"]["name"]
    assert reply["meta"]["handoff"]["district_code"] == code
    assert reply["meta"]["handoff"].get("record") is None  # nothing is passed on
    assert reply["meta"]["lang"] == lang
    assert slots["district_code"] == code and slots["start_handoff"] is False
    assert [b["payload"] for b in reply["buttons"]] == ["/request_human"]
    assert translate(lang, texts.ASK_CONSENT).split("{")[0][:15] not in reply["text"]


def test_action_answer_gives_the_office_when_the_nlu_filed_it_under_a_topic():
    replies, slots = run("action_answer", "PLZ 38820 – wer ist meine Ausländerbehörde?", intent="ask_residence")
    assert replies[0]["contact"] is not None and "Harz" in replies[0]["contact"]["name"]
    assert slots["start_handoff"] is False


def test_without_a_place_the_office_question_asks_for_one():
    replies, slots = run("action_office", "Welche Ausländerbehörde ist für mich zuständig?")
    assert replies[0]["text"] == translate("de", texts.OFFICE_ASK_PLACE)
    assert replies[0]["contact"] is None and slots["start_handoff"] is False


def test_the_answer_to_which_town_then_gets_the_office():
    replies, slots = run("action_office", "Wernigerode", intent="inform_location")
    assert "Harz" in replies[0]["contact"]["name"] and slots["district_code"] == "15085"


def test_an_ambiguous_postcode_asks_which_town_with_buttons_that_resolve():
    replies, _ = run("action_office", "06120 welche Ausländerbehörde?")
    assert replies[0]["text"] == translate("de", texts.ASK_PLACE_WHICH)
    payloads = [b["payload"] for b in replies[0]["buttons"]]
    assert any("Lieskau" in p for p in payloads)
    lieskau = next(p for p in payloads if "Lieskau" in p)
    replies, slots = run("action_office", lieskau, intent="inform_location",
                         entities=[{"entity": "place", "value": "06120 Lieskau"}])
    assert slots["district_code"] == "15088"


def test_a_place_outside_sachsen_anhalt_gets_the_federal_contacts():
    replies, _ = run("action_office", "Which foreigners office is responsible for Leipzig?", lang="en")
    assert replies[0]["text"] == translate("en", texts.PLACE_OUTSIDE)
    assert replies[0]["contact"]["id"] == "bamf-buergerservice"


def test_a_place_with_a_wish_for_a_person_starts_the_handoff_instead():
    replies, slots = run("action_office", "Ich wohne in Köthen und brauche einen Termin bei der Ausländerbehörde",
                         intent="inform_location")
    assert replies == [] and slots["start_handoff"] is True


def test_a_recognition_office_question_gets_the_recognition_counselling():
    text = "Wer ist in Halle für die Anerkennung meines Diploms zuständig?"
    assert office_topic(text) == "recognition"
    replies, _ = run("action_office", text)
    assert replies[0]["contact"]["id"] != "abh-halle"
    assert "Ausländerbehörde" not in replies[0]["contact"]["name"]


@pytest.mark.parametrize("text", [
    "Wie verlängere ich meine Aufenthaltserlaubnis?",
    "Ich wohne in Halle. Wie lange dauert die Anerkennung?",
    "Is the employer responsible for my health insurance?",
])
def test_questions_that_are_no_office_questions(text):
    assert not is_office_question(text)


@pytest.mark.parametrize("text", [
    "Welches Amt ist zuständig?", "Which office is responsible for me?", "أي مكتب مسؤول عني؟",
    "Яке відомство відповідає за мене?", "Hangi daire benden sorumlu?", "Który urząd jest właściwy?",
    "Care birou este responsabil?", "کدام اداره مسئول من است؟", "Cơ quan nào phụ trách tôi?",
    "Какое ведомство отвечает за меня?",
])
def test_which_office_is_recognised_in_ten_languages(text):
    assert asks_office(text)


@pytest.mark.parametrize("text", [
    "The immigration office does not answer my e-mails, what can I do?",
    "Where can I get legal advice?",
    "Ich möchte mich über die Ausländerbehörde beschweren",
    "Can someone call me?",
    "دائرة الأجانب لا ترد على رسائلي",
    "اداره اتباع جواب نمی‌دهد",
    "Відомство не відповідає на листи",
    "Мне нужна юридическая консультация",
    "Yabancılar dairesi cevap vermiyor",
    "Urząd nie odpowiada na maile",
    "Biroul nu răspunde la e-mailuri",
    "Sở ngoại kiều không trả lời email",
])
def test_indirect_requests_for_a_person_offer_the_handoff(text):
    assert urgency.wants_person(text)
    replies, slots = run("action_answer", text, intent="ask_residence", lang="en")
    assert replies == [] and slots["start_handoff"] is True


def test_a_choice_of_language_is_answered_by_the_engine_in_the_new_language():
    wish = {"lang": "tr", "supported": True, "bare": True}
    replies, _ = run("action_choose_language", "Türkçe konuşabilir miyiz?", intent="choose_language", lang="tr",
                     metadata={"language_request": wish})
    assert replies[0]["text"] == translate("tr", texts.LANGUAGE_SWITCHED)
    wish = {"lang": "fr", "supported": False, "bare": True}
    replies, _ = run("action_choose_language", "Do you speak French?", intent="choose_language", lang="en",
                     metadata={"language_request": wish})
    assert "French" in replies[0]["text"] and "Deutsch" in replies[0]["text"]


def test_a_message_in_a_language_we_do_not_offer_gets_one_note_before_the_answer():
    replies, _ = run("action_office", "Melyik hivatal felelős? Irányítószám 39104", lang="en",
                     metadata={"written_in": "hu"})
    assert len(replies) == 2
    assert "Hungarian" in replies[0]["text"] and "Tiếng Việt" in replies[0]["text"]
    assert replies[1]["contact"] is not None


def test_the_note_comes_once_per_turn():
    from actions.context import _replied_since_user
    from actions.messages import _notice

    turn = Turn(text="x", lang="en", intent="ask_office", confidence=0.9, entities=[], written_in="hu")
    assert _notice(turn) is not None
    assert _notice(Turn(**{**turn.__dict__, "first_reply": False})) is None

    class Events:
        def __init__(self, *kinds):
            self.events = [{"event": kind} for kind in kinds]

    assert _replied_since_user(Events("user", "bot"))
    assert not _replied_since_user(Events("bot", "user"))


def test_the_form_asks_again_on_a_choice_of_language_or_an_office_question_without_place():
    assert {"choose_language", "ask_office"} <= forms.NOT_AN_ANSWER


@pytest.mark.parametrize("text, intent, kind, district", [
    ("PLZ 38820 – wer ist meine Ausländerbehörde?", "ask_residence", "office", "15085"),
    ("My postcode is 39288. Which office handles my residence permit?", "nlu_fallback", "office", "15086"),
    ("Wernigerode", "inform_location", "office", "15085"),
    ("Welche Ausländerbehörde ist für mich zuständig?", "ask_office", "office", None),
    ("Which foreigners office is responsible for Leipzig?", "ask_office", "office", "outside"),
    ("Ich wohne in Köthen und brauche einen Termin bei der Ausländerbehörde", "request_human", "person", "15082"),
])
def test_the_answer_decision_names_the_office_of_a_located_question(text, intent, kind, district):
    from bot.knowledge import decision

    def no_search():
        raise AssertionError("an office question needs no article search")

    made = decision.decide(no_search, text, "de", intent, 0.8)
    assert (made.kind, made.district) == (kind, district)


def test_locate_reads_postcodes_names_and_places_outside():
    assert locate("PLZ 38820") == "15085"
    assert locate("Ich wohne in Leipzig") == "outside"
    assert locate("Wie lange dauert die Anerkennung?") is None


@pytest.mark.parametrize("text, topic", [
    ("PLZ 38820 – wer ist meine Ausländerbehörde?", "residence"),
    ("Wer ist in Halle für die Anerkennung meines Diploms zuständig?", "recognition"),
    ("Welche Stelle in Dessau hilft, mein Arbeitgeber hat den Lohn nicht bezahlt?", "eu_employment"),
    ("Where is the integration course office in Magdeburg? Which office?", "language_course"),
])
def test_the_office_fits_the_topic_of_the_question(text, topic):
    assert office_topic(text) == topic


class EmptyKnowledgeBase:
    """A search that finds nothing: what is left is the referral."""

    build_id = "empty"

    def maybe_reload(self):
        return False

    def search(self, text, k, query_vector=None):
        return []

    def article(self, article_id, lang):
        return None


@pytest.fixture()
def empty_knowledge_base():
    from actions import runtime

    runtime.use_knowledge_base(EmptyKnowledgeBase())
    yield
    runtime.use_knowledge_base(None)


@pytest.mark.usefixtures("empty_knowledge_base")
@pytest.mark.parametrize("text, lang, referral_word", [
    ("Welche Behörde ist zuständig für Kindergeld?", "de", "Familienkasse"),
    ("Wer ist in Halle für meinen Führerschein zuständig?", "de", "Fahrerlaubnis"),
    ("Which office handles child benefit in Halle?", "en", "Familienkasse"),
])
def test_an_office_question_about_another_offices_subject_names_that_office_not_the_foreigners_authority(
        text, lang, referral_word):
    replies, _slots = run("action_office", text, lang=lang)
    assert len(replies) == 1
    assert referral_word in replies[0]["text"]
    assert replies[0]["contact"] is None  # no Ausländerbehörde card
    assert "Ausländerbehörde" not in replies[0]["text"]


def test_naming_the_foreigners_authority_still_gets_its_card():
    replies, _slots = run("action_office", "Wo ist die Ausländerbehörde in Halle? Es geht um Kindergeld.")
    assert replies[0]["contact"] is not None and "Halle" in replies[0]["contact"]["name"]
