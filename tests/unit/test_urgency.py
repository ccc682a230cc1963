"""Urgent messages are recognised in every language; ordinary questions are not."""

import pytest

from bot.urgency import DEADLINE, DEPORTATION, PERMIT_EXPIRY, REFUSAL, detect, is_urgent, wants_person


@pytest.mark.parametrize("text", [
    "Mein Aufenthaltstitel läuft in 5 Tagen ab, was soll ich tun?",
    "My residence permit expires next week",
    "تنتهي إقامتي بعد ثلاثة أيام",
    "Моя посвідка закінчується через тиждень",
    "Мой вид на жительство истекает через 3 дня",
    "Oturum iznimin süresi doluyor, ne yapmalıyım?",
    "Moja karta pobytu wygasa za tydzień",
    "Permisul meu de ședere expiră în câteva zile",
    "اقامت من چند روز دیگر منقضی می‌شود",
    "Giấy phép cư trú của tôi sắp hết hạn",
])
def test_permit_expiry_in_ten_languages(text):
    assert detect(text) == PERMIT_EXPIRY


@pytest.mark.parametrize("text", [
    "Ich habe eine Ausreiseaufforderung bekommen",
    "They want to deport me, I got a letter",
    "وصلتني رسالة ترحيل",
    "Мені прийшов лист про депортацію",
    "Sınır dışı edilme mektubu aldım",
    "اخراج از کشور نامه گرفتم",
])
def test_deportation_letters(text):
    assert detect(text) == DEPORTATION


@pytest.mark.parametrize("text", [
    "Wie lange ist die Frist für einen Widerspruch gegen meinen Bescheid?",
    "What is the deadline to appeal the decision?",
    "Яка строк на оскарження рішення?",
    "Rechtsbehelfsbelehrung: was bedeutet das?",
])
def test_objection_deadlines(text):
    assert detect(text) == DEADLINE


def test_a_refusal_needs_a_person_but_is_not_urgent():
    assert detect("Mein Antrag auf Anerkennung wurde abgelehnt") == REFUSAL
    assert not is_urgent(REFUSAL)
    assert all(is_urgent(kind) for kind in (DEPORTATION, DEADLINE, PERMIT_EXPIRY))


@pytest.mark.parametrize("text", [
    "Ich brauche einen Termin bei der Ausländerbehörde",
    "How do I get an EU Blue Card?",
    "Where can I learn German in Magdeburg?",
    "Wie lange dauert die Anerkennung?",
    "",
])
def test_ordinary_questions_are_not_urgent(text):
    assert detect(text) is None


@pytest.mark.parametrize("text", [
    "I live in Köthen and need to talk to someone about my Blue Card",
    "Ich wohne in 38855 und brauche einen Termin bei der Ausländerbehörde",
    "أريد التحدث مع موظف بخصوص الإقامة",
    "Хочу поговорити з консультантом",
    "Yabancılar dairesinden randevu almam lazım",
    "Chcę porozmawiać z kimś o karcie pobytu",
])
def test_asking_for_a_person_is_recognised(text):
    assert wants_person(text)


@pytest.mark.parametrize("text", ["How do I get an EU Blue Card?", "Wie lange dauert die Anerkennung?",
                                  "Где можно выучить немецкий?"])
def test_ordinary_questions_do_not_ask_for_a_person(text):
    assert not wants_person(text)


def test_a_graduate_asking_about_recognition_is_not_a_permit_expiring():
    # "закінчив"/"закончил" = graduated, "визнати" = recognise: no visa, no expiry.
    assert detect("Я інженер, закінчив політехнічний інститут у Харкові. Як визнати мій диплом?") is None
    assert detect("Я закончил институт в Киеве, как признать диплом?") is None


def test_colloquial_arabic_expiry_is_urgent():
    assert detect("الـ Aufenthaltserlaubnis تبعي بتخلص الشهر الجاي") == PERMIT_EXPIRY
