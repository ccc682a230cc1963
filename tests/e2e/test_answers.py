"""A person asks about each topic in several languages and gets a sourced answer."""

import pytest

from bot import texts
from bot.i18n import translate

pytestmark = pytest.mark.e2e

QUESTIONS = [
    # (language, question, topic the answer must come from)
    ("de", "Wie bekomme ich die Blaue Karte?", "residence"),
    ("de", "Wer erkennt meinen ausländischen Berufsabschluss als Pflegefachkraft an?", "recognition"),
    ("de", "Was kostet ein Integrationskurs?", "language_course"),
    ("de", "Ich bin aus Polen. Wie hoch ist der Mindestlohn?", "eu_employment"),
    ("en", "What salary do I need for an EU Blue Card in 2026?", "residence"),
    ("en", "How can I get my engineering degree from India recognised?", "recognition"),
    ("en", "Where can I take a job-related German course?", "language_course"),
    ("en", "My employer in Magdeburg has not paid my wages for two months. I am Romanian.", "eu_employment"),
    ("ar", "كيف أعادل شهادتي الجامعية؟", "recognition"),
    ("ar", "كيف أحصل على البطاقة الزرقاء الأوروبية؟", "residence"),
    ("ar", "كم تكلفة دورة الاندماج؟", "language_course"),
    ("ar", "أنا من رومانيا ولم يدفع صاحب العمل راتبي", "eu_employment"),
    ("uk", "Як отримати Блакитну карту ЄС?", "residence"),
    ("uk", "Як визнати мій диплом медсестри в Німеччині?", "recognition"),
    ("uk", "Скільки коштує інтеграційний курс?", "language_course"),
    ("uk", "Яка мінімальна зарплата в Німеччині у 2026 році?", "eu_employment"),
]


@pytest.mark.parametrize("lang,question,topic", QUESTIONS, ids=[f"{q[0]}-{q[2]}" for q in QUESTIONS])
def test_question_gets_sourced_answer_in_its_language(conversation, lang, question, topic):
    reply = conversation().ask(question)

    assert reply["lang"] == lang
    assert reply["dir"] == ("rtl" if lang == "ar" else "ltr")
    assert reply["meta"]["topic"] == topic
    assert reply["meta"]["articles"], "the answer must name the article it comes from"
    message = reply["messages"][0]
    assert message["sources"] and all(s["url"].startswith(("https://", "http://")) for s in message["sources"])
    assert translate(lang, texts.DISCLAIMER) in message["text"]
    payloads = [b["payload"] for b in message["buttons"]]
    assert "/request_human" in payloads
    assert any(p.startswith("/more_detail") for p in payloads)


def test_more_detail_button_shows_the_whole_article(conversation):
    chat = conversation()
    first = chat.ask("Wie bekomme ich die Blaue Karte?")
    more = next(b["payload"] for b in first["messages"][0]["buttons"] if b["payload"].startswith("/more_detail"))

    detail = chat.ask(more)

    assert detail["meta"]["articles"] == first["meta"]["articles"]
    assert len(detail["messages"][0]["text"]) > len(first["messages"][0]["text"])


def test_unanswerable_question_admits_it_and_offers_a_person(conversation):
    reply = conversation().ask("Wer wird dieses Jahr deutscher Fußballmeister?")

    assert reply["meta"]["articles"] == []
    assert reply["meta"]["topic"] == "out_of_scope"
    message = reply["messages"][0]
    assert message["text"] in (translate("de", texts.NO_ANSWER), translate("de", texts.OUT_OF_SCOPE))
    assert [b["payload"] for b in message["buttons"]] == ["/request_human"]


def test_greeting_is_answered_in_the_chosen_language(conversation):
    reply = conversation("tr").ask("Merhaba!")

    assert reply["lang"] == "tr"
    assert reply["meta"]["topic"] == "smalltalk"
    assert reply["messages"][0]["text"] == translate("tr", texts.GREET)


def test_short_follow_up_keeps_the_language(conversation):
    chat = conversation()
    chat.ask("Як отримати Блакитну карту ЄС?")

    reply = chat.ask("ok")

    assert reply["lang"] == "uk"
