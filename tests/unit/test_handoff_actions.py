"""The handoff actions through rasa-sdk's executor: place, consent, card, escalation, cancel, urgency."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import ActionExecutor

import actions.handoff as handoff
from bot import texts
from bot.i18n import translate

DOMAIN = {"forms": {"handoff_form": {"required_slots": ["district_code", "handoff_consent"]}},
          "slots": {}}


def run(action: str, text: str, intent: str = "request_human", lang: str = "en", slots=None,
        entities=None, requested_slot=None, history=()):
    executor = ActionExecutor()
    executor.register_package("actions")
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    slots = dict(slots or {})
    slots["requested_slot"] = requested_slot
    events = list(history) + [{"event": "user", "text": text, "parse_data": latest, "metadata": {"lang": lang}}]
    call = {
        "next_action": action, "sender_id": "s1", "version": "3.6.21", "domain": DOMAIN,
        "tracker": {"sender_id": "s1", "slots": slots, "latest_message": latest, "paused": False,
                    "events": events, "followup_action": None,
                    "active_loop": {"name": "handoff_form"} if requested_slot else {},
                    "latest_action_name": "action_listen"},
    }
    result = asyncio.run(executor.run(call)).model_dump()
    replies = [r["custom"] for r in result["responses"]]
    slot_events = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
    return replies, slot_events


@pytest.fixture
def recorded(monkeypatch):
    """Escalations the action would send the gateway."""
    sent = []

    async def fake_post(payload):
        sent.append(payload)
        return "esc-1"

    monkeypatch.setattr(handoff, "post_escalation", fake_post)
    return sent


def test_place_in_the_first_message_fills_the_district():
    _, slots = run("validate_handoff_form", "I live in Köthen and need to talk to someone about my Blue Card")
    assert slots["district_code"] == "15082"


def test_a_postcode_answer_fills_the_district():
    _, slots = run("validate_handoff_form", "38855", intent="inform_location", requested_slot="district_code")
    assert slots["district_code"] == "15085"


def test_an_ambiguous_postcode_asks_which_town_with_buttons():
    _, slots = run("validate_handoff_form", "06120", intent="inform_location", requested_slot="district_code")
    assert "district_code" not in slots
    question = slots["place_question"]
    [replies, _] = run("action_ask_district_code", "06120", slots={"place_question": question})
    [reply] = replies
    assert reply["text"] == translate("en", texts.ASK_PLACE_WHICH)
    assert {b["title"] for b in reply["buttons"]} == {"Halle (Saale) (Halle (Saale))", "Lieskau (Saalekreis)"}
    lieskau = next(b["payload"] for b in reply["buttons"] if b["title"].startswith("Lieskau"))
    _, slots = run("validate_handoff_form", lieskau, intent="inform_location",
                   entities=[{"entity": "place", "value": "06120 Lieskau"}],
                   slots={"place_question": question}, requested_slot="district_code")
    assert slots["district_code"] == "15088"
    _, slots = run("validate_handoff_form", "Lieskau", intent="inform_location",
                   slots={"place_question": question}, requested_slot="district_code")
    assert slots["district_code"] == "15088"


def test_outside_sachsen_anhalt_ends_the_form_with_federal_information_only():
    _, slots = run("validate_handoff_form", "Leipzig", intent="inform_location", requested_slot="district_code")
    assert slots["district_code"] == "outside" and slots["requested_slot"] is None
    [reply], _ = run("action_handoff", "Leipzig", slots={"district_code": "outside"})
    assert reply["contact"]["id"] == "bamf-buergerservice"
    assert reply["meta"]["handoff"] == {"escalation_id": None, "contact_id": "bamf-buergerservice",
                                        "district_code": None}
    assert reply["text"] == translate("en", texts.PLACE_OUTSIDE)


def test_an_unknown_place_is_asked_again_once_then_the_welcomecenter():
    _, slots = run("validate_handoff_form", "somewhere nice", requested_slot="district_code")
    assert slots["place_attempts"] == 1 and "district_code" not in slots
    [reply], _ = run("action_ask_district_code", "x", slots={"place_attempts": 1})
    assert reply["text"] == translate("en", texts.ASK_PLACE_AGAIN)
    _, slots = run("validate_handoff_form", "still nowhere", slots={"place_attempts": 1},
                   requested_slot="district_code")
    assert slots["district_code"] == "statewide"
    [reply], _ = run("action_ask_handoff_consent", "x", slots={"district_code": "statewide"})
    assert "WelcomeCenter" in reply["text"]


def test_consent_question_says_what_with_whom_and_how_long():
    [reply], _ = run("action_ask_handoff_consent", "x", lang="de",
                     slots={"district_code": "15085", "last_topic": "residence"})
    assert "Landkreis Harz" in reply["text"] or "Harz" in reply["text"]
    assert "Ausländerbehörde" in reply["text"] and "90" in reply["text"] and "Deutsch" in reply["text"]
    assert [b["payload"] for b in reply["buttons"]] == ["/affirm", "/deny"]


@pytest.mark.parametrize("intent,value", [("affirm", True), ("deny", False)])
def test_yes_and_no_fill_the_consent(intent, value):
    _, slots = run("validate_handoff_form", "/" + intent, intent=intent, slots={"district_code": "15082"},
                   requested_slot="handoff_consent")
    assert slots["handoff_consent"] is value


def test_another_answer_to_the_consent_question_asks_again():
    _, slots = run("validate_handoff_form", "what?", intent="nlu_fallback", slots={"district_code": "15082"},
                   requested_slot="handoff_consent")
    assert "handoff_consent" not in slots and slots["handoff_retries"] == 1


def test_with_consent_the_escalation_is_recorded_and_the_card_shown(recorded):
    question = {"event": "user", "text": "Wie bekomme ich die Blaue Karte?",
                "parse_data": {"intent": {"name": "ask_residence"}}}
    [reply], slots = run("action_handoff", "/affirm", intent="affirm", lang="de", history=[question],
                         slots={"district_code": "15082", "handoff_consent": True, "last_topic": "residence",
                                "handoff_urgency": "permit_expiry"})
    [payload] = recorded
    assert payload["district_code"] == "15082" and payload["contact_id"] == reply["contact"]["id"]
    assert payload["summary_user"] == "Wie bekomme ich die Blaue Karte?"
    assert "Thema: Aufenthalt." in payload["summary_de"] and "Anhalt-Bitterfeld" in payload["summary_de"]
    assert payload["urgent"] is True and payload["consent"] is True and payload["lang"] == "de"
    assert "Anhalt-Bitterfeld" in reply["contact"]["name"]
    assert reply["meta"]["topic"] == "handoff"
    assert reply["meta"]["handoff"] == {"escalation_id": "esc-1", "contact_id": reply["contact"]["id"],
                                        "district_code": "15082"}
    assert translate("de", texts.HANDOFF_CONTACT_TODAY) in reply["text"]
    assert slots["handoff_consent"] is None  # the next handoff asks again


def test_without_consent_nothing_is_recorded_but_the_card_is_shown(recorded):
    [reply], _ = run("action_handoff", "/deny", intent="deny", lang="uk",
                     slots={"district_code": "15002", "handoff_consent": False, "last_topic": "eu_employment"})
    assert recorded == []
    assert reply["contact"]["id"] == "bema"
    assert reply["meta"]["handoff"]["escalation_id"] is None
    assert reply["text"] == translate("uk", texts.HANDOFF_NOT_SHARED)


def test_recognition_goes_to_iq_counselling(recorded):
    [reply], _ = run("action_handoff", "/affirm", intent="affirm",
                     slots={"district_code": "15003", "handoff_consent": True, "last_topic": "recognition"})
    assert reply["contact"]["id"] == "iq-anerkennungsberatung"


def test_cancel_stops_the_form_and_passes_nothing_on(recorded):
    executor_replies, _ = run("action_handoff_cancel", "abbrechen", intent="cancel", lang="de",
                              requested_slot="district_code")
    [reply] = executor_replies
    assert reply["text"] == translate("de", texts.HANDOFF_CANCELLED)
    assert recorded == []


def test_urgent_message_says_act_now_and_names_the_office_when_the_district_is_known():
    [reply], slots = run("action_handoff_start", "Mein Aufenthaltstitel läuft in 5 Tagen ab", intent="ask_residence",
                         lang="de", slots={"district_code": "15085"})
    assert reply["text"].startswith(translate("de", texts.URGENT_PERMIT_EXPIRY))
    assert "Harz" in reply["text"]
    assert slots["handoff_urgency"] == "permit_expiry" and slots["last_topic"] == "residence"


def test_urgent_question_starts_the_handoff_instead_of_an_answer():
    replies, slots = run("action_answer", "My residence permit expires in 3 days", intent="ask_residence")
    assert replies == []
    assert slots["start_handoff"] is True and slots["handoff_urgency"] == "permit_expiry"


def test_second_unanswered_low_confidence_message_starts_the_handoff(monkeypatch):
    from actions import answer

    monkeypatch.setattr(answer, "best_answer", lambda kb, turn, threshold: (None, []))
    monkeypatch.setattr(answer.runtime, "knowledge_base", lambda: None)
    _, slots = run("action_answer", "blah blah", intent="nlu_fallback")
    assert slots["start_handoff"] is False and slots["fallback_count"] == 1
    _, slots = run("action_answer", "blah again", intent="nlu_fallback", slots={"fallback_count": 1})
    assert slots["start_handoff"] is True


def test_asking_to_talk_to_someone_about_a_topic_starts_the_handoff():
    replies, slots = run("action_answer", "I live in Köthen and need to talk to someone about my Blue Card",
                         intent="ask_residence")
    assert replies == [] and slots["start_handoff"] is True and slots["last_topic"] == "residence"


def test_staff_edits_to_the_contacts_reach_the_running_action_server(tmp_path, monkeypatch):
    import dataclasses
    import os
    import shutil

    from actions import handoff, runtime
    from bot.settings import PROJECT_ROOT, load_settings

    shutil.copytree(PROJECT_ROOT / "knowledge" / "contacts", tmp_path / "contacts")
    monkeypatch.setattr(runtime, "_settings", dataclasses.replace(load_settings({}), knowledge_dir=tmp_path))
    monkeypatch.setattr(handoff, "_directory", None)
    monkeypatch.setattr(handoff, "_directory_stamp", None)
    authorities = tmp_path / "contacts" / "authorities.yml"
    old_name = handoff.directory().authority_for_district("15085").name

    def edit(text):
        authorities.write_text(text, encoding="utf-8")
        stat = authorities.stat()
        os.utime(authorities, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))

    original = authorities.read_text(encoding="utf-8")
    edit(original.replace(old_name, old_name + " (neu)"))
    assert handoff.directory().authority_for_district("15085").name == old_name + " (neu)"

    edit(original + "\n- id: [broken\n")
    assert handoff.directory().authority_for_district("15085").name == old_name + " (neu)"
