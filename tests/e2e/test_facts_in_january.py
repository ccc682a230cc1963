"""On 1 January the bot shows the new year's figures: a known new value, or the old one with a note.

A stack of its own (real engine, action server and gateway) on a copy of the knowledge folder
with two test articles and a facts file of this test's own, so the test does not depend on
the real figures. The index is built with the clock at 31 December 2026 and the stack runs
with ADVISOR_TODAY=2027-01-04: the answers show the values of the day they are given, not
those of the build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.settings import PROJECT_ROOT, load_settings
from bot.supervisor import SHARED_ADDRESS_LIMITS, Stack, free_port
from bot.training import model_path
from tests.e2e.conftest import Conversation

pytestmark = pytest.mark.e2e

FACTS = """\
test_minimum_wage:
  label: Gesetzlicher Mindestlohn (Testwert)
  type: money
  values:
    - value: 13.90
      valid_from: 2026-01-01
      valid_until: 2026-12-31
      source: {title: Testquelle, url: "https://www.gesetze-im-internet.de/milog/"}
    - value: 14.60
      valid_from: 2027-01-01
      valid_until: 2027-12-31
      source: {title: Testquelle, url: "https://www.gesetze-im-internet.de/milog/"}
test_minijob_limit:
  label: Minijob-Verdienstgrenze im Monat (Testwert)
  type: money
  values:
    - value: 603
      valid_from: 2026-01-01
      valid_until: 2026-12-31
      source: {title: Testquelle, url: "https://www.minijob-zentrale.de/"}
"""

ARTICLE = """\
---
id: {id}
topic: eu_employment
title: {title}
summary: >-
  {summary}
sources:
  - title: Testquelle
    url: https://www.gesetze-im-internet.de/milog/
last_reviewed: 2026-11-24
review_after: 2027-11-24
regions: all
---
_{disclaimer}_

## {heading}
{section}
"""

ARTICLES = {
    "test-minimum-wage.de": {
        "id": "test-minimum-wage", "title": "Gesetzlicher Mindestlohn", "disclaimer": "Allgemeine Information, keine Rechtsberatung.",
        "summary": "Der gesetzliche Mindestlohn beträgt {{fact:test_minimum_wage}} brutto pro Stunde. Er gilt für fast "
                "alle Beschäftigten in Deutschland, auch für Minijobs und für Arbeitskräfte aus der EU.",
        "heading": "Wie hoch ist der Mindestlohn?",
        "section": "Der Mindestlohn beträgt {{fact:test_minimum_wage}} brutto pro Stunde "
                "(2026: {{fact:test_minimum_wage@2026}})."},
    "test-minimum-wage.en": {
        "id": "test-minimum-wage", "title": "Statutory minimum wage", "disclaimer": "General information, not legal advice.",
        "summary": "The statutory minimum wage is {{fact:test_minimum_wage}} gross per hour. It applies to almost all "
                "employees in Germany, including mini-jobs and workers from other EU countries.",
        "heading": "How high is the minimum wage?",
        "section": "The minimum wage is {{fact:test_minimum_wage}} gross per hour "
                "(2026: {{fact:test_minimum_wage@2026}})."},
    "test-minijob.de": {
        "id": "test-minijob", "title": "Minijob – Verdienstgrenze im Monat", "disclaimer": "Allgemeine Information, keine Rechtsberatung.",
        "summary": "In einem Minijob dürfen Sie bis zu {{fact:test_minijob_limit}} im Monat verdienen. Wer mehr "
                "verdient, hat einen Midijob mit Sozialversicherung.",
        "heading": "Wie viel darf ich im Minijob verdienen?",
        "section": "Die Verdienstgrenze im Minijob liegt bei {{fact:test_minijob_limit}} im Monat."},
}


@pytest.fixture(scope="module")
def january(tmp_path_factory):
    """A stack answering from the test knowledge with the clock at 4 January 2027."""
    settings = load_settings()
    model = Path(os.environ.get("ADVISOR_TEST_MODEL") or model_path(settings.var_dir))
    if not model.exists() or not settings.model_dir.exists():
        pytest.fail("no trained Rasa model or embedding model: run `make setup` (make test does it)")
    root = tmp_path_factory.mktemp("january")
    knowledge, var_dir = root / "knowledge", root / "var"
    for folder in ("contacts", "places"):
        shutil.copytree(PROJECT_ROOT / "knowledge" / folder, knowledge / folder)
    (knowledge / "facts").mkdir(parents=True)
    (knowledge / "facts" / "test.yml").write_text(FACTS, encoding="utf-8")
    for name, fields in ARTICLES.items():
        path = knowledge / "articles" / "eu_employment" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLE.format(**fields), encoding="utf-8")
    var_dir.mkdir()
    (var_dir / "models").symlink_to(settings.var_dir / "models")
    # ADVISOR_CACHE: the build keeps only its own texts in the embedding cache; not the machine's.
    env = {**os.environ, "ADVISOR_KNOWLEDGE_DIR": str(knowledge), "ADVISOR_VAR_DIR": str(var_dir),
           "ADVISOR_CACHE": str(root / "cache")}
    build = subprocess.run([sys.executable, "-m", "bot", "build-index"], cwd=PROJECT_ROOT, capture_output=True,
                           check=False,
                           text=True, env={**env, "ADVISOR_TODAY": "2026-12-31"})
    assert build.returncode == 0, build.stdout + build.stderr
    stack = Stack(var_dir=var_dir, model=model, engine_port=free_port(), actions_port=free_port(),
                  gateway_port=free_port(),
                  extra_env={"ADVISOR_KNOWLEDGE_DIR": str(knowledge), "ADVISOR_TODAY": "2027-01-04",
                             "ADVISOR_RATE_LIMIT_PER_MINUTE": "100", **SHARED_ADDRESS_LIMITS})
    stack.start()
    try:
        stack.wait_ready(timeout=300)
        with httpx.Client(base_url=stack.gateway_url, timeout=60) as http:
            yield http, var_dir
    finally:
        stack.stop()


def answer(http, question, lang=None) -> dict:
    reply = Conversation(http, lang).ask(question, lang)
    return reply["messages"][0] | {"articles": reply["meta"]["articles"]}


def test_the_build_embedded_the_figures_of_its_own_day(january):
    _, var_dir = january
    chunks = (var_dir / "index" / "current" / "chunks.jsonl").read_text(encoding="utf-8")

    assert "13,90\xa0€" in chunks and "14,60\xa0€" not in chunks


def test_a_known_new_value_is_shown_from_the_first_of_january(january):
    http, _ = january
    german = answer(http, "Wie hoch ist der Mindestlohn?", "de")
    english = answer(http, "How high is the minimum wage?", "en")

    assert german["articles"] == ["test-minimum-wage"] and english["articles"] == ["test-minimum-wage"]
    assert "14,60\xa0€" in german["text"] and "€14.60" in english["text"]
    # The current value is never the expired one; 13,90 € appears only as the labelled 2026 figure.
    assert "13,90\xa0€" not in german["text"].replace("2026: 13,90\xa0€", "")
    assert "{{" not in german["text"] + english["text"]


def test_an_expired_value_without_successor_is_shown_with_a_note(january):
    http, _ = january
    reply = answer(http, "Wie viel darf ich im Minijob im Monat verdienen?", "de")

    assert reply["articles"] == ["test-minijob"]
    assert ("603\xa0€ (dies war der Wert für 2026; der Wert für 2027 war bei der letzten Prüfung noch nicht "
            "veröffentlicht)") in reply["text"]
