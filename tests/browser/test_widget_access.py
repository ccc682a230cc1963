"""The widget for everyone: keyboard only, screen readers (axe), phones, 200 % zoom, reduced motion,
other websites' styles, a launcher that does not wait for the page; screenshots for a person to look at."""

from __future__ import annotations

import gzip

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from api.routes.widget import WIDGET_DIR
from bot import texts
from bot.i18n import translate
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.widget import INPUT, LAUNCHER, PANEL, REPLIES, Widget

pytestmark = pytest.mark.browser

QUESTIONS = {"de": "Wie bekomme ich die Blaue Karte?", "ar": "كيف أعادل شهادتي الجامعية؟"}


def test_a_whole_conversation_works_with_the_keyboard_alone(new_page, stack):
    page = new_page()
    widget = Widget(page, stack.gateway_url).load()
    for _ in range(40):  # Tab through the page until the chat button has the focus
        page.keyboard.press("Tab")
        if widget.focused() == "launcher":
            break
    assert widget.focused() == "launcher"
    outline = page.locator(LAUNCHER).evaluate(
        "el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px"), f"no visible focus: {outline}"

    page.keyboard.press("Enter")
    expect(page.locator(PANEL)).to_be_visible()
    assert widget.focused() == "sa-input"
    page.keyboard.type(QUESTIONS["de"])
    page.keyboard.press("Enter")
    expect(page.locator(REPLIES)).to_have_count(1, timeout=60_000)

    # Back from the text field to the answer's buttons, and choose one with the keyboard.
    talk = translate("de", texts.BUTTON_TALK_TO_PERSON)
    for _ in range(15):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.shadowRoot.activeElement.textContent") == talk:
            break
    page.keyboard.press("Enter")
    expect(page.locator(REPLIES)).not_to_have_count(1, timeout=60_000)  # the handoff has begun
    expect(page.locator("sa-advisor li.msg.user .text").last).to_have_text(talk)
    page.keyboard.press("Escape")
    expect(page.locator(PANEL)).to_be_hidden()
    assert widget.focused() == "launcher"


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_the_open_chat_has_no_serious_or_critical_accessibility_violation(new_page, stack, lang):
    # axe-core itself adds inline styles while it measures; the other tests hold the policy.
    page = new_page(locale={"de": "de-DE", "ar": "ar-SY"}[lang], bypass_csp=True)
    widget = Widget(page, stack.gateway_url).load().open()
    expect(page.locator("sa-advisor .widget")).to_have_attribute("lang", lang)
    widget.ask(QUESTIONS[lang])
    page.locator("sa-advisor li.msg.bot .sources summary").first.click()
    expect(page.locator("sa-advisor li.msg.bot .sources a").first).to_be_visible()

    results = Axe().run(page)

    serious = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious
    print(f"\naxe ({lang}): {results.violations_count} violations of lower impact; "
          f"{len(results.response['passes'])} rules passed")


def test_on_a_phone_the_chat_fills_the_screen_and_nothing_scrolls_sideways(new_page, stack):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    widget = Widget(page, stack.gateway_url).load()
    launcher = page.locator(LAUNCHER).bounding_box()
    assert launcher["x"] >= 0 and launcher["x"] + launcher["width"] <= PHONE["width"]
    widget.open()
    widget.ask(QUESTIONS["de"])
    _assert_fills_viewport(page, PHONE)


def test_at_200_percent_zoom_everything_stays_reachable(new_page, stack):
    # 200 % zoom of a 1280×800 window is a 640×400 CSS viewport at twice the pixel density.
    zoomed = {"width": 640, "height": 400}
    page = new_page(viewport=zoomed, device_scale_factor=2)
    widget = Widget(page, stack.gateway_url).load().open()
    widget.ask(QUESTIONS["de"])
    _assert_fills_viewport(page, zoomed)


def _assert_fills_viewport(page, viewport):
    box = page.locator(PANEL).bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, viewport["width"], viewport["height"])
    for part in (INPUT, "sa-advisor .composer .primary", "sa-advisor .close"):
        part_box = page.locator(part).bounding_box()
        assert part_box["x"] >= 0 and part_box["x"] + part_box["width"] <= viewport["width"], part
        assert part_box["y"] >= 0 and part_box["y"] + part_box["height"] <= viewport["height"], part
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]


def test_reduced_motion_stops_the_typing_animation(new_page, stack):
    page = new_page(reduced_motion="reduce")
    Widget(page, stack.gateway_url).load().open()
    animation = page.locator("sa-advisor .dots i").first.evaluate("el => getComputedStyle(el).animationName")
    assert animation == "none"


