"""Both sides of a handoff in real browsers: the migrant in the widget, counsellors in the dashboard.

- a live conversation in Arabic (right to left): the queue shows the new case without a reload, the
  counsellor claims it, the widget says who answers, a canned reply arrives in Arabic, the migrant's answer
  appears on the case page without a reload, the counsellor hands back and the bot answers again;
- the migrant leaves an e-mail address and closes the tab; the reply comes by an e-mail without content
  whose link reopens the conversation in another browser;
- "keep this chat on this device": the conversation comes back after the tab was closed;
- the launcher's unread badge; a colleague who claims first is seen on the other counsellor's page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bot import texts
from bot.i18n import translate
from tests.browser.conftest import REPLY_EMAIL_DELAY
from tests.browser.widget import INPUT, LAUNCHER, REPLIES, Widget
from tests.e2e.dashboard import PASSWORD, add_counsellor, cases

pytestmark = pytest.mark.browser

ARABIC_HANDOFF = "أعيش في Magdeburg وأريد التحدث مع موظف بخصوص الإقامة"
GERMAN_HANDOFF = "Ich wohne in Wernigerode und brauche einen Termin bei der Ausländerbehörde"
COUNSELLOR_NAME = "Beraterin der Ausländerbehörde Magdeburg"
HUMAN_BAR = "sa-advisor .human"
COUNSELLOR_MESSAGES = "sa-advisor li.msg.counsellor"
NOTICES = "sa-advisor li.msg.notice"


def consent(page, widget: Widget, lang: str, first_message: str) -> None:
    """Ask for a person (the place is in the message) and press "yes"; wait for the confirmation."""
    widget.ask(first_message)
    yes = widget.last_reply().locator(".choice", has_text=translate(lang, texts.BUTTON_CONSENT_YES))
    before = page.locator(REPLIES).count()
    yes.click()
    expect(page.locator(REPLIES)).not_to_have_count(before, timeout=60_000)
    expect(page.locator("sa-advisor li.msg.bot .contact").last).to_be_visible()
    expect(page.locator("sa-advisor .followup-box")).to_be_visible()


def send_to_person(page, text: str) -> None:
    """Type a message while a counsellor holds the conversation: it is delivered, the bot says nothing."""
    before = page.locator("sa-advisor li.msg.user:not(.pending)").count()
    page.locator(INPUT).fill(text)
    page.locator(INPUT).press("Enter")
    expect(page.locator("sa-advisor li.msg.user:not(.pending)")).to_have_count(before + 1, timeout=30_000)


def log_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/dashboard/login")
    page.get_by_label(translate("de", texts.DASHBOARD_EMAIL)).fill(email)
    page.get_by_label(translate("de", texts.DASHBOARD_PASSWORD)).fill(PASSWORD)
    page.get_by_role("button", name=translate("de", texts.DASHBOARD_LOGIN)).click()
    expect(page.get_by_role("heading", name=translate("de", texts.DASHBOARD_QUEUE))).to_be_visible()


def session_of(widget: Widget) -> str:
    return widget.stored()["session"]["session_id"]


def test_a_live_conversation_in_arabic_between_the_widget_and_the_dashboard(new_page, stack, artifacts):
    add_counsellor(stack, "elbe-live@example.org", ["abh-magdeburg"], "Frau Elbe", public_name=COUNSELLOR_NAME)
    staff = new_page(locale="de-DE")
    log_in(staff, stack.gateway_url, "elbe-live@example.org")  # the queue is open before the case exists

    migrant = new_page(locale="ar-SY")
    widget = Widget(migrant, stack.gateway_url).load().open()
    widget.choose_language("ar")
    consent(migrant, widget, "ar", ARABIC_HANDOFF)
    [case] = cases(stack, session_of(widget))

    # The queue updates itself and counts the new case in the title.
    row = staff.locator(f"tr[data-case='{case.id}']")
    expect(row).to_be_visible(timeout=20_000)
    expect(staff).to_have_title(re.compile(r"^\(\d+\) "))
    row.locator("a").click()
    expect(staff.locator("p.pre[lang=de]")).to_contain_text("Sprache: Arabisch.")
    staff.get_by_role("button", name=translate("de", texts.DASHBOARD_CLAIM)).click()
    expect(staff.locator("#case-mode")).to_have_text(translate("de", texts.DASHBOARD_LIVE))

    # The widget says who answers: a person, named by role, no surname.
    expect(migrant.locator(HUMAN_BAR)).to_have_text(
        translate("ar", texts.WIDGET_TALKING_TO).replace("{name}", COUNSELLOR_NAME), timeout=20_000)
    expect(migrant.locator(NOTICES).last).to_have_text(
        translate("ar", texts.HUMAN_JOINED, name=COUNSELLOR_NAME))

    # A canned reply: German for the counsellor, Arabic for the migrant.
    staff.locator("#reply-canned").select_option("documents-to-bring")
    expect(staff.locator("#reply-preview .de")).to_contain_text("Bitte bringen Sie zum Termin mit")
    staff.locator("#send-reply").click()
    reply = migrant.locator(COUNSELLOR_MESSAGES).last
    expect(reply.locator(".text")).to_contain_text("يُرجى إحضار ما يلي إلى الموعد", timeout=20_000)
    # Its own direction by its language (the canned reply went out in Arabic).
    expect(reply).to_have_attribute("dir", "rtl")
    expect(reply).to_have_attribute("lang", "ar")

    # The migrant answers: no bot reply, and the counsellor's page shows it without a reload.
    bot_replies = migrant.locator(REPLIES).count()
    send_to_person(migrant, "شكرا، متى يمكنني أن آتي؟")
    expect(staff.locator("#conversation li.msg.user").last).to_have_text(
        re.compile("شكرا، متى يمكنني أن آتي؟"), timeout=20_000)
    assert migrant.locator(REPLIES).count() == bot_replies
    migrant.screenshot(path=artifacts / "human-mode-ar.png")
    staff.screenshot(path=artifacts / "case-live-de.png", full_page=True)

    # Back to the bot: the bar goes, a notice says so, and the bot answers again.
    staff.get_by_role("button", name=translate("de", texts.DASHBOARD_HAND_BACK)).click()
    expect(migrant.locator(HUMAN_BAR)).to_be_hidden(timeout=20_000)
    expect(migrant.locator(NOTICES).last).to_have_text(translate("ar", texts.HUMAN_HANDED_BACK))
    widget.ask("كيف أعادل شهادتي الجامعية؟")
    expect(widget.last_reply().locator(".sources summary")).to_be_visible()  # a sourced answer


def test_a_reply_to_a_closed_tab_comes_by_e_mail_and_the_link_reopens_the_conversation(
        new_page, stack, mailbox):
    add_counsellor(stack, "harz@example.org", ["abh-harz"], "Herr Brocken",
                   public_name="Berater der Ausländerbehörde Harz")
    migrant = new_page(locale="de-DE")
    widget = Widget(migrant, stack.gateway_url).load().open()
    consent(migrant, widget, "de", GERMAN_HANDOFF)
    session_id = session_of(widget)
    address = f"person-{session_id[:8]}@example.org"
    migrant.locator("sa-advisor #sa-email").fill(address)
    migrant.locator("sa-advisor #sa-email-consent").check()
    migrant.locator("sa-advisor .notify button[type=submit]").click()
    expect(migrant.locator("sa-advisor .notify-status")).to_have_text(
        translate("de", texts.WIDGET_EMAIL_SAVED).replace("{email}", address))
    migrant.context.close()  # the tab (and the whole browser) is gone

    [case] = cases(stack, session_id)
    staff = new_page(locale="de-DE")
    log_in(staff, stack.gateway_url, "harz@example.org")
    staff.goto(f"{stack.gateway_url}/dashboard/cases/{case.id}")
    staff.get_by_role("button", name=translate("de", texts.DASHBOARD_CLAIM)).click()
    staff.get_by_label(translate("de", texts.DASHBOARD_TEXT), exact=True).first.fill(
        "Guten Tag, Ihr Termin ist am Dienstag um 9 Uhr.")
    staff.locator("#send-reply").click()

    # One e-mail, without anything of the case, after the reply waited unseen.
    deadline = staff.evaluate("Date.now()") + (REPLY_EMAIL_DELAY + 30) * 1000
    while not mailbox.to(address) and staff.evaluate("Date.now()") < deadline:
        staff.wait_for_timeout(250)
    [mail] = mailbox.to(address)
    body = mail.get_payload(decode=True).decode()
    assert "Dienstag" not in body and "Harz" not in body and "Wernigerode" not in body
    link = re.search(r"(http://\S+#sa-resume=\S+)", body).group(1)

    # Another browser (the phone with the e-mail): the link opens the conversation.
    again = new_page(locale="de-DE")
    again.goto(link)
    expect(again.locator("sa-advisor .panel")).to_be_visible(timeout=30_000)
    expect(again.locator(COUNSELLOR_MESSAGES).last.locator(".text")).to_have_text(
        "Guten Tag, Ihr Termin ist am Dienstag um 9 Uhr.")
    expect(again.locator(HUMAN_BAR)).to_contain_text("Berater der Ausländerbehörde Harz")
    expect(again.locator("sa-advisor li.msg.user .text").first).to_have_text(GERMAN_HANDOFF)
    assert "sa-resume" not in again.url  # the key leaves the address bar at once
    send_to_person(again, "Danke, ich komme am Dienstag.")
    staff.reload()
    expect(staff.locator("#conversation")).to_contain_text("Danke, ich komme am Dienstag.")
    assert len(mailbox.to(address)) == 1


def test_a_kept_chat_comes_back_after_the_tab_was_closed_with_an_unread_badge(new_page, stack):
    add_counsellor(stack, "harz2@example.org", ["abh-harz"], "Frau Hexe")
    migrant = new_page(locale="de-DE")
    widget = Widget(migrant, stack.gateway_url).load().open()
    consent(migrant, widget, "de", "Ich lebe in Halberstadt und möchte mit einer Person von der Ausländerbehörde "
                                  "sprechen")
    migrant.locator("sa-advisor .followup-box .keep").click()
    expect(migrant.locator("sa-advisor .followup-box p").first).to_contain_text(
        translate("de", texts.WIDGET_KEPT).replace("{days}", "90"))
    session_id = session_of(widget)
    context = migrant.context
    migrant.close()  # the tab closes; the browser (and its storage) stays

    [case] = cases(stack, session_id)
    staff = new_page(locale="de-DE")
    log_in(staff, stack.gateway_url, "harz2@example.org")
    staff.goto(f"{stack.gateway_url}/dashboard/cases/{case.id}")
    staff.get_by_role("button", name=translate("de", texts.DASHBOARD_CLAIM)).click()
    staff.get_by_label(translate("de", texts.DASHBOARD_TEXT), exact=True).first.fill("Wir rufen Sie morgen an.")
    staff.locator("#send-reply").click()

    back = context.new_page()
    back.problems = []
    back.on("console", lambda m: back.problems.append(m.text) if m.type == "error" else None)
    Widget(back, stack.gateway_url).load()
    badge = back.locator("sa-advisor .launcher .badge")
    expect(badge).to_be_visible(timeout=20_000)
    expect(badge).not_to_have_text("0")
    back.locator(LAUNCHER).click()
    expect(badge).to_be_hidden()
    expect(back.locator(COUNSELLOR_MESSAGES).last.locator(".text")).to_have_text("Wir rufen Sie morgen an.")
    expect(back.locator("sa-advisor li.msg.user .text").first).to_contain_text("Halberstadt")


def test_a_reply_while_the_widget_is_minimised_shows_a_badge(new_page, stack):
    add_counsellor(stack, "harz3@example.org", ["abh-harz"], "Herr Bode")
    migrant = new_page(locale="de-DE")
    widget = Widget(migrant, stack.gateway_url).load().open()
    consent(migrant, widget, "de", "Ich wohne in Quedlinburg und brauche einen Termin bei der Ausländerbehörde")
    migrant.locator("sa-advisor .close").click()
    [case] = cases(stack, session_of(widget))
    staff = new_page(locale="de-DE")
    log_in(staff, stack.gateway_url, "harz3@example.org")
    staff.goto(f"{stack.gateway_url}/dashboard/cases/{case.id}")
    staff.get_by_role("button", name=translate("de", texts.DASHBOARD_CLAIM)).click()
    badge = migrant.locator("sa-advisor .launcher .badge")
    expect(badge).to_have_text("1", timeout=20_000)  # "a counsellor answers you now"
    label = migrant.locator(LAUNCHER).get_attribute("aria-label")
    assert translate("de", texts.WIDGET_UNREAD).replace("{count}", "1") in label


def test_a_colleague_who_claims_first_is_seen_on_the_other_counsellors_page(new_page, stack):
    add_counsellor(stack, "dessau1@example.org", ["abh-dessau-rosslau"], "Frau Mulde")
    add_counsellor(stack, "dessau2@example.org", ["abh-dessau-rosslau"], "Herr Elbe")
    migrant = new_page(locale="de-DE")
    widget = Widget(migrant, stack.gateway_url).load().open()
    consent(migrant, widget, "de", "Ich wohne in Dessau und brauche einen Termin bei der Ausländerbehörde")
    [case] = cases(stack, session_of(widget))
    first, second = new_page(locale="de-DE"), new_page(locale="de-DE")
    for page, email in ((first, "dessau1@example.org"), (second, "dessau2@example.org")):
        log_in(page, stack.gateway_url, email)
        page.goto(f"{stack.gateway_url}/dashboard/cases/{case.id}")
        expect(page.locator("#claim")).to_be_visible()
    first.locator("#claim").click()
    # The other page learns it at once and offers no claim any more.
    expect(second.locator("#case-status")).to_contain_text("Frau Mulde", timeout=20_000)
    expect(second.locator("#claim")).to_have_count(0)
    # A claim sent from a page that had not heard of it yet: refused, and told who has the case.
    second.goto(f"{stack.gateway_url}/dashboard")
    token = second.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = second.request.post(f"{stack.gateway_url}/dashboard/cases/{case.id}/claim",
                                 form={"csrf_token": token}, max_redirects=0)
    assert answer.status == 409
    assert translate("de", texts.DASHBOARD_CLAIMED_BY_SOMEONE, name="Frau Mulde") in answer.text()


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_human_mode_and_the_case_page_have_no_serious_or_critical_accessibility_violation(new_page, stack, lang):
    from axe_playwright_python.sync_playwright import Axe

    email = f"axe-{lang}@example.org"
    add_counsellor(stack, email, ["abh-magdeburg"], "Frau Axe", public_name=COUNSELLOR_NAME)
    # axe-core adds inline styles while it measures; the other tests hold the content policy.
    migrant = new_page(locale={"de": "de-DE", "ar": "ar-SY"}[lang], bypass_csp=True)
    widget = Widget(migrant, stack.gateway_url).load().open()
    widget.choose_language(lang)
    consent(migrant, widget, lang, {"de": "Ich wohne in Magdeburg und brauche einen Termin bei der Ausländerbehörde",
                                    "ar": ARABIC_HANDOFF}[lang])
    [case] = cases(stack, session_of(widget))
    staff = new_page(locale={"de": "de-DE", "ar": "ar-SY"}[lang], bypass_csp=True)
    staff.goto(f"{stack.gateway_url}/dashboard/login")
    staff.get_by_label(translate(lang, texts.DASHBOARD_EMAIL)).fill(email)
    staff.get_by_label(translate(lang, texts.DASHBOARD_PASSWORD)).fill(PASSWORD)
    staff.get_by_role("button", name=translate(lang, texts.DASHBOARD_LOGIN)).click()
    staff.goto(f"{stack.gateway_url}/dashboard/cases/{case.id}")
    staff.get_by_role("button", name=translate(lang, texts.DASHBOARD_CLAIM)).click()
    expect(migrant.locator(HUMAN_BAR)).to_be_visible(timeout=20_000)
    pages = {"widget in human mode": Axe().run(migrant), "case page": Axe().run(staff)}
    serious = [(name, v["id"], [node["target"] for node in v["nodes"]])
               for name, results in pages.items() for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
