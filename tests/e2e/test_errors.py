"""Bad input gets a clear JSON error; an engine outage gives 503 and heals by itself."""

import time

import pytest

from bot import texts
from bot.i18n import translate
from tests.e2e.conftest import E2E_RATE_LIMIT

pytestmark = pytest.mark.e2e


def test_rate_limit_answers_429_in_the_session_language(conversation):
    chat = conversation("uk")
    statuses = [chat.send("Привіт").status_code for _ in range(E2E_RATE_LIMIT + 1)]

    assert statuses[:E2E_RATE_LIMIT] == [200] * E2E_RATE_LIMIT
    assert statuses[-1] == 429
    error = chat.send("Привіт").json()["error"]
    assert error == {"code": "rate_limited", "message": translate("uk", texts.ERROR_RATE_LIMITED)}


def test_engine_outage_gives_503_and_recovers_without_restarting_the_gateway(stack, conversation):
    chat = conversation("de")
    stack.stop_process("engine")
    try:
        reply = chat.send("Wie bekomme ich die Blaue Karte?")
        assert reply.status_code == 503
        assert reply.json()["error"] == {"code": "unavailable", "message": translate("de", texts.ERROR_UNAVAILABLE)}
        assert stack.health()[0] == 503
    finally:
        stack.start_process("engine")
        stack.wait_ready(timeout=300)

    assert chat.send("Wie bekomme ich die Blaue Karte?").status_code == 200


def test_actions_outage_gives_503_and_recovers(stack, conversation):
    chat = conversation("en")
    stack.stop_process("actions")
    try:
        reply = chat.send("How do I get a Blue Card?")
        assert reply.status_code == 503
        assert reply.json()["error"]["code"] == "unavailable"
    finally:
        stack.start_process("actions")
        stack.wait_ready(timeout=300)
    deadline = time.monotonic() + 30
    while chat.send("How do I get a Blue Card?").status_code != 200:
        assert time.monotonic() < deadline, "the chat did not recover after the action server came back"
        time.sleep(1)
