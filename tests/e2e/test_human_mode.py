"""The handoff reaches a person, through the real engine, action server and gateway: a counsellor claims the
case, the engine's conversation is paused (Rasa's ConversationPaused), the person writes to the counsellor
and the bot stays silent, the counsellor hands back and the bot answers again. Also the handoff dialogue
itself (asking for a person or a question in the middle of it, a retried or stale consent button, a language
change), and two counsellors claiming one case at once."""

from __future__ import annotations

import threading

import httpx
import pytest

from api.models import Escalation
from bot import texts
from bot.i18n import translate
from tests.e2e.dashboard import Counsellor_, add_counsellor, app_db, cases

HARZ, MAGDEBURG = "abh-harz", "abh-magdeburg"


def payloads(reply):
    return [b["payload"] for m in reply["messages"] for b in m["buttons"]]


def texts_of(reply):
    return [m["text"] for m in reply["messages"]]


def engine_events(stack, session_id):
    """The engine's own transcript, through its HTTP API."""
    url = f"http://127.0.0.1:{stack.engine_port}/conversations/{session_id}/tracker"
    reply = httpx.get(url, params={"token": stack.engine_token, "include_events": "ALL"}, timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.json()["events"]


def widget_messages(client, chat, after=None):
    reply = client.get(f"/api/v1/sessions/{chat.session_id}/messages", params={"after": after} if after else {},
                       headers={"Authorization": f"Bearer {chat.token}"})
    assert reply.status_code == 200
    return reply.json()["messages"]


def hand_over(chat, lang="de", text="Ich wohne in Wernigerode und brauche einen Termin bei der Ausländerbehörde"):
    first = chat.ask(text, lang)
    assert "/affirm" in payloads(first), first
    done = chat.ask("/affirm", lang)
    handoff = done["meta"]["handoff"]
    assert handoff["escalation_id"] and "record" not in handoff
    return done, handoff["escalation_id"]


def test_migrant_and_counsellor_talk_and_the_bot_comes_back(stack, client, conversation):
    chat = conversation("de")
    done, case_id = hand_over(chat)
    confirmation = done["messages"][-1]
    assert confirmation["text"].startswith(translate("de", texts.HANDOFF_RECORDED, office="|").split("|")[0])
    assert translate("de", texts.HANDOFF_COME_BACK) in confirmation["text"] and confirmation["contact"]
    assert done["meta"]["handoff"]["followup"]["keep_days"] == 90

    add_counsellor(stack, "berg@example.org", [HARZ], "Frau Berg", public_name="Beraterin der Ausländerbehörde Harz")
    counsellor = Counsellor_(stack.gateway_url, "berg@example.org")
    try:
        assert case_id in counsellor.http.get("/dashboard").text
        assert counsellor.post(case_id, "claim").status_code == 303
        counsellor.post(case_id, "reply", text="Guten Tag, wir können Ihnen einen Termin anbieten.", text_lang="de")
        seen = widget_messages(client, chat)
        assert [(m["kind"], m["name"]) for m in seen] == [
            ("claimed", "Beraterin der Ausländerbehörde Harz"), ("message", "Beraterin der Ausländerbehörde Harz")]

        answer = chat.ask("Danke, wann kann ich kommen?", "de")
        assert answer["messages"] == []  # the bot is silent: a person is answering
        assert answer["meta"]["handoff"]["human"]["name"] == "Beraterin der Ausländerbehörde Harz"
        page = counsellor.case_page(case_id)
        # The counsellor sees it, in order: their reply before the person's answer.
        assert page.index("Guten Tag, wir können Ihnen einen Termin anbieten.") < page.index(
            "Danke, wann kann ich kommen?")
        events = engine_events(stack, chat.session_id)
        kinds = [e["event"] for e in events]
        assert "pause" in kinds
        after_pause = events[kinds.index("pause"):]
        person = next(e for e in after_pause if e["event"] == "user" and e["text"] == "Danke, wann kann ich kommen?")
        assert not [e for e in after_pause[after_pause.index(person) + 1:] if e["event"] == "bot"
                    and (e.get("metadata") or {}).get("from") != "counsellor"]  # no bot turn after it

        counsellor.post(case_id, "handback")
        back = chat.ask("Was ist die Blaue Karte EU?", "de")
        assert back["messages"] and back["messages"][0]["text"]  # the bot answers again
        assert "resume" in [e["event"] for e in engine_events(stack, chat.session_id)]
        notices = widget_messages(client, chat)
        assert notices[-1]["kind"] == "handed_back"
        assert notices[-1]["text"] == translate("de", texts.HUMAN_HANDED_BACK)
    finally:
        counsellor.close()


def test_asking_for_a_person_at_the_place_question_is_not_taken_as_a_place(conversation):
    chat = conversation("en")
    asked = chat.ask("/request_human", "en")
    assert asked["messages"][-1]["text"] == translate("en", texts.ASK_PLACE)
    again = chat.ask("I want a person", "en")
    assert again["messages"][-1]["text"] == (translate("en", texts.HANDOFF_ON_THE_WAY) + "\n\n"
                                             + translate("en", texts.ASK_PLACE))
    consent = chat.ask("Magdeburg", "en")
    assert "/affirm" in payloads(consent)


def test_a_question_in_the_middle_of_the_handoff_is_answered_and_the_form_asks_again(conversation):
    chat = conversation("de")
    chat.ask("/request_human", "de")
    reply = chat.ask("Wie lange dauert die Anerkennung meines Abschlusses?", "de")
    assert len(reply["messages"]) >= 2 and reply["messages"][0]["sources"]  # answered from an article
    assert reply["messages"][-1]["text"] == translate("de", texts.ASK_PLACE)  # then the place again
    assert "/affirm" in payloads(chat.ask("Halle", "de"))


def test_a_language_change_in_the_middle_of_the_handoff_keeps_the_question(conversation):
    chat = conversation()
    chat.ask("Ich möchte mit einer Person sprechen")
    switched = chat.ask("Can we speak English please?")
    assert switched["lang"] == "en"
    consent = chat.ask("Dessau")
    assert consent["lang"] == "en" and "/affirm" in payloads(consent)
    assert translate("en", texts.BUTTON_CONSENT_YES) in [b["title"] for m in consent["messages"] for b in m["buttons"]]


def test_a_retried_yes_shows_the_confirmation_again_and_records_nothing_twice(stack, conversation):
    chat = conversation("uk")
    done, case_id = hand_over(chat, "uk", "Я живу в Магдебурзі і хочу поговорити з консультантом про посвідку")
    retried = chat.ask("/affirm", "uk")  # the old button again, as after a network error
    assert retried["meta"]["handoff"]["escalation_id"] == case_id
    assert retried["messages"][-1]["text"] == done["messages"][-1]["text"] and retried["messages"][-1]["contact"]
    stale = chat.ask("/deny", "uk")
    assert stale["messages"][-1]["text"] == translate("uk", texts.STALE_BUTTON)
    assert len(cases(stack, chat.session_id)) == 1


def test_the_case_transcript_shows_button_titles_not_payloads(stack, conversation):
    chat = conversation("de")
    _, case_id = hand_over(chat, "de", "Ich wohne in Köthen und brauche einen Termin bei der Ausländerbehörde")
    add_counsellor(stack, "anhalt@example.org", ["abh-anhalt-bitterfeld"], "Herr Saale")
    counsellor = Counsellor_(stack.gateway_url, "anhalt@example.org")
    try:
        page = counsellor.case_page(case_id)
    finally:
        counsellor.close()
    assert translate("de", texts.BUTTON_CONSENT_YES) in page and "/affirm" not in page
    assert "Wohnort: Köthen (Anhalt) (Anhalt-Bitterfeld, 15082)." in page


ROUNDS = 25


def test_two_counsellors_claiming_at_once_one_wins_every_time(stack, conversation):
    chat = conversation("de")
    _, case_id = hand_over(chat, "de", "Ich wohne in Magdeburg und brauche einen Termin bei der Ausländerbehörde")
    add_counsellor(stack, "elbe@example.org", [MAGDEBURG], "Frau Elbe")
    add_counsellor(stack, "saale@example.org", [MAGDEBURG], "Herr Saale")
    first, second = Counsellor_(stack.gateway_url, "elbe@example.org"), Counsellor_(stack.gateway_url,
                                                                                      "saale@example.org")
    names = {id(first): "Frau Elbe", id(second): "Herr Saale"}
    outcomes = []
    try:
        for _ in range(ROUNDS):
            with app_db(stack) as db:
                case = db.get(Escalation, case_id)
                case.status, case.claimed_by, case.claimed_at, case.live = "new", None, None, False
                db.commit()
            barrier = threading.Barrier(2)
            results = {}

            def claim(counsellor, barrier=barrier, results=results):
                barrier.wait()
                results[id(counsellor)] = counsellor.http.post(
                    f"/dashboard/cases/{case_id}/claim", data={"csrf_token": counsellor.csrf},
                    follow_redirects=False)

            threads = [threading.Thread(target=claim, args=(c,)) for c in (first, second)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            codes = sorted(r.status_code for r in results.values())
            outcomes.append(codes)
            assert codes == [303, 409], codes
            winner = next(k for k, r in results.items() if r.status_code == 303)
            loser = next(r for k, r in results.items() if r.status_code == 409)
            assert names[winner] in loser.text  # the other is told who has it
    finally:
        first.close()
        second.close()
    print(f"claim race: {sum(o == [303, 409] for o in outcomes)} of {ROUNDS} rounds had exactly one winner")


@pytest.mark.parametrize("lang,text,phrase", [
    ("ar", "أنا ممرضة من سوريا وأعيش في Magdeburg وتصريح إقامتي ينتهي بعد ٣ أيام", "Beruf: Pflegefachkraft."),
    ("ru", "Я инженер из Индии, живу в Галле и хочу поговорить с консультантом о голубой карте", "Indien"),
])
def test_the_german_summary_states_the_facts_the_person_gave(stack, conversation, lang, text, phrase):
    chat = conversation(lang)
    first = chat.ask(text, lang)
    if "/affirm" not in payloads(first):
        first = chat.ask("Magdeburg" if lang == "ar" else "Halle", lang)
    chat.ask("/affirm", lang)
    [case] = cases(stack, chat.session_id)
    assert phrase in case.summary_de and f"Frage: auf {'Arabisch' if lang == 'ar' else 'Russisch'}" in case.summary_de