def test_the_language_picker_names_languages_in_themselves_and_the_page_can_switch_it(new_page, stack):
    page = new_page()
    widget = Widget(page, stack.gateway_url).load().open()
    options = page.locator("sa-advisor #sa-lang option")
    expect(options).to_have_count(10)
    assert {"Deutsch", "العربية", "Українська", "Tiếng Việt"} <= set(options.all_inner_texts())
    page.evaluate("window.SAAdvisor.setLanguage('uk')")
    expect(page.locator("sa-advisor #sa-title")).to_have_text(translate("uk", texts.WIDGET_TITLE))
    expect(page.locator("sa-advisor #sa-lang")).to_have_value("uk")
    page.evaluate("window.SAAdvisor.close()")
    expect(page.locator(PANEL)).to_be_hidden()
    assert widget.stored()["lang"] == "uk"


def test_loading_the_script_twice_changes_nothing(new_page, stack):
    page = new_page()
    Widget(page, stack.gateway_url).load()
    first_api = page.evaluate("window.SAAdvisor === Object.freeze(window.SAAdvisor)")
    page.add_script_tag(url="/widget.js")
    page.wait_for_timeout(300)
    assert page.locator("sa-advisor").count() == 1 and first_api
    assert page.evaluate("Object.keys(window.SAAdvisor).sort().join(',')") == "close,open,setLanguage"
    page.evaluate("window.SAAdvisor.open()")
    expect(page.locator(PANEL)).to_be_visible()


def test_on_another_website_the_widget_keeps_its_look_and_talks_only_to_its_gateway(
        new_page, stack, other_site):
    page = new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(other_site)
    launcher = page.locator(LAUNCHER)
    expect(launcher).to_be_visible()
    style = launcher.evaluate("el => [getComputedStyle(el).fontSize, getComputedStyle(el).backgroundColor]")
    assert style == ["16px", "rgb(11, 79, 138)"], style  # the page's !important rules did not get in
    Widget(page, stack.gateway_url).open().ask(QUESTIONS["de"])  # cross-origin, allowed by CORS
    api_calls = [url for url in requests if "/api/" in url]
    assert api_calls and all(url.startswith(stack.gateway_url + "/api/v1/") for url in api_calls), api_calls


#: A host page whose picture does not arrive until the test lets it: the page's `load` waits for it.
SLOW_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>A slow district website</title>
<script src="/widget.js" data-lang="de" defer></script></head>
<body><h1>Landkreis</h1><img src="/held-back-picture.png" alt="Rathaus"></body></html>"""


def test_the_launcher_appears_before_the_page_has_loaded_and_the_script_is_small(new_page, stack):
    """The chat button does not wait for the host page's other resources. How fast it paints is a
    figure printed by benchmarks/widget_paint.py, not asserted here."""
    page = new_page()
    held = []
    page.route(f"{stack.gateway_url}/slow-district-page",
               lambda route: route.fulfill(status=200, content_type="text/html", body=SLOW_PAGE))
    page.route("**/held-back-picture.png", lambda route: held.append(route))  # answered after the launcher shows
    page.goto(f"{stack.gateway_url}/slow-district-page", wait_until="domcontentloaded")

    expect(page.locator(LAUNCHER)).to_be_visible()
    assert held, "the page's picture was never requested"
    assert page.evaluate("document.readyState") != "complete"  # the page itself is still loading
    held[0].fulfill(status=404)
    Widget(page, stack.gateway_url).wait_for("document.readyState === 'complete'")

    script = len(gzip.compress((WIDGET_DIR / "widget.js").read_bytes(), 9))
    assert script < 50_000, f"widget.js is {script} bytes gzipped"


@pytest.mark.parametrize("lang", ["de", "ar"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_screenshots_of_the_demo_page(new_page, stack, artifacts, lang, device):
    viewport = PHONE if device == "phone" else DESKTOP
    locale = {"de": "de-DE", "ar": "ar-SY"}[lang]
    page = new_page(viewport=viewport, locale=locale, is_mobile=device == "phone")
    widget = Widget(page, stack.gateway_url).load()
    page.screenshot(path=artifacts / f"demo-{lang}-{device}-closed.png")
    widget.open()
    expect(page.locator("sa-advisor .widget")).to_have_attribute("lang", lang)
    widget.ask(QUESTIONS[lang])
    page.screenshot(path=artifacts / f"demo-{lang}-{device}-open.png")
    box = page.locator(PANEL).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
