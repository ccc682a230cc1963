"""The content-gap loop in the browser: "Did this help?" under an answer, "no" offering a person, the
answer kept across a reload; then a staff member's page of the questions the bot could not answer well."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.auth import hash_password
from api.models import ContentSignal, Counsellor
from bot import texts
from bot.i18n import translate
from tests.browser.widget import REPLIES, Widget

pytestmark = pytest.mark.browser

PASSWORD = "Domplatz-Elbufer-2026"
QUESTION = "Wie bekomme ich die Blaue Karte? Ich heiße Samira, Telefon 0391 1234567"
OFF_TOPIC = "Wie wird das Wetter morgen in Halle an der Saale?"


def app_db(stack) -> Session:
    return Session(create_engine(f"sqlite:///{stack.var_dir / 'app.db'}"))


def de(text: str) -> str:
    return translate("de", text)


def signals_of(stack, kind: str):
    with app_db(stack) as db:
        return db.scalars(select(ContentSignal).where(ContentSignal.kind == kind)).all()


def test_no_under_an_answer_thanks_offers_a_person_and_is_stored_without_personal_data(new_page, stack):
    page = new_page()
    widget = Widget(page, stack.gateway_url).load().open()
    widget.ask(QUESTION)
    feedback = widget.last_reply().locator(".feedback")
    expect(feedback.get_by_role("group", name=de(texts.WIDGET_HELPED_QUESTION))).to_be_visible()
    before = len(signals_of(stack, "not_helpful"))
    feedback.get_by_role("button", name=de(texts.WIDGET_HELPED_NO)).click()

    feedback = widget.last_reply().locator(".feedback")
    expect(feedback.locator(".feedback-thanks")).to_have_text(de(texts.WIDGET_NOT_HELPED))
    expect(feedback.get_by_role("button", name=de(texts.WIDGET_HELPED_YES))).to_have_count(0)
    expect(page.locator("sa-advisor p.status")).to_have_text(de(texts.WIDGET_NOT_HELPED))
    stored = []
    for _ in range(50):
        stored = signals_of(stack, "not_helpful")[before:]
        if stored:
            break
        page.wait_for_timeout(100)
    [row] = stored
    assert row.article_id and row.lang == "de"
    assert "Blaue Karte" in row.question and "Samira" not in row.question and "1234567" not in row.question

    # After a reload the answer stays given: no buttons again, the offer of a person stays.
    page.reload()
    expect(page.locator("sa-advisor .panel")).to_be_visible()  # it was open, so it opens again
    feedback = widget.last_reply().locator(".feedback")
    expect(feedback.locator(".feedback-thanks")).to_have_text(de(texts.WIDGET_NOT_HELPED))
    person = feedback.get_by_role("button", name=de(texts.BUTTON_TALK_TO_PERSON))
    before_replies = page.locator(REPLIES).count()
    person.click()
    expect(page.locator(REPLIES)).not_to_have_count(before_replies, timeout=60_000)
    # The existing handoff takes over: it asks where the person lives (or for consent).
    assert widget.last_reply().locator(".text").inner_text().strip()
    expect(page.locator("sa-advisor li.msg.user .text").last).to_have_text(de(texts.BUTTON_TALK_TO_PERSON))


def test_yes_is_counted_for_the_article_without_the_question(new_page, stack):
    page = new_page()
    widget = Widget(page, stack.gateway_url).load().open()
    widget.ask("Was kostet ein Integrationskurs?")
    before = len(signals_of(stack, "helpful"))
    widget.last_reply().locator(".feedback").get_by_role("button", name=de(texts.WIDGET_HELPED_YES)).click()
    expect(widget.last_reply().locator(".feedback-thanks")).to_have_text(de(texts.WIDGET_HELPED_THANKS))
    for _ in range(50):
        if len(signals_of(stack, "helpful")) > before:
            break
        page.wait_for_timeout(100)
    row = signals_of(stack, "helpful")[-1]
    assert row.article_id and row.question is None


def test_staff_see_the_questions_grouped_with_counts_and_the_article_shown(new_page, stack):
    from axe_playwright_python.sync_playwright import Axe

    visitor = new_page()
    widget = Widget(visitor, stack.gateway_url).load().open()
    widget.ask(OFF_TOPIC)
    if not widget.last_reply().locator(".feedback").count():  # no article: a refusal, recorded as such
        assert any("Wetter" in (row.question or "") for row in signals_of(stack, "refused"))
    widget.ask(QUESTION)
    widget.last_reply().locator(".feedback").get_by_role("button", name=de(texts.WIDGET_HELPED_NO)).click()
    expect(widget.last_reply().locator(".feedback-thanks")).to_be_visible()

    with app_db(stack) as db:
        db.add(Counsellor(email="redaktion@example.org", name="Redaktion", role="staff",
                          password_hash=hash_password(PASSWORD), active=True, failed_logins=0, offices=[]))
        db.commit()
    page = new_page(bypass_csp=True)  # axe-core adds inline styles while it measures
    page.goto(f"{stack.gateway_url}/dashboard/login")
    page.get_by_label(de(texts.DASHBOARD_EMAIL)).fill("redaktion@example.org")
    page.get_by_label(de(texts.DASHBOARD_PASSWORD)).fill(PASSWORD)
    page.get_by_role("button", name=de(texts.DASHBOARD_LOGIN)).click()
    expect(page.get_by_role("link", name="Inhaltslücken")).to_be_visible()
    page.get_by_role("link", name="Inhaltslücken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inhaltslücken: welche Fragen offen bleiben")
    row = page.locator("#gap-groups tr.gap-group", has_text="Blaue Karte").first
    expect(row).to_be_visible()
    assert int(row.locator(".gap-count").inner_text()) >= 1
    expect(row).to_contain_text("hat nicht geholfen")
    expect(row.locator("code").first).not_to_be_empty()  # the article that was shown
    expect(page.locator("#gap-groups")).not_to_contain_text("Samira")
    expect(page.locator("#gap-groups")).not_to_contain_text("1234567")
    pages = {"gaps": Axe().run(page)}
    page.get_by_role("link", name="Wissensbasis").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wissensbasis")
    pages["knowledge"] = Axe().run(page)
    serious = [(name, v["id"], [node["target"] for node in v["nodes"]])
               for name, results in pages.items() for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
