"""Driving the widget in a page the way a visitor does: click, pick, type, read."""

from __future__ import annotations

import json
import time

from playwright.sync_api import Page, expect

#: Playwright's CSS locators pierce open shadow roots, so these reach into the widget.
LAUNCHER = "sa-advisor .launcher"
PANEL = "sa-advisor .panel"
INPUT = "sa-advisor #sa-input"
REPLIES = "sa-advisor li.msg.bot"
USER_MESSAGES = "sa-advisor li.msg.user:not(.pending)"
#: The visible text of the visitor's messages (without the sender name kept for screen readers).
USER_TEXTS = USER_MESSAGES + " .text"
STORE_PREFIX = "sa-advisor:"


class Widget:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url

    def load(self, path: str = "/") -> Widget:
        self.page.goto(self.base_url + path)
        expect(self.page.locator(LAUNCHER)).to_be_visible()
        return self

    def open(self) -> Widget:
        self.page.locator(LAUNCHER).click()
        expect(self.page.locator(PANEL)).to_be_visible()
        return self

    def choose_language(self, code: str) -> None:
        self.page.locator("sa-advisor #sa-lang").select_option(code)
        expect(self.page.locator("sa-advisor .widget")).to_have_attribute("lang", code)

    def ask(self, text: str) -> None:
        """Send ``text`` and wait until the assistant's answer to it is shown."""
        before = self.page.locator(REPLIES).count()
        self.page.locator(INPUT).fill(text)
        self.page.locator(INPUT).press("Enter")
        expect(self.page.locator(REPLIES)).not_to_have_count(before, timeout=60_000)

    def wait_for(self, script: str, timeout: float = 10.0):
        """Poll ``script`` until it is truthy (wait_for_function would need 'unsafe-eval')."""
        deadline = time.monotonic() + timeout
        while not (value := self.page.evaluate(script)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false after {timeout} s: {script}")
            time.sleep(0.05)
        return value

    def last_reply(self):
        return self.page.locator(REPLIES).last

    def stored(self) -> dict:
        """The widget's sessionStorage record (conversation, session, language)."""
        raw = self.page.evaluate(
            """prefix => { for (let i = 0; i < sessionStorage.length; i++) {
                 const key = sessionStorage.key(i);
                 if (key.startsWith(prefix) && !key.includes(':texts:')) return sessionStorage.getItem(key);
               } return null; }""",
            STORE_PREFIX,
        )
        return json.loads(raw) if raw else {}

    def focused(self) -> str:
        """A short description of the element that has the keyboard focus inside the widget."""
        return self.page.evaluate(
            """() => { const host = document.activeElement;
                 if (!host || host.tagName !== 'SA-ADVISOR') return 'page:' + (host ? host.tagName : '');
                 const el = host.shadowRoot.activeElement;
                 return el ? (el.id || el.className || el.tagName) : 'none'; }"""
        )
