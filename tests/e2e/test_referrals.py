"""A question on a subject no article covers: the bot says so, names who can help, offers a person."""

import pytest

from bot import texts
from bot.i18n import translate
from bot.knowledge.referrals import read_referrals
from bot.settings import load_settings

pytestmark = pytest.mark.e2e


def test_a_driving_licence_question_is_referred_to_the_licence_office_not_answered(conversation):
    referrals, _ = read_referrals(load_settings().knowledge_dir)
    licence = next(r for r in referrals if r.id == "fuehrerscheinstelle")
    chat = conversation("en")

    reply = chat.ask("I moved to Germany from India. How can I convert my Indian driving licence into a German one?")

    assert reply["lang"] == "en"
    assert reply["meta"]["articles"] == [], "no article answers this: none may be shown as the answer"
    message = reply["messages"][0]
    assert message["text"] == licence.text("en")
    assert "driving licence" in message["text"] and "Führerscheinstelle" in message["text"]
    assert [s["url"] for s in message["sources"]] == [licence.source_url]
    assert [b["payload"] for b in message["buttons"]] == ["/request_human"]

    # The offer of a person is the existing handoff: it asks where the person lives.
    asked = chat.ask("/request_human", "en")
    assert asked["messages"][-1]["text"] == translate("en", texts.ASK_PLACE)
