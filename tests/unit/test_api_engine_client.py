"""The engine's REST answer becomes the public chat response (brief Contract 3)."""

from api.engine_client import build_chat_response
from bot import texts
from bot.i18n import translate

SOURCE = {"id": "eu-blue-card", "title": "Make it in Germany", "url": "https://www.make-it-in-germany.com/"}
BLUE_CARD = {
    "text": "Die Blaue Karte EU ist ein Aufenthaltstitel für akademische Fachkräfte.",
    "buttons": [{"title": "Mehr dazu", "payload": "/more_detail"}],
    "sources": [SOURCE],
    "contact": None,
    "meta": {
        "intent": "ask_residence",
        "confidence": 0.93,
        "topic": "residence",
        "articles": ["eu-blue-card"],
        "handoff": None,
        "lang": "de",
    },
}


def test_a_custom_payload_becomes_one_message_with_its_buttons_sources_and_meta():
    response = build_chat_response("s1", "de", [{"recipient_id": "s1", "custom": BLUE_CARD}])
    assert response == {
        "session_id": "s1",
        "lang": "de",
        "dir": "ltr",
        "messages": [
            {
                "text": BLUE_CARD["text"],
                "buttons": [{"title": "Mehr dazu", "payload": "/more_detail"}],
                "sources": [{**SOURCE, "secondary": False}],
                "contact": None,
            }
        ],
        "meta": {
            "intent": "ask_residence",
            "confidence": 0.93,
            "topic": "residence",
            "articles": ["eu-blue-card"],
            "handoff": None,
        },
    }


def test_a_plain_text_message_passes_through_with_empty_buttons_and_sources():
    response = build_chat_response("s1", "en", [{"recipient_id": "s1", "text": "Hello!"}])
    assert response["messages"] == [{"text": "Hello!", "buttons": [], "sources": [], "contact": None}]
    assert response["meta"] == {
        "intent": None, "confidence": None, "topic": None, "articles": [], "handoff": None
    }


def test_no_message_at_all_says_there_is_no_answer_and_offers_a_person():
    response = build_chat_response("s1", "en", [])
    assert response["messages"] == [
        {
            "text": texts.NO_ANSWER,
            "buttons": [{"title": texts.BUTTON_TALK_TO_PERSON, "payload": "/request_human"}],
            "sources": [],
            "contact": None,
        }
    ]


def test_the_default_message_speaks_the_session_language():
    message = build_chat_response("s1", "uk", [])["messages"][0]
    assert message["text"] == translate("uk", texts.NO_ANSWER) != texts.NO_ANSWER
    assert message["buttons"][0]["title"] == translate("uk", texts.BUTTON_TALK_TO_PERSON)


def test_meta_comes_from_the_last_message_that_carries_one():
    handoff = {"escalation_id": 7, "contact_id": "abh-halle", "district_code": "15002"}
    second = {"text": "Ausländerbehörde Halle", "contact": {"name": "Ausländerbehörde Halle (Saale)"},
              "meta": {**BLUE_CARD["meta"], "topic": "handoff", "handoff": handoff}}
    engine = [{"custom": BLUE_CARD}, {"custom": second}, {"text": "plain, no meta"}]
    response = build_chat_response("s1", "de", engine)
    texts_shown = [m["text"] for m in response["messages"]]
    assert texts_shown == [BLUE_CARD["text"], "Ausländerbehörde Halle", "plain, no meta"]
    assert response["messages"][1]["contact"] == {"name": "Ausländerbehörde Halle (Saale)"}
    assert response["meta"]["topic"] == "handoff"
    assert response["meta"]["handoff"] == handoff


def test_right_to_left_languages_say_so():
    assert build_chat_response("s1", "ar", [{"text": "مرحبا"}])["dir"] == "rtl"
    assert build_chat_response("s1", "fa", [{"text": "سلام"}])["dir"] == "rtl"
    assert build_chat_response("s1", "uk", [{"text": "Привіт"}])["dir"] == "ltr"


def test_links_other_than_web_links_and_malformed_parts_are_dropped():
    payload = {
        "text": "x",
        "buttons": [{"title": "ok", "payload": "/affirm"}, {"title": 3}, "nonsense"],
        "sources": [
            {"id": "a", "title": "evil", "url": "javascript:alert(1)"},
            {"id": "b", "title": "good", "url": "https://www.bamf.de/"},
            {"id": "c", "title": "no url"},
        ],
        "contact": "not a dict",
        "meta": {"intent": ["x"], "confidence": "high", "topic": "residence", "articles": ["a", 5], "x": 1},
    }
    response = build_chat_response("s1", "de", [{"custom": payload}, None, {"image": "https://x/y.png"}])
    (message,) = response["messages"]
    assert message["buttons"] == [{"title": "ok", "payload": "/affirm"}]
    assert message["sources"] == [{"id": "b", "title": "good", "url": "https://www.bamf.de/", "secondary": False}]
    assert message["contact"] is None
    assert response["meta"] == {"intent": None, "confidence": None, "topic": "residence", "articles": ["a"],
                                "handoff": None}


def test_an_answer_keeps_its_markdown_parts_for_the_widget_and_secondary_sources_are_marked():
    answer = {"title": "Blaue Karte EU", "markdown": "## Gehalt\n- **mindestens** 50.700 €", "lang": "de",
              "note": None, "reviewed": "Zuletzt geprüft: 1. Dezember 2026", "disclaimer": "Keine Rechtsberatung.",
              "extra": "<script>", "title_html": 1}
    sources = [{"id": "a", "title": "BAMF", "url": "https://www.bamf.de/"},
               {"id": "a", "title": "Blog", "url": "https://example.com/", "secondary": True}]
    payload = {**BLUE_CARD, "sources": sources, "answer": answer}
    (message,) = build_chat_response("s1", "de", [{"custom": payload}])["messages"]
    assert message["answer"] == {key: answer[key] for key in ("title", "markdown", "lang", "note", "reviewed",
                                                              "disclaimer")}
    assert [s["secondary"] for s in message["sources"]] == [False, True]
    # Without its Markdown an answer is no answer: the plain text is all there is.
    (plain,) = build_chat_response("s1", "de", [{"custom": {**BLUE_CARD, "answer": {"title": "x"}}}])["messages"]
    assert "answer" not in plain
