"""A staff member's edit reaching the running bot: saved, live without a restart; broken, the old version
keeps answering and the error is named on the staff page and in the log; fixed, live again.

Its own stack: a copy of knowledge/ and of the current index build, so the edit touches nothing shared.
The real engine, action server (with its live reload) and gateway, the real embedding model.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import httpx
import pytest

from api.auth import hash_password
from api.models import Counsellor
from bot.settings import PROJECT_ROOT, load_settings
from bot.supervisor import Stack, free_port
from bot.training import model_path
from tests.e2e.dashboard import PASSWORD, app_db, csrf_of

ARTICLE = "residence-blue-card"
GERMAN_FILE = Path("articles/residence") / f"{ARTICLE}.de.md"
DETAIL = "/more_detail" + json.dumps({"article_id": ARTICLE})
#: Generous: the first check of a cold process reads every article and the glossary.
RELOAD_TIMEOUT = 300.0


@pytest.fixture(scope="module")
def live_stack(tmp_path_factory):
    settings = load_settings()
    # ADVISOR_TEST_MODEL pins another trained model, as in tests/e2e/conftest.py.
    model = Path(os.environ.get("ADVISOR_TEST_MODEL") or model_path(settings.var_dir))
    current = settings.index_dir / "current"
    for needed in (model, settings.model_dir, current):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run `make setup` (make test does it)")
    root = tmp_path_factory.mktemp("live-edits")
    knowledge = root / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    var_dir = root / "var"
    (var_dir / "index").mkdir(parents=True)
    (var_dir / "models").symlink_to(settings.var_dir / "models")
    build = current.resolve()
    shutil.copytree(build, var_dir / "index" / build.name)
    (var_dir / "index" / "current").symlink_to(build.name)
    stack = Stack(var_dir=var_dir, model=model, engine_port=free_port(), actions_port=free_port(),
                  gateway_port=free_port(),
                  extra_env={"ADVISOR_KNOWLEDGE_DIR": str(knowledge), "ADVISOR_RATE_LIMIT_PER_MINUTE": "1000"})
    stack.start()
    try:
        stack.wait_ready(timeout=300)
        stack.knowledge = knowledge
        yield stack
    finally:
        stack.stop()


def whole_article(http: httpx.Client, session: dict) -> str:
    reply = http.post("/api/v1/chat", json={"session_id": session["session_id"], "text": DETAIL},
                      headers={"Authorization": f"Bearer {session['token']}"})
    assert reply.status_code == 200, reply.text
    return "\n".join(m["text"] for m in reply.json()["messages"])


def wait_for(condition, what: str, timeout: float = RELOAD_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(1.0)
    pytest.fail(f"not seen within {timeout:.0f} s: {what}")


def staff_page(stack) -> httpx.Client:
    with app_db(stack) as db:
        db.add(Counsellor(email="redaktion@example.org", name="Redaktion", role="staff", active=True,
                          password_hash=hash_password(PASSWORD), failed_logins=0, offices=[]))
        db.commit()
    http = httpx.Client(base_url=stack.gateway_url, timeout=60)
    page = http.get("/dashboard/login")
    reply = http.post("/dashboard/login", data={"email": "redaktion@example.org", "password": PASSWORD,
                                                 "csrf_token": csrf_of(page.text)})
    assert reply.status_code in (200, 303)
    return http


def test_an_edit_goes_live_a_broken_one_keeps_the_old_answer_and_says_why_and_the_fix_goes_live(live_stack):
    path = live_stack.knowledge / GERMAN_FILE
    original = path.read_text(encoding="utf-8")
    heading = re.search(r"^## .*$", original, re.MULTILINE)
    reviewed = re.search(r"^last_reviewed: .*$", original, re.MULTILINE)
    first_marker = "Neu: Die Ausländerbehörde prüft Anträge auf die Karte auch per Videotermin (Prüfmarke Elbfähre)."
    second_marker = "Neu: Termine gibt es auch samstags (Prüfmarke Domplatz)."

    def edited(marker: str, reviewed_line: str) -> str:
        text = original[: heading.end()] + "\n" + marker + original[heading.end():]
        return text.replace(reviewed.group(0), reviewed_line)

    http = httpx.Client(base_url=live_stack.gateway_url, timeout=60)
    session = http.post("/api/v1/sessions", json={"lang": "de"}).json()
    assert "Prüfmarke" not in whole_article(http, session)
    staff = staff_page(live_stack)

    # 1. Saved: the running bot answers from the new text, no restart.
    path.write_text(edited(first_marker, reviewed.group(0)), encoding="utf-8")
    wait_for(lambda: "Prüfmarke Elbfähre" in whole_article(http, session), "the edited article in the answer")
    page = staff.get("/dashboard/staff/knowledge").text
    assert "Live: die Änderung vom" in page
    # The German text changed: its translations are reported out of date (by content).
    assert "changed since the translations" in page and ARTICLE in page

    # 2. Broken (a date staff wrote in words): the old version keeps answering, the error is named.
    path.write_text(edited(second_marker, "last_reviewed: im Dezember"), encoding="utf-8")
    def rejected():
        page = staff.get("/dashboard/staff/knowledge").text
        return page if "Nicht übernommen" in page else None

    page = wait_for(rejected, "the rejected edit on the staff page")
    assert f"{GERMAN_FILE.as_posix()}" in page and "last_reviewed" in page
    answer = whole_article(http, session)
    assert "Prüfmarke Elbfähre" in answer and "Prüfmarke Domplatz" not in answer
    log = (live_stack.log_dir / "actions.log").read_text(errors="replace")
    assert "knowledge edit NOT live" in log and GERMAN_FILE.as_posix() in log

    # 3. Fixed: live again.
    path.write_text(edited(second_marker, reviewed.group(0)), encoding="utf-8")
    wait_for(lambda: "Prüfmarke Domplatz" in whole_article(http, session), "the fixed article in the answer")
    assert "Live: die Änderung vom" in staff.get("/dashboard/staff/knowledge").text
