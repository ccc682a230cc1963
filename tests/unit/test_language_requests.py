"""Asking for a language ("can we speak Turkish?") in any of our ten languages, and what is not a request."""

import pytest

from bot.language_requests import find_language_request


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Can we speak Turkish?", "tr"),
        ("English please", "en"),
        ("Could you write in Ukrainian please?", "uk"),
        ("Can you answer in Dari?", "fa"),  # Dari speakers read Farsi
        ("Können wir auf Polnisch schreiben?", "pl"),
        ("Bitte auf Deutsch", "de"),
        ("Sprichst du Arabisch?", "ar"),
        ("Türkçe konuşabilir miyiz?", "tr"),
        ("Türkçe", "tr"),
        ("по-русски можно?", "ru"),
        ("Говорите по-русски?", "ru"),
        ("Можна українською?", "uk"),
        ("Чи можемо говорити українською?", "uk"),
        ("هل يمكن أن نتحدث بالعربية؟", "ar"),
        ("بالعربي لو سمحت", "ar"),
        ("میشه فارسی صحبت کنیم؟", "fa"),
        ("فارسی لطفا", "fa"),
        ("Możemy rozmawiać po polsku?", "pl"),
        ("po polsku proszę", "pl"),
        ("Putem vorbi în română?", "ro"),
        ("Vorbiți românește?", "ro"),
        ("Có thể nói tiếng Việt không?", "vi"),
        ("Tiếng Việt", "vi"),
        ("I don't speak German, can we use English?", "en"),
        ("Almanca bilmiyorum, Türkçe konuşabilir miyiz?", "tr"),
        ("Can we continue in English instead of German?", "en"),
    ],
)
def test_a_wish_for_one_of_our_languages_is_understood(text, lang):
    request = find_language_request(text)
    assert request is not None and (request.lang, request.supported, request.bare) == (lang, True, True)


@pytest.mark.parametrize("text, lang", [("Do you speak French?", "fr"), ("Können wir Kurdisch sprechen?", "ku")])
def test_a_language_we_do_not_offer_is_recognised_as_such(text, lang):
    request = find_language_request(text)
    assert request is not None and (request.lang, request.supported) == (lang, False)


@pytest.mark.parametrize(
    "text",
    [
        "Do I need to speak German for the Blue Card?",
        "Muss ich Deutsch sprechen?",
        "Wo kann ich Deutsch lernen?",
        "Deutsch B1",
        "Deutschkurs in Halle",
        "Ich bin polnischer Staatsbürger",
        "Russian citizen",
        "Was steht darin? Bitte erklären",  # "dari" inside "darin"
        "I speak English, can I work without German?",
        "Ist ein Sprachkurs auf Englisch möglich?",
        "Мені потрібна німецька мова для роботи?",
        "هل أحتاج إلى اللغة الألمانية للعمل؟",
        "Almanca kursu nerede?",
        "Czy muszę znać niemiecki?",
        "Trebuie să vorbesc germana?",
        "Tôi cần học tiếng Đức không?",
        "Tôi có bằng cấp tiếng Anh",
        "آیا باید آلمانی یاد بگیرم؟",
        "My diploma is in Arabic, do I need a translation?",
        "Deutsch oder Englisch?",
    ],
)
def test_questions_about_a_language_are_not_requests(text):
    assert find_language_request(text) is None


def test_a_wish_with_a_question_is_marked_so_the_question_is_answered_too():
    request = find_language_request(
        "Sprechen Sie Vietnamesisch? Ich habe eine Frage zur Anerkennung meines Diploms als Krankenschwester")
    assert request is not None and request.lang == "vi" and not request.bare
