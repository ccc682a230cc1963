"""A counsellor's busy morning: a queue of a dozen cases of two offices, worked with the views ("my cases",
"unclaimed") and the filters (office, topic, urgency, language), statuses and topics in German words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from api.auth import hash_password
from api.models import ChatSession, Counsellor, Escalation, hash_token, utcnow
from bot import texts
from bot.i18n import translate
from tests.browser.test_widget_render import shot

pytestmark = pytest.mark.browser

PASSWORD = "Domplatz-Elbufer-2026"
#: (office, district, topic, language, urgent) of the dozen cases.
CASES = [
    ("abh-magdeburg", "15003", "residence", "ar", True),
    ("abh-magdeburg", "15003", "recognition", "ar", False),
    ("abh-magdeburg", "15003", "residence", "uk", False),
    ("abh-magdeburg", "15003", "language_course", "vi", False),
    ("abh-magdeburg", "15003", "eu_employment", "pl", False),
    ("abh-magdeburg", "15003", "residence", "fa", True),
    ("abh-harz", "15085", "recognition", "tr", False),
    ("abh-harz", "15085", "residence", "ru", False),
    ("abh-harz", "15085", "living", "ro", False),
    ("abh-harz", "15085", "residence", "ar", True),
    ("abh-harz", "15085", "eu_employment", "de", False),
    ("abh-harz", "15085", "recognition", "en", False),
]


def test_a_counsellor_works_a_queue_of_a_dozen_cases_with_views_and_filters(new_page, stack):
    email = "morgen@example.org"
    with Session(create_engine(f"sqlite:///{stack.var_dir / 'app.db'}")) as db:
        me = Counsellor(email=email, name="Frau Morgen", password_hash=hash_password(PASSWORD), role="counsellor",
                        active=True, failed_logins=0, offices=["abh-magdeburg", "abh-harz"])
        db.add(me)
        db.flush()
        ids = []
        for number, (office, district, topic, lang, urgent) in enumerate(CASES):
            session = ChatSession(token_hash=hash_token(f"queue-{number}"), lang=lang)
            db.add(session)
            db.flush()
            case = Escalation(session_id=session.id, lang=lang, district_code=district, topic=topic,
                              contact_id=office, summary_de=f"Fall {number}: eine Frage.",
                              summary_user=f"Frage {number}", consent=True, consent_at=utcnow(), urgent=urgent,
                              status="claimed" if number in (1, 7) else "new",
                              claimed_by=me.id if number in (1, 7) else None)
            db.add(case)
            db.flush()
            ids.append(case.id)
        db.commit()
        mine = {ids[1], ids[7]}

    page = new_page(locale="de-DE")
    page.goto(f"{stack.gateway_url}/dashboard/login")
    page.get_by_label(translate("de", texts.DASHBOARD_EMAIL)).fill(email)
    page.get_by_label(translate("de", texts.DASHBOARD_PASSWORD)).fill(PASSWORD)
    page.get_by_role("button", name=translate("de", texts.DASHBOARD_LOGIN)).click()

    def shown() -> set:
        page.wait_for_load_state()
        return set(page.locator("tr[data-case]").evaluate_all("rows => rows.map(r => r.dataset.case)")) & set(ids)

    # The stack is shared with other tests: only this test's cases are counted.
    expect(page.locator(f"tr[data-case='{ids[-1]}']")).to_be_visible()
    assert shown() == set(ids)
    # Words, not codes: statuses, topics and languages in German.
    table = page.locator("#queue-table")
    expect(table).to_contain_text(translate("de", texts.DASHBOARD_STATUS_NEW))
    expect(table).to_contain_text(translate("de", texts.BUTTON_RECOGNITION))
    expect(table).to_contain_text(translate("de", texts.DASHBOARD_TOPIC_LIVING))
    expect(table).to_contain_text("Arabisch")
    assert "eu_employment" not in table.inner_text() and "language_course" not in table.inner_text()
    shot(page, "dashboard-queue-de")

    page.get_by_role("link", name=translate("de", texts.DASHBOARD_VIEW_MINE)).click()
    expect(page).to_have_url(re.compile("view=mine"))
    assert shown() == mine
    page.get_by_role("link", name=translate("de", texts.DASHBOARD_VIEW_UNCLAIMED)).click()
    expect(page).to_have_url(re.compile("view=unclaimed"))
    assert shown() == set(ids) - mine
    # Filters, keyboard only: office Harz and urgent cases among the unclaimed.
    page.get_by_label(translate("de", texts.DASHBOARD_OFFICE)).select_option("abh-harz")
    page.get_by_label(translate("de", texts.DASHBOARD_URGENCY)).select_option("urgent")
    page.get_by_label(translate("de", texts.DASHBOARD_URGENCY)).focus()
    for _ in range(6):  # Tab on to the filter button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("urgency=urgent"))
    assert shown() == {ids[9]}
    page.goto(f"{stack.gateway_url}/dashboard?topic=residence&case_lang=ar")
    assert shown() == {ids[0], ids[9]}
    # The case page: the person's language and how long ago they last wrote.
    page.locator(f"tr[data-case='{ids[9]}'] a").click()
    expect(page.locator("#case-language")).to_contain_text("Arabisch")
    expect(page.locator("#case-language")).to_contain_text("العربية")
    expect(page.locator("#case-last-message")).to_have_text(translate("de", texts.DASHBOARD_AGE_MINUTES, count=0))
    expect(page.locator("#case-status")).to_have_text(translate("de", texts.DASHBOARD_STATUS_NEW))
    page.get_by_role("button", name=translate("de", texts.DASHBOARD_CLAIM)).click()
    expect(page.locator("#case-status")).to_contain_text("Frau Morgen")
    page.goto(f"{stack.gateway_url}/dashboard?view=mine")
    assert shown() == mine | {ids[9]}
    shot(page, "dashboard-my-cases-de")
