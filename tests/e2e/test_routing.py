"""Issue 17 through the real engine, action server and gateway: "who is my office?" answered with the
office, indirect requests for a person, languages we do not offer, German courses asked in Farsi, a choice
of language as an engine turn, and bad input."""

from __future__ import annotations

import pytest

from bot import texts
from bot.i18n import translate

pytestmark = pytest.mark.e2e


def payloads(reply):
    return [b["payload"] for m in reply["messages"] for b in m["buttons"]]


def contact_of(reply):
    cards = [m["contact"] for m in reply["messages"] if m["contact"]]
    return cards[-1] if cards else None


@pytest.mark.parametrize("lang, text, district, office", [
    ("de", "PLZ 38820 – wer ist meine Ausländerbehörde?", "15085", "Harz"),
    ("ar", "الرمز البريدي 38820، أين دائرة الأجانب المسؤولة عني؟", "15085", "Harz"),
    ("en", "My postcode is 39288. Which office handles my residence permit?", "15086", "Jerichower Land"),
])
def test_who_is_my_office_gets_the_districts_office_without_a_consent_step(conversation, lang, text, district,
                                                                            office):
    reply = conversation().ask(text)

    assert reply["lang"] == lang
    card = contact_of(reply)
    assert card is not None and office in card["name"] and card["id"].startswith("abh-"), reply
    assert reply["meta"]["handoff"]["district_code"] == district
    assert reply["meta"]["handoff"]["escalation_id"] is None  # nothing passed on
    assert "/affirm" not in payloads(reply)  # no consent question
    assert "/request_human" in payloads(reply)  # a person is one button away
    assert translate(lang, texts.OFFICE_OFFER_PERSON) in reply["messages"][-1]["text"]


def test_which_office_without_a_place_asks_for_it_then_names_the_office(conversation):
    chat = conversation()
    first = chat.ask("Welche Ausländerbehörde ist für mich zuständig?")
    assert first["messages"][-1]["text"] == translate("de", texts.OFFICE_ASK_PLACE)
    second = chat.ask("Wernigerode")
    assert "Harz" in contact_of(second)["name"]
    assert "/affirm" not in payloads(second)


@pytest.mark.parametrize("lang, text", [
    ("en", "The immigration office does not answer my e-mails, what can I do?"),
    ("de", "Wo bekomme ich eine Rechtsberatung zu meinem Aufenthalt?"),
])
def test_indirect_requests_for_a_person_offer_the_handoff(conversation, lang, text):
    reply = conversation().ask(text)

    assert reply["lang"] == lang and reply["meta"]["topic"] == "handoff"
    assert reply["messages"][-1]["text"] == translate(lang, texts.ASK_PLACE)


def test_a_language_we_do_not_offer_is_answered_in_english_with_the_list_of_ours(conversation):
    reply = conversation().ask("Szia! Hogyan kaphatok tartózkodási engedélyt, ha Németországban szeretnék dolgozni?")

    assert reply["lang"] == "en"
    note = reply["messages"][0]["text"]
    assert "Hungarian" in note and all(name in note for name in ("Deutsch", "العربية", "Tiếng Việt"))
    assert len(reply["messages"]) >= 2  # and then the answer, in English


def test_asking_about_german_courses_in_farsi_stays_in_farsi(conversation):
    reply = conversation().ask("کلاس زبان آلمانی در ماگدبورگ کجاست؟")

    assert (reply["lang"], reply["dir"]) == ("fa", "rtl")
    assert reply["meta"]["intent"] != "choose_language"


def test_a_choice_of_language_is_a_turn_of_the_engine(conversation):
    chat = conversation()
    switched = chat.ask("Türkçe konuşabilir miyiz?")

    assert switched["lang"] == "tr" and switched["meta"]["intent"] == "choose_language"
    assert switched["messages"][0]["text"] == translate("tr", texts.LANGUAGE_SWITCHED)
    assert chat.ask("Mavi Kart nasıl alınır?")["lang"] == "tr"


def test_a_greeting_before_the_question_does_not_change_the_article(conversation):
    plain = conversation().ask("Wie hoch muss das Gehalt für die Blaue Karte mindestens sein?")
    greeted = conversation().ask("Hallo, wie hoch muss das Gehalt für die Blaue Karte mindestens sein?")

    assert plain["meta"]["articles"] and greeted["meta"]["articles"] == plain["meta"]["articles"]


# --- bad input: a sensible reply in the asker's language, never a server error --------------------------

def test_an_empty_message_is_a_clear_error_in_the_conversations_language(conversation):
    chat = conversation("ar")
    response = chat.send("   ")
    assert response.status_code == 422
    assert response.json()["error"]["message"] == translate("ar", texts.ERROR_EMPTY_TEXT)


@pytest.mark.parametrize("text", ["?", "x", "👍🙂🙏", "٣"])
def test_one_character_and_emoji_only_messages_get_a_reply_in_the_conversations_language(conversation, text):
    chat = conversation()
    chat.ask("Я хочу работать в Германии медсестрой")
    reply = chat.ask(text)

    assert reply["lang"] == "ru"
    assert reply["messages"] and all(m["text"].strip() for m in reply["messages"])


def test_a_2000_character_question_is_answered(conversation):
    text = ("Ich habe eine Frage zur Anerkennung meines Abschlusses als Pflegefachkraft in Deutschland. " * 30)[:2000]
    reply = conversation().ask(text)

    assert reply["lang"] == "de" and reply["messages"]


def test_a_message_over_the_limit_is_refused_in_the_asker_language(conversation):
    response = conversation("vi").send("a" * 2001)
    assert response.status_code == 413
    message = response.json()["error"]["message"]
    assert message != translate("en", texts.ERROR_TOO_LONG, limit=2000)
    assert message.split("{")[0][:10] == translate("vi", texts.ERROR_TOO_LONG).split("{")[0][:10]


def test_a_mixed_script_question_is_answered_in_the_language_most_of_it_is_in(conversation):
    reply = conversation().ask("Hallo مرحبا Привет 你好, wie bekomme ich die Blaue Karte in Magdeburg?")

    assert reply["lang"] == "de" and reply["messages"]
