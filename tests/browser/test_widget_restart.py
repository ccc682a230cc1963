"""While the assistant restarts, the widget shows the gateway's "restarting, send it again" in the
person's language, keeps the typed text, and "Try again" sends the same message (same id) again."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from bot import texts
from bot.i18n import translate
from tests.browser.widget import INPUT, REPLIES, Widget

pytestmark = pytest.mark.browser

QUESTION = "Як записатися на інтеграційний курс?"


def test_a_restart_keeps_the_typed_text_and_try_again_sends_the_same_message(new_page, stack):
    page = new_page(locale="uk-UA")
    sent = []

    def first_call_meets_a_restart(route):
        sent.append(json.loads(route.request.post_data))
        if len(sent) == 1:  # what the gateway answers while the supervisor restarts the engine
            route.fulfill(status=503, headers={"Retry-After": "5"}, content_type="application/json",
                          body=json.dumps({"error": {"code": "restarting",
                                                     "message": translate("uk", texts.ERROR_RESTARTING)}}))
        else:
            route.continue_()

    page.route("**/api/v1/chat", first_call_meets_a_restart)
    widget = Widget(page, stack.gateway_url).load().open()
    widget.choose_language("uk")
    page.locator(INPUT).fill(QUESTION)
    page.locator(INPUT).press("Enter")

    expect(page.locator("sa-advisor").get_by_text(translate("uk", texts.ERROR_RESTARTING))).to_be_visible()
    expect(page.locator(INPUT)).to_have_value(QUESTION)
    page.locator("sa-advisor").get_by_role("button", name=translate("uk", texts.WIDGET_RETRY)).click()

    expect(page.locator(REPLIES)).not_to_have_count(0, timeout=60_000)
    assert [call["text"] for call in sent] == [QUESTION, QUESTION]
    assert sent[0]["message_id"] == sent[1]["message_id"] and len(sent[0]["message_id"]) >= 8
