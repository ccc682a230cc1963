"""What the widget makes of an answer and how it sits on a phone: Markdown from an allow-list (never raw
HTML), tappable addresses, one "Sources (n)" toggle, the disclaimer once; German terms in Arabic in their
own order; the start with topics and example questions; a phone with the keyboard open; the full-screen
dialog's focus; screenshots of these states in results/screenshots/."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect

from bot import texts
from bot.i18n import translate
from bot.settings import PROJECT_ROOT
from tests.browser.widget import INPUT, LAUNCHER, PANEL, REPLIES, Widget

pytestmark = pytest.mark.browser

SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"

MARKDOWN = """## Gehaltsgrenze
Die **Blaue Karte EU** setzt ein Gehalt voraus:
- Regelfall: **50.700 €** im Jahr
- Engpassberufe: weniger
  - zum Beispiel Ärztinnen und Ärzte
1. Antrag stellen
2. Termin abwarten

Mehr bei [Make it in Germany](https://www.make-it-in-germany.com/) und www.bamf.de.
Rufen Sie an: +49 391 567-0 oder schreiben Sie an info@example.org.
<img src=x onerror=alert(1)> [böse](javascript:alert(2)) <b>fett?</b>

| Jahr | Grenze |
|---|---|
| 2026 | 50.700 € |"""

SOURCES = [
    {"id": "a", "title": "Ein Blog über Visa", "url": "https://blog.example.com/visa", "secondary": True},
    {"id": "a", "title": "Gesetze im Internet – § 18g AufenthG", "url": "https://www.gesetze-im-internet.de/"},
    {"id": "a", "title": "BAMF – Blaue Karte", "url": "https://www.bamf.de/"},
]

ARABIC = "يجب أن توافق الوكالة الاتحادية للعمل (§ 18g AufenthG) على العمل، والرمز البريدي 39104 مهم."


def answer(markdown: str, lang: str = "de", title: str = "Blaue Karte EU") -> dict:
    return {"title": title, "markdown": markdown, "lang": lang, "note": None,
            "reviewed": translate(lang, texts.LAST_REVIEWED, date="1.12.2026"),
            "disclaimer": translate(lang, texts.DISCLAIMER)}


def seed(page, items, lang="de", dir="ltr", open_=True) -> None:
    """Put a conversation into the widget's tab storage and reload: rendering only, no engine turn."""
    page.evaluate("""([items, lang, dir, open]) => {
        const key = 'sa-advisor:' + location.origin + '/';
        sessionStorage.setItem(key, JSON.stringify({session: null, lang, dir, chosen: true, open,
            cursor: null, listening: false, items})); }""", [items, lang, dir, open_])
    page.reload()
    expect(page.locator("sa-advisor li.msg").first).to_be_attached()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def test_an_answers_markdown_is_rendered_from_an_allow_list_and_no_raw_html_reaches_the_page(new_page, stack):
    page = new_page()
    Widget(page, stack.gateway_url).load()
    bot = {"kind": "bot", "lang": "de", "dir": "ltr", "text": "plain", "buttons": [], "sources": SOURCES,
           "answer": answer(MARKDOWN)}
    seed(page, [{"kind": "user", "text": "Blaue Karte?"}, bot, {"kind": "user", "text": "Und?"},
                {**bot, "sources": SOURCES[1:2]}])
    first = page.locator(REPLIES).first
    expect(first.locator("h4.answer-title")).to_have_text("Blaue Karte EU")
    expect(first.locator("h5")).to_have_text("Gehaltsgrenze")
    expect(first.locator(".text > ul > li > strong")).to_have_text("50.700 €")
    expect(first.locator(".text > ul > li > ul > li")).to_have_text("zum Beispiel Ärztinnen und Ärzte")
    expect(first.locator(".text > ol > li")).to_have_count(2)
    expect(first.locator("table th").first).to_have_text("Jahr")
    expect(first.locator("table td").last).to_have_text("50.700 €")
    # Links: web pages in a new tab with a visible sign, phone and e-mail tappable, nothing else.
    web = first.locator(".text a[href='https://www.make-it-in-germany.com/']")
    expect(web).to_have_attribute("target", "_blank")
    expect(web).to_have_attribute("rel", "noopener noreferrer")
    expect(web.locator(".ext")).to_be_visible()
    expect(web.locator(".vh")).to_have_text(" " + translate("de", texts.WIDGET_NEW_WINDOW))
    expect(first.locator(".text a[href='https://www.bamf.de/']")).to_have_count(1)
    expect(first.locator(".text a[href='tel:+493915670']")).to_have_text("+49 391 567-0")
    expect(first.locator(".text a[href='mailto:info@example.org']")).to_have_count(1)
    hrefs = page.locator("sa-advisor a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(("https://", "http://", "tel:", "mailto:")) for h in hrefs), hrefs
    # What looked like HTML is text.
    assert page.locator("sa-advisor img, sa-advisor b, sa-advisor [onerror]").count() == 0
    expect(first.locator(".text")).to_contain_text("<img src=x onerror=alert(1)>")
    expect(first.locator(".text")).to_contain_text("<b>fett?</b>")
    # One toggle for the sources, closed; official sources first, the other marked.
    toggle = first.locator(".sources summary")
    expect(toggle).to_have_text(translate("de", texts.WIDGET_SOURCES_COUNT, count=3))
    expect(first.locator(".sources a").first).to_be_hidden()
    toggle.click()
    expect(first.locator(".sources li")).to_have_count(3)
    expect(first.locator(".sources li").first).to_contain_text("Gesetze im Internet")
    expect(first.locator(".sources li").last).to_contain_text(translate("de", texts.WIDGET_SOURCE_SECONDARY))
    # The disclaimer once per conversation; the review date with every answer.
    expect(page.locator("sa-advisor .disclaimer")).to_have_count(1)
    expect(page.locator("sa-advisor .disclaimer")).to_have_text(translate("de", texts.DISCLAIMER))
    expect(page.locator("sa-advisor .reviewed")).to_have_count(2)
    shot(page, "answer-de-desktop")
    page.wait_for_timeout(200)
    assert page.dialogs == []


def test_a_real_answer_comes_rendered_with_its_review_date_and_collapsed_sources(new_page, stack):
    page = new_page()
    widget = Widget(page, stack.gateway_url).load().open()
    widget.ask("Wie bekomme ich die Blaue Karte?")
    reply = widget.last_reply()
    expect(reply.locator("h4.answer-title")).to_be_visible()
    expect(reply.locator(".reviewed")).to_contain_text(translate("de", texts.LAST_REVIEWED, date="").strip())
    expect(reply.locator(".disclaimer")).to_have_count(1)
    expect(reply.locator(".sources summary")).to_contain_text(translate("de", texts.WIDGET_SOURCES))
    assert "**" not in reply.locator(".text").inner_text()


def _char_x(page, selector: str, needle: str) -> list:
    """The x position on screen of each character of ``needle`` inside the element ``selector``."""
    return page.evaluate("""([selector, needle]) => {
        const host = document.querySelector('sa-advisor').shadowRoot;
        const root = host.querySelector(selector);
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        let text = '', nodes = [];
        while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
        const start = text.indexOf(needle);
        if (start < 0) return null;
        const xs = [];
        for (let i = start; i < start + needle.length; i++) {
          const [node, offset] = nodes.filter(([n, o]) => o <= i).pop();
          const range = document.createRange();
          range.setStart(node, i - offset); range.setEnd(node, i - offset + 1);
          const box = range.getBoundingClientRect();
          xs.push(box.width ? box.left : null);
        }
        return xs; }""", [selector, needle])


def _reads_left_to_right(xs: list) -> bool:
    points = [x for x in xs if x is not None]
    return len(points) >= 3 and all(a < b for a, b in itertools.pairwise(points))


def test_german_references_postcodes_and_buttons_keep_their_order_inside_arabic_text(new_page, stack):
    page = new_page(locale="ar-SY")
    Widget(page, stack.gateway_url).load()
    bot = {"kind": "bot", "lang": "ar", "dir": "rtl", "text": ARABIC, "sources": [],
           "buttons": [{"title": "تصريح الإقامة (§ 18a AufenthG)", "payload": "/x"}]}
    german = {"kind": "bot", "lang": "de", "dir": "ltr", "text": "Bitte bringen Sie Ihren Pass mit.",
              "buttons": [], "sources": []}
    seed(page, [{"kind": "user", "text": "ما هو § 18g AufenthG؟"}, bot, german], lang="ar", dir="rtl")
    arabic = page.locator(REPLIES).nth(0)
    expect(arabic).to_have_attribute("dir", "rtl")
    expect(arabic.locator("bdi", has_text="§ 18g AufenthG")).to_have_attribute("dir", "ltr")
    # Read on the screen: "§" left of "18g", left of "AufenthG" (the bug showed "18g AufenthG §").
    xs = _char_x(page, "li.msg.bot", "§ 18g AufenthG")
    assert xs and _reads_left_to_right([xs[0], xs[2], xs[5], xs[7], xs[-1]]), xs
    assert _reads_left_to_right(_char_x(page, "li.msg.bot", "39104"))
    button = _char_x(page, "li.msg.bot .choice", "§ 18a AufenthG")
    assert button and _reads_left_to_right([button[0], button[2], button[6], button[-1]]), button
    # The person's Arabic message and a German message each take their own direction.
    expect(page.locator("sa-advisor li.msg.user")).to_have_attribute("dir", "rtl")
    expect(page.locator(REPLIES).nth(1)).to_have_attribute("dir", "ltr")
    expect(page.locator(REPLIES).nth(1)).to_have_attribute("lang", "de")
    user = _char_x(page, "li.msg.user", "§ 18g AufenthG")
    assert user and _reads_left_to_right([user[0], user[2], user[-1]]), user
    shot(page, "bidi-ar-desktop")


def test_the_opened_widget_greets_in_the_browsers_language_with_topics_examples_and_a_privacy_link(
        new_page, stack):
    page = new_page(locale="vi-VN")
    Widget(page, stack.gateway_url).load().open()
    expect(page.locator("sa-advisor .widget")).to_have_attribute("lang", "vi")
    expect(page.locator("sa-advisor .greeting")).to_have_text(translate("vi", texts.GREET))
    topics = page.locator("sa-advisor .starters .choice")
    expect(topics).to_have_count(7)
    titles = topics.all_inner_texts()
    assert titles[:4] == [translate("vi", t) for t, _ in texts.TOPIC_BUTTONS]
    assert titles[4] == translate("vi", texts.WIDGET_EXAMPLE_RECOGNITION)
    privacy = page.locator("sa-advisor .privacy")
    expect(privacy).to_contain_text(translate("vi", texts.WIDGET_PRIVACY_SHORT, days=30))
    link = privacy.locator("a")
    expect(link).to_have_attribute("href", f"{stack.gateway_url}/privacy?lang=vi")
    expect(link).to_have_attribute("target", "_blank")
    shot(page, "start-vi-desktop")
    # An example question is asked as if typed; the start makes room for the conversation.
    before = page.locator(REPLIES).count()
    topics.nth(4).click()
    expect(page.locator(REPLIES)).not_to_have_count(before, timeout=60_000)
    expect(page.locator("sa-advisor li.msg.user .text")).to_have_text([titles[4]])
    expect(page.locator("sa-advisor .starters")).to_be_hidden()
    full = new_page(locale="vi-VN")
    full.goto(f"{stack.gateway_url}/privacy?lang=vi")
    expect(full.locator("h1")).to_have_text(translate("vi", texts.WIDGET_PRIVACY_LINK))


@pytest.mark.parametrize("phone", [{"width": 390, "height": 844}, {"width": 320, "height": 568}],
                         ids=["390x844", "320x568"])
def test_on_a_phone_with_the_keyboard_open_most_of_the_panel_is_conversation(new_page, stack, phone):
    page = new_page(viewport=phone, is_mobile=True, has_touch=True)
    widget = Widget(page, stack.gateway_url).load()
    launcher = page.locator(LAUNCHER).bounding_box()
    # A round button in the corner, not a banner across the page.
    assert launcher["width"] == launcher["height"] <= 64, launcher
    assert phone["width"] - (launcher["x"] + launcher["width"]) <= 16
    assert phone["height"] - (launcher["y"] + launcher["height"]) <= 16
    # Scrolled to the end, the page's last line stays readable beside the button.
    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    footer = page.locator(".site-footer p").bounding_box()
    launcher = page.locator(LAUNCHER).bounding_box()
    assert footer["y"] + footer["height"] <= launcher["y"] or footer["x"] + footer["width"] <= launcher["x"], \
        (footer, launcher)
    shot(page, f"phone-{phone['width']}x{phone['height']}-closed")
    widget.open()
    seed(page, [{"kind": "user", "text": "Wie bekomme ich die Blaue Karte?"},
                {"kind": "bot", "lang": "de", "dir": "ltr", "text": "", "sources": SOURCES, "answer": answer(MARKDOWN),
                 "buttons": [{"title": translate("de", texts.BUTTON_TALK_TO_PERSON), "payload": "/request_human"}]}])
    # The on-screen keyboard takes about 40 % of the height: the visible part of the window shrinks.
    keyboard_open = {"width": phone["width"], "height": round(phone["height"] * 0.58)}
    page.set_viewport_size(keyboard_open)
    page.locator(INPUT).focus()
    page.wait_for_timeout(300)
    panel = page.locator(PANEL).bounding_box()
    scroll = page.locator("sa-advisor .scroll").bounding_box()
    composer = page.locator("sa-advisor .composer").bounding_box()
    head = page.locator("sa-advisor .head").bounding_box()
    share = scroll["height"] / panel["height"]
    print(f"\n{phone['width']}x{phone['height']}, keyboard open ({keyboard_open['height']} px visible): "
          f"conversation {share:.0%} of the panel, header {head['height']:.0f} px")
    assert panel["height"] == pytest.approx(keyboard_open["height"], abs=1)
    assert composer["y"] + composer["height"] <= keyboard_open["height"] + 1  # the text field stays visible
    assert share >= 0.6
    assert head["height"] <= 48
    shot(page, f"phone-{phone['width']}x{phone['height']}-keyboard-open")
    page.set_viewport_size(phone)
    page.wait_for_timeout(200)
    page.locator("sa-advisor .sources summary").last.click()
    small = page.evaluate("""() => {
        const root = document.querySelector('sa-advisor').shadowRoot;
        return [...root.querySelectorAll('.panel button, .panel select, .panel summary, .panel textarea')]
          .filter(el => el.getClientRects().length)
          .map(el => { const r = el.getBoundingClientRect();
                       return [el.className || el.tagName, Math.round(r.width), Math.round(r.height)]; })
          .filter(([, w, h]) => w < 44 || h < 44); }""")
    assert small == [], small  # every touch target at least 44 × 44 px
    shot(page, f"phone-{phone['width']}x{phone['height']}-conversation")


def test_the_full_screen_dialog_keeps_the_focus_and_gives_it_back_to_the_launcher(new_page, stack):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    widget = Widget(page, stack.gateway_url).load()
    page.locator(LAUNCHER).focus()
    page.keyboard.press("Enter")
    expect(page.locator(PANEL)).to_have_attribute("aria-modal", "true")
    seen = set()
    for key in ["Tab"] * 25 + ["Shift+Tab"] * 25:
        page.keyboard.press(key)
        where = widget.focused()
        assert not where.startswith("page:"), f"{key} left the dialog: {where}"
        seen.add(where)
    assert {"sa-input", "sa-lang"} <= seen, seen
    page.keyboard.press("Escape")
    expect(page.locator(PANEL)).to_be_hidden()
    assert widget.focused() == "launcher"
    # On a desktop the panel is no dialog over the page: Tab may leave it.
    desktop = new_page()
    Widget(desktop, stack.gateway_url).load().open()
    expect(desktop.locator(PANEL)).not_to_have_attribute("aria-modal", "true")


SCREENSHOT_QUESTIONS = {"de": "Wie bekomme ich die Blaue Karte?", "ar": "كيف أعادل شهادتي الجامعية؟",
                        "vi": "Làm thế nào để bằng đại học của tôi được công nhận ở Đức?"}


@pytest.mark.parametrize("lang", ["de", "ar", "vi"])
def test_screenshots_of_a_real_answer_on_a_phone_and_a_desktop(new_page, stack, lang):
    """For a person to look at: results/screenshots/answer-<lang>-<device>.png."""
    locale = {"de": "de-DE", "ar": "ar-SY", "vi": "vi-VN"}[lang]
    for device, viewport in (("phone", {"width": 390, "height": 844}), ("desktop", {"width": 1280, "height": 800})):
        page = new_page(viewport=viewport, locale=locale, is_mobile=device == "phone", has_touch=device == "phone")
        widget = Widget(page, stack.gateway_url).load()
        if device == "phone":
            shot(page, f"start-{lang}-phone-closed")
        widget.open()
        expect(page.locator("sa-advisor .widget")).to_have_attribute("lang", lang)
        shot(page, f"start-{lang}-{device}")
        widget.ask(SCREENSHOT_QUESTIONS[lang])
        reply = widget.last_reply()
        expect(reply).to_have_attribute("lang", lang)
        reply.locator(".sources summary").first.click()
        shot(page, f"answer-{lang}-{device}")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]


def test_keyboard_only_an_example_question_then_the_sources_toggle(new_page, stack):
    page = new_page()
    widget = Widget(page, stack.gateway_url).load()
    page.locator(LAUNCHER).focus()
    page.keyboard.press("Enter")
    assert widget.focused() == "sa-input"
    example = translate("de", texts.WIDGET_EXAMPLE_RESIDENCE)
    for _ in range(20):  # back from the text field to the example questions
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.shadowRoot.activeElement.textContent") == example:
            break
    before = page.locator(REPLIES).count()
    page.keyboard.press("Enter")
    expect(page.locator(REPLIES)).not_to_have_count(before, timeout=60_000)
    summary = widget.last_reply().locator(".sources summary")
    expect(summary).to_be_visible()
    page.locator(INPUT).focus()
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if widget.focused() == "SUMMARY":
            break
    assert widget.focused() == "SUMMARY"
    page.keyboard.press("Enter")
    expect(widget.last_reply().locator(".sources a").first).to_be_visible()
