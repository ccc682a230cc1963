"""A handoff from the widget to a counsellor's answer: the migrant asks for a person and consents, a counsellor
of the responsible office logs into the dashboard, claims the case and replies, and the reply appears in the
migrant's open widget marked as from a person."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.auth import hash_password
from api.models import Counsellor, Escalation
from bot import texts
from bot.i18n import translate
from tests.browser.widget import REPLIES, Widget

pytestmark = pytest.mark.browser

PASSWORD = "Domplatz-Elbufer-2026"
REPLY = "Guten Tag, hier ist Frau Elbe von der Ausländerbehörde Magdeburg. Wir rufen Sie an."


def app_db(stack) -> Session:
    return Session(create_engine(f"sqlite:///{stack.var_dir / 'app.db'}"))


def hand_over_in_widget(page, stack) -> str:
    """Ask, choose "talk to a person", name the town, consent; the session id."""
    widget = Widget(page, stack.gateway_url).load().open()
    widget.ask("Wie bekomme ich die Blaue Karte?")
    page.locator("sa-advisor .choice", has_text=translate("de", texts.BUTTON_TALK_TO_PERSON)).last.click()
    expect(page.locator(REPLIES).last.locator(".text")).to_have_text(translate("de", texts.ASK_PLACE),
                                                                    timeout=60_000)
    widget.ask("Magdeburg")
    consent = widget.last_reply().locator(".choice", has_text=translate("de", texts.BUTTON_CONSENT_YES))
    before = page.locator(REPLIES).count()
    consent.click()
    expect(page.locator(REPLIES)).not_to_have_count(before, timeout=60_000)
    expect(page.locator("sa-advisor li.msg.bot .contact").last).to_be_visible()
    return widget.stored()["session"]["session_id"]


def test_a_counsellor_claims_the_handed_over_case_and_the_reply_reaches_the_widget(new_page, stack):
    migrant = new_page()
    session_id = hand_over_in_widget(migrant, stack)
    with app_db(stack) as db:
        [case] = db.scalars(select(Escalation).where(Escalation.session_id == session_id)).all()
        assert case.contact_id == "abh-magdeburg" and case.status == "new"
        case_id = case.id
        db.add(Counsellor(email="elbe@example.org", name="Frau Elbe", password_hash=hash_password(PASSWORD),
                          role="counsellor", active=True, failed_logins=0, offices=["abh-magdeburg"]))
        db.commit()

    staff = new_page(locale="de-DE")
    staff.goto(f"{stack.gateway_url}/dashboard")
    expect(staff).to_have_url(f"{stack.gateway_url}/dashboard/login?next=%2Fdashboard")
    staff.get_by_label(translate("de", texts.DASHBOARD_EMAIL)).fill("elbe@example.org")
    staff.get_by_label(translate("de", texts.DASHBOARD_PASSWORD)).fill(PASSWORD)
    staff.get_by_role("button", name=translate("de", texts.DASHBOARD_LOGIN)).click()

    row = staff.locator(f"tr[data-case='{case_id}']")
    expect(row).to_be_visible()
    row.locator("a").click()
    expect(staff.get_by_text("Wie bekomme ich die Blaue Karte?").first).to_be_visible()
    staff.get_by_role("button", name=translate("de", texts.DASHBOARD_CLAIM)).click()
    expect(staff.locator("#case-status")).to_contain_text("Frau Elbe")
    # Keyboard only: focus the reply field, type, tab to the button, press Enter.
    staff.get_by_label(translate("de", texts.DASHBOARD_TEXT), exact=True).first.focus()
    staff.keyboard.type(REPLY)
    staff.keyboard.press("Tab")
    expect(staff.locator("#send-reply")).to_be_focused()
    staff.keyboard.press("Enter")
    expect(staff.locator("p.ok[role=status]")).to_have_text(translate("de", texts.DASHBOARD_SENT))

    person = migrant.locator("sa-advisor li.msg.counsellor").last
    expect(person).to_be_visible(timeout=20_000)
    expect(person.locator(".who-person")).to_contain_text(translate("de", texts.WIDGET_COUNSELLOR))
    expect(person.locator(".text")).to_have_text(REPLY)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_dashboard_pages_have_no_serious_or_critical_accessibility_violation(new_page, stack, lang):
    from axe_playwright_python.sync_playwright import Axe

    email = f"admin-{lang}@example.org"
    with app_db(stack) as db:
        db.add(Counsellor(email=email, name="Admin", password_hash=hash_password(PASSWORD), role="admin",
                          active=True, failed_logins=0, offices=[]))
        db.commit()
    # axe-core itself adds inline styles while it measures; the test above holds the policy.
    page = new_page(locale={"en": "en-GB", "ar": "ar-SY"}[lang], bypass_csp=True)
    page.goto(f"{stack.gateway_url}/dashboard/login")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    pages = {"login": Axe().run(page)}
    page.get_by_label(translate(lang, texts.DASHBOARD_EMAIL)).fill(email)
    page.get_by_label(translate(lang, texts.DASHBOARD_PASSWORD)).fill(PASSWORD)
    page.get_by_role("button", name=translate(lang, texts.DASHBOARD_LOGIN)).click()
    expect(page.get_by_role("heading", name=translate(lang, texts.DASHBOARD_QUEUE))).to_be_visible()
    pages["queue"] = Axe().run(page)
    page.goto(f"{stack.gateway_url}/dashboard/admin/accounts")
    pages["accounts"] = Axe().run(page)

    serious = [(name, v["id"], [node["target"] for node in v["nodes"]])
               for name, results in pages.items() for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
