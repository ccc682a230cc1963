"""The handoff actions through rasa-sdk's executor: place, consent, card, the escalation in the reply, cancel,
urgency, answers that are no answers, stale consent buttons."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import ActionExecutor

from actions import handoff
from bot import texts
from bot.i18n import translate

DOMAIN = {"forms": {"handoff_form": {"required_slots": ["district_code", "handoff_consent"]}},
          "slots": {}}


def run(action: str, text: str, intent: str = "request_human", lang: str = "en", slots=None,
        entities=None, requested_slot=None, history=(), confidence: float = 0.9):
    executor = ActionExecutor()
    executor.register_package("actions")
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
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


def record_of(reply):
    """The escalation the action asks the gateway to record (api.escalations), or None."""
    return (reply["meta"]["handoff"] or {}).get("record")


def test_place_in_the_first_message_fills_the_district():
    _, slots = run("validate_handoff_form", "I live in Köthen and need to talk to someone about my Blue Card")
    assert slots["district_code"] == "15082"


def test_a_postcode_answer_fills_the_district():
    _, slots = run("validate_handoff_form", "38855", intent="inform_location", requested_slot="district_code")
    assert slots["district_code"] == "15085"
    _, slots = run("validate_handoff_form", "Wernigerode", intent="inform_location", requested_slot="district_code")
    assert slots["district_code"] == "15085" and slots["place_name"] == "Wernigerode"


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
    _, slots = run("validate_handoff_form", "somewhere nice", intent="nlu_fallback", requested_slot="district_code")
    assert slots["place_attempts"] == 1 and "district_code" not in slots
    [reply], _ = run("action_ask_district_code", "x", slots={"place_attempts": 1})
    assert reply["text"] == translate("en", texts.ASK_PLACE_AGAIN)
    _, slots = run("validate_handoff_form", "still nowhere", intent="inform_location", slots={"place_attempts": 1},
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
    # Yes: the escalation exists from this moment (a failing action_handoff cannot lose it); no: none.
    record = slots["handoff_record"]
    assert (record["district_code"] == "15082" and len(record["request_key"]) == 32) if value else record is None


def test_another_answer_to_the_consent_question_asks_again():
    _, slots = run("validate_handoff_form", "what?", intent="nlu_fallback", slots={"district_code": "15082"},
                   requested_slot="handoff_consent")
    assert "handoff_consent" not in slots and slots["handoff_retries"] == 1


def test_with_consent_the_escalation_travels_back_in_the_reply_with_the_card():
    question = {"event": "user", "text": "Ich bin Pflegefachkraft aus Indien. Wie bekomme ich die Blaue Karte?",
                "parse_data": {"intent": {"name": "ask_residence"}}}
    [reply], slots = run("action_handoff", "/affirm", intent="affirm", lang="de", history=[question],
                         slots={"district_code": "15082", "handoff_consent": True, "last_topic": "residence",
                                "handoff_urgency": "permit_expiry", "place_name": "Köthen (Anhalt)"})
    _, consented = run("validate_handoff_form", "/affirm", intent="affirm", lang="de", history=[question],
                       slots={"district_code": "15082", "last_topic": "residence", "handoff_urgency": "permit_expiry",
                              "place_name": "Köthen (Anhalt)"}, requested_slot="handoff_consent")
    assert {k: v for k, v in consented["handoff_record"].items() if k not in ("request_key", "consent_at")} == {
        k: v for k, v in record_of(reply).items() if k not in ("request_key", "consent_at")}
    payload = record_of(reply)
    assert payload["district_code"] == "15082" and payload["contact_id"] == reply["contact"]["id"]
    assert payload["summary_user"] == question["text"]
    assert payload["urgent"] is True and payload["consent"] is True and payload["lang"] == "de"
    assert len(payload["request_key"]) == 32  # the handoff's own key: a retry finds its case
    summary = payload["summary_de"].splitlines()
    assert summary[0] == "Thema: Aufenthalt."
    assert f"Frage: „{question['text']}“" in summary
    assert "Beruf: Pflegefachkraft." in summary and "Genannte Länder: Indien." in summary
    assert "Genannte Begriffe: Blaue Karte EU." in summary
    assert "Dringend: Aufenthaltstitel läuft bald ab." in summary
    assert "Wohnort: Köthen (Anhalt) (Anhalt-Bitterfeld, 15082)." in summary
    assert "Anhalt-Bitterfeld" in reply["contact"]["name"]
    assert reply["meta"]["topic"] == "handoff"
    assert reply["meta"]["handoff"]["escalation_id"] is None  # the gateway fills it in
    assert translate("de", texts.HANDOFF_CONTACT_TODAY) in reply["text"]
    assert translate("de", texts.HANDOFF_COME_BACK) in reply["text"]
    assert slots["handoff_consent"] is None  # the next handoff asks again
    assert slots["handoff_record"] == payload  # kept for a retried "yes"


def test_the_confirmation_says_when_the_answer_comes_from_the_office_hours_only_where_confirmed():
    [reply], _ = run("action_handoff", "/affirm", intent="affirm", lang="en",
                     slots={"district_code": "15003", "handoff_consent": True, "last_topic": "residence"})
    hours = reply["contact"]["opening_hours"] or []
    day_lines = [line for line in hours if any(c.isdigit() for c in line)]
    if day_lines:
        assert translate("en", texts.HANDOFF_ANSWER_HOURS, hours="; ".join(day_lines)) in reply["text"]
    else:  # no confirmed hours: no time is invented
        assert translate("en", texts.HANDOFF_ANSWER_NO_HOURS) in reply["text"]


def test_an_arabic_case_gets_a_german_summary_of_its_facts():
    question = {"event": "user", "text": "أنا مهندس من سوريا وتصريح إقامتي ينتهي بعد ٥ أيام",
                "parse_data": {"intent": {"name": "ask_residence"}}}
    [reply], _ = run("action_handoff", "/affirm", intent="affirm", lang="ar", history=[question],
                     slots={"district_code": "15003", "handoff_consent": True, "last_topic": "residence",
                            "handoff_urgency": "permit_expiry"})
    summary = record_of(reply)["summary_de"]
    assert "Frage: auf Arabisch" in summary and "Beruf: Ingenieur/in." in summary
    assert "Genannte Länder: Syrien." in summary and "Aufenthaltserlaubnis" in summary
    assert "genannt: 5 Tage" in summary and "Sprache: Arabisch." in summary


def test_without_consent_nothing_is_recorded_but_the_card_is_shown():
    [reply], slots = run("action_handoff", "/deny", intent="deny", lang="uk",
                         slots={"district_code": "15002", "handoff_consent": False, "last_topic": "eu_employment"})
    assert record_of(reply) is None and "handoff_record" not in slots
    assert reply["contact"]["id"] == "bema"
    assert reply["meta"]["handoff"]["escalation_id"] is None
    assert reply["text"] == translate("uk", texts.HANDOFF_NOT_SHARED)


def test_recognition_goes_to_iq_counselling():
    [reply], _ = run("action_handoff", "/affirm", intent="affirm",
                     slots={"district_code": "15003", "handoff_consent": True, "last_topic": "recognition"})
    assert reply["contact"]["id"] == "iq-anerkennungsberatung"


def test_cancel_stops_the_form_and_passes_nothing_on():
    executor_replies, _ = run("action_handoff_cancel", "abbrechen", intent="cancel", lang="de",
                              requested_slot="district_code")
    [reply] = executor_replies
    assert reply["text"] == translate("de", texts.HANDOFF_CANCELLED)
    assert record_of(reply) is None


def test_a_retried_yes_sends_the_same_escalation_again_with_the_confirmation():
    [first], slots = run("action_handoff", "/affirm", intent="affirm", lang="de",
                         slots={"district_code": "15085", "handoff_consent": True, "last_topic": "residence"})
    [again], _ = run("action_smalltalk", "/affirm", intent="affirm", lang="de",
                     slots={"district_code": "15085", "handoff_record": slots["handoff_record"]})
    assert record_of(again) == record_of(first)  # same key: the gateway finds the case it has
    assert again["text"] == first["text"] and again["contact"] == first["contact"]


def test_a_stale_consent_button_without_a_handoff_says_the_question_is_closed():
    [reply], _ = run("action_smalltalk", "/deny", intent="deny", lang="tr")
    assert reply["text"] == translate("tr", texts.STALE_BUTTON)
    assert [b["payload"] for b in reply["buttons"]] == ["/request_human"]
    [typed], _ = run("action_smalltalk", "evet", intent="affirm", lang="tr")  # typed "yes" is smalltalk
    assert typed["text"] == translate("tr", texts.AFFIRM)


@pytest.mark.parametrize("text,intent", [("I want a person", "request_human"),
                                         ("I need to talk to someone", "nlu_fallback")])
def test_asking_for_a_person_at_the_place_question_is_no_place(text, intent):
    _, slots = run("validate_handoff_form", text, intent=intent, requested_slot="district_code")
    assert "district_code" not in slots and "place_attempts" not in slots
    assert slots["form_note"] == "on_the_way"
    [reply], slots = run("action_ask_district_code", text, slots={"form_note": "on_the_way"})
    assert reply["text"] == translate("en", texts.HANDOFF_ON_THE_WAY) + "\n\n" + translate("en", texts.ASK_PLACE)
    assert slots["form_note"] is None


def test_a_greeting_at_the_place_question_asks_again_without_counting_a_failed_place():
    _, slots = run("validate_handoff_form", "hello", intent="greet", requested_slot="district_code")
    assert slots == {"form_note": "not_a_place", "requested_slot": "district_code"} or (
        slots.get("form_note") == "not_a_place" and "place_attempts" not in slots)
    [reply], _ = run("action_ask_district_code", "hello", slots={"form_note": "not_a_place"})
    assert reply["text"] == translate("en", texts.ASK_PLACE)


@pytest.mark.parametrize("requested", ["district_code", "handoff_consent"])
def test_a_question_in_the_middle_of_the_form_is_not_taken_as_an_answer(requested):
    _, slots = run("validate_handoff_form", "How long does the recognition take?", intent="ask_recognition",
                   slots={"district_code": "15003"} if requested == "handoff_consent" else {},
                   requested_slot=requested)
    # No slot at all: Rasa rejects the form, the bot answers the question and the form asks again.
    assert {k: v for k, v in slots.items() if k != "requested_slot"} == {}


def test_asking_for_a_person_at_the_consent_question_asks_for_consent_again():
    _, slots = run("validate_handoff_form", "can I talk to a human?", intent="request_human",
                   slots={"district_code": "15003"}, requested_slot="handoff_consent")
    assert "handoff_consent" not in slots and slots["form_note"] == "on_the_way"
    [reply], _ = run("action_ask_handoff_consent", "x", slots={"district_code": "15003", "form_note": "on_the_way"})
    assert reply["text"].startswith(translate("en", texts.HANDOFF_ON_THE_WAY))
    assert [b["payload"] for b in reply["buttons"]] == ["/affirm", "/deny"]


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

    nothing = answer.decision.Decision(answer.decision.NO_ANSWER)
    monkeypatch.setattr(answer.decision, "decide", lambda *args, **kwargs: nothing)
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

    from actions import runtime
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


def test_with_the_live_reload_running_contacts_change_only_after_an_edit_passed_the_check(tmp_path, monkeypatch):
    import dataclasses
    import shutil
    import types

    from actions import runtime
    from bot.settings import PROJECT_ROOT, load_settings

    shutil.copytree(PROJECT_ROOT / "knowledge" / "contacts", tmp_path / "contacts")
    monkeypatch.setattr(runtime, "_settings", dataclasses.replace(load_settings({}), knowledge_dir=tmp_path))
    reloader = types.SimpleNamespace(generation=0)
    monkeypatch.setattr(runtime, "_reloader", reloader)
    monkeypatch.setattr(handoff, "_directory", None)
    monkeypatch.setattr(handoff, "_directory_stamp", None)
    authorities = tmp_path / "contacts" / "authorities.yml"
    old_name = handoff.directory().authority_for_district("15085").name
    authorities.write_text(authorities.read_text(encoding="utf-8").replace(old_name, old_name + " (neu)"),
                           encoding="utf-8")
    # Saved, but not yet checked (or the check failed): the running bot keeps the old card.
    assert handoff.directory().authority_for_district("15085").name == old_name
    reloader.generation += 1  # the edit went live
    assert handoff.directory().authority_for_district("15085").name == old_name + " (neu)"
