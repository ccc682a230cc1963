"""Ten languages through the real engine, action server and gateway: the held-out conversations,
asking for a language, a chosen language that stays, mixed messages."""

import pytest

from bot import SUPPORTED_LANGUAGES, texts
from bot.i18n import translate
from bot.parity import CONVERSATIONS_DIR, available_languages, run_language, score

pytestmark = pytest.mark.e2e


#: Two sets written independently of the training data; the second one was written last.
SETS = [CONVERSATIONS_DIR, CONVERSATIONS_DIR.with_name("conversations_fresh")]


@pytest.mark.parametrize("folder", SETS, ids=lambda folder: folder.name)
def test_the_test_conversations_exist_in_every_language(folder):
    assert available_languages(folder) == list(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("folder", SETS, ids=lambda folder: folder.name)
@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_the_held_out_conversations_are_understood_and_answered_in_their_language(client, lang, folder):
    # The figures per language (and their distance to German) are printed by benchmarks/parity.py.
    result = score(lang, run_language(client, lang, folder))
    assert result.reply_language == 1.0, result.misses
    assert result.sentence_language >= 0.98, result.misses
    assert result.intent_accuracy >= 0.9, result.misses
    # Lowered from 0.88 on 7 December 2026: since an article answers only when two rankings agree
    # (ADR 0007), some questions of these sets we wrote ourselves get "not sure, here are the nearest
    # articles, or a person" instead of the article (ru 11/13, tr 10/13). The quality measure is
    # benchmarks/answers.py on real questions; this guards against a collapse, not a target.
    assert result.topic_accuracy >= 0.69, result.misses


def test_can_we_speak_turkish_switches_and_the_next_answer_is_turkish(conversation):
    chat = conversation()
    assert chat.ask("Hi, I have a question")["lang"] == "en"

    switched = chat.ask("Can we speak Turkish?")
    assert switched["lang"] == "tr"
    assert switched["messages"][0]["text"] == translate("tr", texts.LANGUAGE_SWITCHED)

    answer = chat.ask("Mavi Kart nasıl alınır?")
    assert (answer["lang"], answer["meta"]["topic"]) == ("tr", "residence")
    assert translate("tr", texts.DISCLAIMER) in answer["messages"][0]["text"]
    # Chosen now: a German sentence does not take the conversation back to German.
    assert chat.ask("Wie lange dauert die Anerkennung meines Abschlusses?")["lang"] == "tr"


def test_a_language_chosen_in_the_widget_stays_whatever_the_person_writes(conversation):
    reply = conversation("ar").ask("Wie bekomme ich die Blaue Karte?")

    assert (reply["lang"], reply["dir"], reply["meta"]["topic"]) == ("ar", "rtl", "residence")
    assert translate("ar", texts.DISCLAIMER) in reply["messages"][0]["text"]


def test_arabic_with_german_terms_is_answered_in_arabic(conversation):
    reply = conversation().ask("كيف أحصل على Blaue Karte وأين أقدم الطلب في Ausländerbehörde؟")

    assert (reply["lang"], reply["dir"]) == ("ar", "rtl")


def test_a_language_we_do_not_offer_gets_the_list_of_ours(conversation):
    chat = conversation()
    chat.ask("Hello, I have a question about my visa")

    reply = chat.ask("Do you speak French?")

    assert reply["lang"] == "en"
    assert all(name in reply["messages"][0]["text"] for name in ("Deutsch", "العربية", "Türkçe", "Tiếng Việt"))
