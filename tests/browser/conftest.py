"""The widget in Debian's Chromium, driven by Playwright, against the real engine, actions and gateway.

The stack is the end-to-end one (tests.e2e.conftest), started once per session. It inherits this
process's environment, so the session switches on what the browser tests need before it
starts: the development-only publish route, one extra allowed origin (a second local "website"
that embeds the widget from the gateway's origin), and e-mail through a real local SMTP server
(aiosmtpd) whose messages the tests read.
"""

from __future__ import annotations

import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.settings import PROJECT_ROOT
from bot.supervisor import free_port
from tests.e2e.conftest import stack  # noqa: F401  (the fixture itself)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

#: A hostile host page: its styles try to reach every element; the widget must not care.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another website</title>
<style>
  * {{ color: #ff00ff !important; font-size: 40px !important; font-family: serif !important; }}
  button {{ background: #00ff00 !important; display: inline !important; }}
</style>
<script src="{gateway}/widget.js" data-lang="de" defer></script>
</head><body><h1>A counselling service's own website</h1></body></html>
"""


@pytest.fixture(scope="session")
def other_site_port():
    return free_port()


class Mailbox:
    """A real SMTP server on localhost; ``messages`` holds what arrived (email.message.Message)."""

    def __init__(self):
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Message

        self.messages = []
        mailbox = self

        class Keep(Message):
            def handle_message(self, message):
                mailbox.messages.append(message)

        self.port = free_port()
        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture(scope="session")
def mailbox():
    box = Mailbox()
    yield box
    box.stop()


#: Seconds a counsellor's reply may wait unseen before the e-mail goes (short, for the tests).
REPLY_EMAIL_DELAY = 2


@pytest.fixture(scope="session", autouse=True)
def browser_test_environment(other_site_port, mailbox):
    """Environment for the stack: the dev publish route, the second website's origin, e-mail."""
    wanted = {
        "ADVISOR_DEV_ROUTES": "1",
        "ADVISOR_ALLOWED_ORIGINS": f"http://127.0.0.1:{other_site_port}",
        "ADVISOR_SMTP_HOST": "127.0.0.1",
        "ADVISOR_SMTP_PORT": str(mailbox.port),
        "ADVISOR_SMTP_SECURITY": "none",
        "ADVISOR_MAIL_FROM": "chat@example.org",
        "ADVISOR_REPLY_EMAIL_DELAY_SECONDS": str(REPLY_EMAIL_DELAY),
    }
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def other_site(stack, other_site_port):  # noqa: F811
    """URL of a page on another origin that embeds the widget from the gateway."""
    page = HOST_PAGE.format(gateway=stack.gateway_url).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", other_site_port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{other_site_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def new_page(browser, stack):  # noqa: F811
    """new_page(viewport=DESKTOP, locale="de-DE", **context_options) → a page in a fresh context.

    Every page records its console errors, page errors and dialogs, and the test fails on a
    Content-Security-Policy violation.
    """
    contexts = []

    def make(viewport=DESKTOP, locale="de-DE", **options):
        context = browser.new_context(viewport=viewport, locale=locale, **options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.dialogs = []
        page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: page.problems.append(str(error)))

        def on_dialog(dialog):
            page.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page

    yield make
    for context in contexts:
        pages = list(context.pages)
        context.close()
        for page in pages:
            violations = [p for p in page.problems if "Content Security Policy" in p]
            assert not violations, violations


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
