"""Handoffs through the gateway: place → district → named office, consent, stored escalation, cancel."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.models import Escalation
from bot import texts
from bot.i18n import translate


def escalations(stack, session_id):
    engine = create_engine(f"sqlite:///{stack.var_dir / 'app.db'}")
    try:
        with Session(engine) as db:
            return db.scalars(select(Escalation).where(Escalation.session_id == session_id)).all()
    finally:
        engine.dispose()


def payloads(reply):
    return [b["payload"] for m in reply["messages"] for b in m["buttons"]]


def consent_asked(reply) -> bool:
    return "/affirm" in payloads(reply) and "/deny" in payloads(reply)


@pytest.mark.parametrize("lang,text,district,office", [
    ("en", "I live in Köthen and need to talk to someone about my Blue Card", "15082", "Anhalt-Bitterfeld"),
    ("de", "Ich wohne in 38855 und brauche einen Termin bei der Ausländerbehörde", "15085", "Harz"),
    ("ar", "أعيش في Magdeburg وأريد التحدث مع موظف بخصوص الإقامة", "15003", "Magdeburg"),
    ("uk", "Я живу в Halle (Saale) і хочу поговорити з консультантом про посвідку на проживання", "15002", "Halle"),
])
def test_handoff_with_consent_names_the_office_and_stores_the_escalation(stack, conversation, lang, text,
                                                                          district, office):
    chat = conversation(lang)
    first = chat.ask(text, lang)
    assert consent_asked(first), first  # the place came with the question: only consent is asked
    assert office in first["messages"][-1]["text"]

    final = chat.ask("/affirm", lang)

    handoff = final["meta"]["handoff"]
    assert final["meta"]["topic"] == "handoff"
    assert handoff["district_code"] == district
    card = final["messages"][-1]["contact"]
    assert office in card["name"] and card["id"].startswith("abh-")  # the district's Ausländerbehörde
    assert handoff["contact_id"] == card["id"] and handoff["escalation_id"]
    [stored] = escalations(stack, chat.session_id)
    assert (stored.id, stored.district_code, stored.contact_id, stored.lang) == (
        handoff["escalation_id"], district, card["id"], lang)
    assert stored.consent and stored.consent_at and stored.status == "new"
    assert stored.topic == "residence" and "Thema: Aufenthalt." in stored.summary_de
    assert text.split()[1] in stored.summary_user  # the user's own words, in their language


def test_ambiguous_postcode_asks_which_town_and_no_consent_stores_nothing(stack, conversation):
    chat = conversation("de")
    asked = chat.ask("/request_human", "de")
    assert asked["messages"][-1]["text"] == translate("de", texts.ASK_PLACE)

    which = chat.ask("06120", "de")
    assert which["messages"][-1]["text"] == translate("de", texts.ASK_PLACE_WHICH)
    lieskau = next(b for b in which["messages"][-1]["buttons"] if b["title"].startswith("Lieskau"))
    consent = chat.ask(lieskau["payload"], "de")
    assert consent_asked(consent)

    final = chat.ask("/deny", "de")
    assert final["meta"]["handoff"]["district_code"] == "15088"
    assert final["meta"]["handoff"]["escalation_id"] is None
    assert final["messages"][-1]["contact"]["name"]
    assert translate("de", texts.HANDOFF_NOT_SHARED) in final["messages"][-1]["text"]
    assert escalations(stack, chat.session_id) == []


def test_place_outside_sachsen_anhalt_points_to_federal_information(stack, conversation):
    chat = conversation("en")
    chat.ask("/request_human", "en")

    final = chat.ask("Leipzig", "en")

    assert final["messages"][-1]["text"] == translate("en", texts.PLACE_OUTSIDE)
    assert final["messages"][-1]["contact"]["id"] == "bamf-buergerservice"
    assert final["meta"]["handoff"]["district_code"] is None
    assert not consent_asked(final)
    assert escalations(stack, chat.session_id) == []


@pytest.mark.parametrize("lang,cancel", [("de", "abbrechen"), ("uk", "скасувати")])
def test_cancel_at_any_step(stack, conversation, lang, cancel):
    chat = conversation(lang)
    chat.ask("/request_human", lang)
    chat.ask("Magdeburg", lang)  # now the consent question

    reply = chat.ask(cancel, lang)

    assert reply["messages"][-1]["text"] == translate(lang, texts.HANDOFF_CANCELLED)
    assert escalations(stack, chat.session_id) == []


def test_expiring_permit_says_act_now_and_is_marked_urgent(stack, conversation):
    chat = conversation("en")
    first = chat.ask("My residence permit expires in 3 days. I live in Wernigerode.", "en")
    assert first["messages"][0]["text"].startswith(translate("en", texts.URGENT_PERMIT_EXPIRY))
    assert consent_asked(first)

    final = chat.ask("/affirm", "en")

    assert final["meta"]["handoff"]["district_code"] == "15085"
    [stored] = escalations(stack, chat.session_id)
    assert stored.urgent is True
