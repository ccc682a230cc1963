"""The real action server (real model, real index) answers Rasa's action calls.

The index is built for this module by the real build from a copy of the knowledge folder that
lacks one translation (the machine's embedding cache, filled by `make index`, makes that quick),
so the note for a missing translation is always tested.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time

import httpx
import pytest

from bot import texts
from bot.i18n import translate
from bot.settings import PROJECT_ROOT, load_settings
from bot.supervisor import free_port

pytestmark = pytest.mark.integration

#: The shared secret the engine would send (endpoints.yml); random for this run.
TOKEN = secrets.token_urlsafe(32)
AUTH = {"Authorization": f"Bearer {TOKEN}"}


#: (topic folder, article id, language) of the translation the test data leaves out.
DROPPED = ("residence", "residence-blue-card", "vi")


@pytest.fixture(scope="module")
def test_data(tmp_path_factory) -> dict:
    """The environment of a var folder whose index was built from the knowledge minus DROPPED."""
    settings = load_settings()
    if not (settings.index_dir / "current").exists():
        pytest.fail("no knowledge index: run `make index` (make test does it)")
    root = tmp_path_factory.mktemp("untranslated")
    knowledge, var = root / "knowledge", root / "var"
    shutil.copytree(settings.knowledge_dir, knowledge)
    topic, article_id, lang = DROPPED
    (knowledge / "articles" / topic / f"{article_id}.{lang}.md").unlink()
    var.mkdir()
    (var / "models").symlink_to(settings.var_dir / "models")
    env = dict(os.environ, ADVISOR_KNOWLEDGE_DIR=str(knowledge), ADVISOR_VAR_DIR=str(var),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    built = subprocess.run([sys.executable, "-m", "bot", "build-index"], cwd=PROJECT_ROOT, env=env,
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return env


@pytest.fixture(scope="module")
def action_server(test_data):
    port = free_port()
    env = dict(test_data, ADVISOR_ACTIONS_TOKEN=TOKEN)
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--port", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the action server exited during start-up"
            assert time.monotonic() < deadline, "the action server was not ready within 120 s"
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def action_call(action: str, text: str, intent: str, lang: str, entities=None) -> dict:
    """The JSON Rasa 3.6 sends to the action server for one turn."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.93}, "entities": entities or []}
    return {
        "next_action": action,
        "sender_id": "integration-test",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "integration-test",
            "slots": {},
            "latest_message": latest,
            "events": [{"event": "user", "text": text, "parse_data": latest, "metadata": {"lang": lang}}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def payloads(response: httpx.Response) -> list:
    assert response.status_code == 200, response.text
    return [r["custom"] for r in response.json()["responses"]]


def test_ready_reports_the_index_build(action_server):
    ready = httpx.get(f"{action_server}/ready").json()
    assert ready["status"] == "ok" and ready["index_build"]


def test_german_question_is_answered_from_the_blue_card_article(action_server):
    call = action_call("action_answer", "Wie viel muss ich für die Blaue Karte verdienen?", "ask_residence", "de")

    [answer] = payloads(httpx.post(f"{action_server}/webhook", json=call, headers=AUTH, timeout=30))

    assert answer["meta"]["topic"] == "residence"
    assert any("blue-card" in a for a in answer["meta"]["articles"])
    assert answer["sources"] and answer["text"].endswith(translate("de", texts.DISCLAIMER))


def untranslated_article(env: dict):
    """(English title, language) of an article that lacks a translation in some language."""
    import json

    from bot import SUPPORTED_LANGUAGES

    build = load_settings(env).index_dir / "current"
    articles = json.loads((build / "articles.json").read_text(encoding="utf-8"))
    languages = {}
    titles = {}
    for article in articles:
        languages.setdefault(article["id"], set()).add(article["lang"])
        if article["lang"] == "en":
            titles[article["id"]] = article["title"]
    for article_id, present in sorted(languages.items()):
        missing = [lang for lang in SUPPORTED_LANGUAGES if lang not in present]
        if missing and article_id in titles:
            return titles[article_id], missing[0]
    pytest.fail(f"the test data should lack the translation {DROPPED}")


def test_language_without_translation_gets_a_note_in_that_language(action_server, test_data):
    title, lang = untranslated_article(test_data)
    call = action_call("action_answer", title, "ask_residence", lang)

    [answer] = payloads(httpx.post(f"{action_server}/webhook", json=call, headers=AUTH, timeout=30))

    assert answer["meta"]["articles"]
    assert answer["meta"]["lang"] == lang
    note = translate(lang, texts.TRANSLATION_MISSING, language="X").split("X")[0]
    assert answer["text"].startswith(note)


def test_unrelated_question_gets_no_answer_and_a_person(action_server):
    call = action_call("action_answer", "Wie backe ich einen Apfelkuchen?", "out_of_scope", "de")

    [answer] = payloads(httpx.post(f"{action_server}/webhook", json=call, headers=AUTH, timeout=30))

    assert answer["meta"]["articles"] == []
    assert answer["text"] == translate("de", texts.OUT_OF_SCOPE)
    assert answer["buttons"][-1]["payload"] == "/request_human"


def test_the_webhook_answers_only_the_engine(action_server):
    """Without the shared secret nobody on the host can run an action (e.g. forge a handoff)."""
    call = action_call("action_answer", "Blue Card?", "ask_question", "en")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        reply = httpx.post(f"{action_server}/webhook", json=call, headers=headers, timeout=30)
        assert reply.status_code == 401, headers
        assert "events" not in reply.text
    assert httpx.get(f"{action_server}/actions", timeout=30).status_code == 401
    assert httpx.get(f"{action_server}/health", timeout=30).status_code == 200
