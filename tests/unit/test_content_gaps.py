"""The content-gap loop's pieces: personal data out of questions, similar questions grouped, refusals told
apart from answers."""

from __future__ import annotations

import datetime as dt

import pytest

from api.content_gaps import group_questions, refused_turn
from api.models import ContentSignal
from api.scrub import ADDRESS, DATE, EMAIL, IBAN, NAME, NUMBER, PHONE, POSTCODE, scrub


@pytest.mark.parametrize("text, gone, label", [
    ("Schreiben Sie mir an ahmed.k+chat@example.org bitte", "ahmed.k+chat@example.org", EMAIL),
    ("Meine Nummer ist +49 170 1234567", "170 1234567", PHONE),
    ("ruf mich an 0345/123 45 67", "123 45 67", PHONE),
    ("Ich wohne in 06108 Halle", "06108", POSTCODE),
    ("IBAN DE89 3704 0044 0532 0130 00 für die Kursgebühr", "3704", IBAN),
    ("wohne in der Leipziger Straße 12a", "Leipziger Straße 12a", ADDRESS),
    ("geboren am 03.04.1990", "1990", DATE),
    ("mein Aktenzeichen ist 12345678", "12345678", NUMBER),
    ("Reisepass C01X00T47 verloren", "C01X00T47", NUMBER),
    ("Hallo, mein Name ist Ahmed Karimi und ich brauche ein Visum", "Ahmed", NAME),
    ("Ich heiße Olena, wie bekomme ich einen Deutschkurs?", "Olena", NAME),
    ("Меня зовут Ольга. Где признать диплом?", "Ольга", NAME),
    ("اسمي محمد وأريد تأشيرة عمل", "محمد", NAME),
    ("Mam na imię Katarzyna, gdzie jest urząd?", "Katarzyna", NAME),
    ("Ich habe Frau Schneider in der Behörde gefragt", "Schneider", NAME),
    ("Mein Name: Olena Kovalenko. Brauche ich ein Visum?", "Kovalenko", NAME),
    ("Nachname: Karimi, Vorname: Ahmed", "Karimi", NAME),
    ("Tôi tên Nguyễn Văn An, tôi cần visa", "Nguyễn", NAME),
    ("Mă cheamă Ioana și caut un curs de germană", "Ioana", NAME),
    ("Мене звуть Олена, де визнати диплом?", "Олена", NAME),
    ("کد پستی من ۰۶۱۰۸ است", "06108", POSTCODE),
    ("رقمي ٠١٧٦ ١٢٣٤٥٦٧ اتصلوا بي", "1234567", PHONE),
    ("تاریخ تولد من ۱۳۷۰/۰۵/۱۲ است", "1370", DATE),
])
def test_personal_data_is_replaced_by_what_it_was(text, gone, label):
    cleaned = scrub(text)
    assert gone not in cleaned
    assert label in cleaned


def test_the_question_itself_stays_readable():
    assert scrub("Wie  bekomme ich\n die Blaue Karte?") == "Wie bekomme ich die Blaue Karte?"
    # Amounts and years are no personal data.
    assert scrub("Reichen 55770 € Gehalt im Jahr 2026?") == "Reichen 55770 € Gehalt im Jahr 2026?"
    assert scrub("Brauche ich B1 für § 9 AufenthG?") == "Brauche ich B1 für § 9 AufenthG?"
    assert scrub("Welchen Namen hat die Behörde? Name der Behörde") == "Welchen Namen hat die Behörde? Name der Behörde"


def test_long_questions_are_cut():
    assert len(scrub("Frage " * 200)) == 300


def _row(question, kind="refused", lang="de", article=None, minutes=0):
    return ContentSignal(kind=kind, question=question, lang=lang, article_id=article,
                         created_at=dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=minutes))


def test_rewordings_of_one_question_form_one_group_and_other_questions_their_own():
    rows = [
        _row("Wie kann ich meinen Führerschein umschreiben lassen?", minutes=1),
        _row("Führerschein umschreiben lassen, wie geht das?", kind="not_helpful", article="first-steps", minutes=2),
        _row("wie kann ich meinen führerschein umschreiben", kind="handoff", minutes=3),
        _row("Wie lange dauert die Einbürgerung?", minutes=4),
        _row("Einbürgerung wie lange dauert das", lang="en", minutes=5),
        _row("Kann mein Hund mit nach Deutschland?", minutes=6),
        # Same words around a different subject: not the same question.
        _row("Wie lange dauert die Anerkennung?", minutes=7),
        _row("Wie bekomme ich Kindergeld?", minutes=8),
        _row("Wie bekomme ich Elterngeld?", minutes=9),
    ]
    groups = group_questions(rows)
    assert [g.count for g in groups] == [3, 2, 1, 1, 1, 1]
    licence = groups[0]
    assert "Führerschein" in licence.question
    assert dict(licence.kinds) == {"refused": 1, "not_helpful": 1, "handoff": 1}
    assert dict(licence.articles) == {"first-steps": 1}
    assert dict(groups[1].languages) == {"de": 1, "en": 1}
    assert {g.question for g in groups[2:]} == {"Kann mein Hund mit nach Deutschland?",
                                                "Wie lange dauert die Anerkennung?", "Wie bekomme ich Kindergeld?",
                                                "Wie bekomme ich Elterngeld?"}


def test_rows_without_a_question_are_not_grouped():
    assert group_questions([_row(None, kind="not_helpful", article="x")]) == []


def _reply(articles=(), topic="residence", buttons=(), handoff=None):
    return {"messages": [{"text": "…", "buttons": [{"title": t, "payload": p} for t, p in buttons]}],
            "meta": {"articles": list(articles), "topic": topic, "handoff": handoff}}


def test_a_refusal_is_a_typed_question_answered_with_no_article():
    person = [("Talk to a person", "/request_human")]
    assert refused_turn("Wie bekomme ich einen Angelschein?", _reply(topic="out_of_scope", buttons=person))
    assert not refused_turn("Blaue Karte?", _reply(articles=["eu-blue-card"], buttons=person))
    assert not refused_turn("/request_human", _reply(buttons=person))
    assert not refused_turn("Hallo", _reply(topic="smalltalk", buttons=person))
    assert not refused_turn("Magdeburg", _reply(topic="handoff", buttons=person))
    assert not refused_turn("Danke", _reply(topic="smalltalk"))
    # A referral elsewhere (no article, no person button) is a gap too; an engine response without a topic is not.
    assert refused_turn("Wo bekomme ich Kindergeld?", _reply(topic="living"))
    assert not refused_turn("ok", _reply(topic=None))


@pytest.mark.parametrize("text", ["x." * 2000, "a" * 4000, "x-" * 2000, "0" * 4000, "A1" * 2000])
def test_long_odd_input_is_scrubbed_in_one_pass(text):
    # Bounded patterns: no regular expression may backtrack over the whole message (measured: < 0.05 s each).
    assert len(scrub(text)) <= 300
