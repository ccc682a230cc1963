"""axe-core finds nothing, at any impact, on the widget (opened, a conversation with a long Arabic answer, a
handoff, an error) and on the dashboard pages (login, queue, case, accounts); a new answer is announced once
by screen readers, never the whole conversation again."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from api.auth import hash_password
from api.models import ChatSession, Counsellor, Escalation, hash_token, utcnow
from bot import texts
from bot.i18n import translate
from tests.browser.test_widget_render import MARKDOWN, SOURCES, answer, seed, shot
from tests.browser.widget import INPUT, REPLIES, Widget

pytestmark = pytest.mark.browser

PASSWORD = "Domplatz-Elbufer-2026"
LOCALES = {"de": "de-DE", "ar": "ar-SY"}
LONG_ARABIC = ("## من يحتاج إلى الاعتراف؟\n"
               + "يجب أن توافق الوكالة الاتحادية للعمل (Bundesagentur für Arbeit) على العمل وفق (§ 18g AufenthG)، "
               "ويُرسل الطلب إلى دائرة شؤون الأجانب (Ausländerbehörde) في 39104 Magdeburg أو عبر abh@example.org. " * 12
               + "\n- **الوثائق:** جواز السفر، وعقد العمل (Arbeitsvertrag)، والشهادات.\n- الرسوم: 100 €.")
CONTACT = {"name": "Ausländerbehörde Musterland", "address": ["Musterstraße 1", "00000 Musterstadt"],
           "opening_hours": ["Mo 08:00–12:00"], "phone": "+49 0000 000000", "email": "abh@example.org",
           "web": "https://www.example.org/abh"}


def violations(page) -> list:
    results = Axe().run(page)
    return [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:5]) for v in results.response["violations"]]


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_the_widget_has_no_accessibility_violation_open_in_conversation_at_a_handoff_and_on_an_error(
        new_page, stack, lang):
    # axe-core adds inline styles while it measures; the other tests hold the content policy.
    page = new_page(locale=LOCALES[lang], bypass_csp=True)
    Widget(page, stack.gateway_url).load().open()
    expect(page.locator("sa-advisor .widget")).to_have_attribute("lang", lang)
    found = {"open": violations(page)}

    body = LONG_ARABIC if lang == "ar" else MARKDOWN
    direction = "rtl" if lang == "ar" else "ltr"
    bot = {"kind": "bot", "lang": lang, "dir": direction, "text": "", "sources": SOURCES,
           "answer": answer(body, lang, "الاعتراف بالشهادات" if lang == "ar" else "Blaue Karte EU"),
           "buttons": [{"title": translate(lang, texts.BUTTON_TALK_TO_PERSON), "payload": "/request_human"}]}
    seed(page, [{"kind": "user", "text": "سؤال طويل" if lang == "ar" else "Eine Frage"}, bot], lang=lang, dir=direction)
    page.locator("sa-advisor .sources summary").first.click()
    found["conversation"] = violations(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"]
    shot(page, f"a11y-conversation-{lang}")

    handoff = {"kind": "bot", "lang": lang, "dir": direction, "text": translate(lang, texts.WIDGET_CONTACT),
               "buttons": [], "sources": [], "contact": CONTACT}
    seed(page, [{"kind": "user", "text": "Magdeburg"}, handoff, {"kind": "followup", "days": 30, "email": True},
                {"kind": "counsellor", "text": "Guten Tag", "name": "Frau Elbe", "lang": "de"}],
         lang=lang, dir=direction)
    expect(page.locator("sa-advisor .contact")).to_be_visible()
    found["handoff"] = violations(page)
    shot(page, f"a11y-handoff-{lang}")

    page.context.set_offline(True)
    page.locator(INPUT).fill("؟" if lang == "ar" else "Noch eine Frage")
    page.locator(INPUT).press("Enter")
    expect(page.locator("sa-advisor .alert")).to_contain_text(translate(lang, texts.WIDGET_NETWORK_ERROR))
    found["error"] = violations(page)
    page.context.set_offline(False)
    assert {state: v for state, v in found.items() if v} == {}


def test_a_new_answer_is_announced_once_and_a_reload_announces_nothing(new_page, stack):
    page = new_page()
    widget = Widget(page, stack.gateway_url).load().open()
    # The conversation itself is no live region (re-drawing it must not read it all out again).
    log = page.locator("sa-advisor ol.log")
    assert log.get_attribute("aria-live") in (None, "off") and log.get_attribute("role") is None
    announcer = page.locator("sa-advisor .panel > [aria-live=polite]")
    expect(announcer).to_have_count(1)
    widget.ask("Wie bekomme ich die Blaue Karte?")
    title = widget.last_reply().locator("h4").text_content()
    expect(announcer).to_contain_text(translate("de", texts.WIDGET_ASSISTANT))
    expect(announcer).to_contain_text(title)
    assert announcer.text_content().startswith(translate("de", texts.WIDGET_ASSISTANT) + ": ")
    # Only the newest message: the question typed before is not in it.
    assert "Wie bekomme ich" not in announcer.text_content()
    page.reload()
    expect(page.locator(REPLIES)).to_have_count(1)
    page.wait_for_timeout(300)
    assert page.locator("sa-advisor .panel > [aria-live=polite]").text_content() == ""


def _app_db(stack) -> Session:
    return Session(create_engine(f"sqlite:///{stack.var_dir / 'app.db'}"))


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_the_dashboard_pages_have_no_accessibility_violation(new_page, stack, lang):
    email = f"a11y-admin-{lang}@example.org"
    with _app_db(stack) as db:
        db.add(Counsellor(email=email, name="Frau Admin", password_hash=hash_password(PASSWORD), role="admin",
                          active=True, failed_logins=0, offices=["abh-magdeburg"]))
        session = ChatSession(token_hash=hash_token(f"a11y-{lang}"), lang="ar")
        db.add(session)
        db.flush()
        case = Escalation(session_id=session.id, lang="ar", district_code="15003", topic="recognition",
                          contact_id="abh-magdeburg", summary_de="Thema: Anerkennung. Abschluss aus Syrien.",
                          summary_user="أريد معادلة شهادتي (§ 18g AufenthG)", consent=True, consent_at=utcnow(),
                          urgent=True)
        db.add(case)
        db.commit()
        case_id = case.id
    page = new_page(locale=LOCALES[lang], bypass_csp=True)
    page.goto(f"{stack.gateway_url}/dashboard/login")
    found = {"login": violations(page)}
    page.get_by_label(translate(lang, texts.DASHBOARD_EMAIL)).fill(email)
    page.get_by_label(translate(lang, texts.DASHBOARD_PASSWORD)).fill(PASSWORD)
    page.get_by_role("button", name=translate(lang, texts.DASHBOARD_LOGIN)).click()
    expect(page.locator(f"tr[data-case='{case_id}']")).to_be_visible()
    found["queue"] = violations(page)
    page.goto(f"{stack.gateway_url}/dashboard?view=unclaimed&urgency=urgent")
    expect(page.locator(f"tr[data-case='{case_id}']")).to_be_visible()
    found["queue, unclaimed"] = violations(page)
    page.goto(f"{stack.gateway_url}/dashboard/cases/{case_id}")
    expect(page.locator("#case-last-message")).to_be_visible()
    found["case"] = violations(page)
    page.goto(f"{stack.gateway_url}/dashboard/admin/accounts")
    found["accounts"] = violations(page)
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_the_full_privacy_notice_has_no_accessibility_violation(new_page, stack, lang):
    page = new_page(locale=LOCALES[lang], bypass_csp=True)
    page.goto(f"{stack.gateway_url}/privacy?lang={lang}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    expect(page.locator("h1")).to_have_text(translate(lang, texts.WIDGET_PRIVACY_LINK))
    assert violations(page) == []
