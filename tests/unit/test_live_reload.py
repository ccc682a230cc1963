"""Edits go live by themselves: the live reloader checks, rebuilds only what changed, swaps the build in,
and keeps the old build (with the errors in the status the staff page shows) when the check fails."""

from __future__ import annotations

import logging
import threading

from bot.knowledge.index import current_build_dir
from bot.knowledge.live import LiveReloader, read_status, relevant
from bot.knowledge.search import KnowledgeBase
from bot.knowledge.translations import mark_from_command
from tests.unit.conftest import KNOWLEDGE_TODAY

BLUE_CARD = "residence/eu-blue-card.de.md"


def out_of_date(status):
    return [w for w in status["warnings"] if "changed since" in w["message"]]


def reloader(knowledge_dir, index_dir, embedder, kb=None):
    return LiveReloader(knowledge_dir, index_dir, embedder, today=lambda: KNOWLEDGE_TODAY,
                        on_built=kb.maybe_reload if kb else None)


def test_an_edit_is_live_after_one_reload_and_only_its_chunks_are_embedded(knowledge_dir, index_dir,
                                                                           hashing_embedder):
    live = reloader(knowledge_dir, index_dir, hashing_embedder)
    first = live.reload()
    assert first["state"] == "live" and first["error_count"] == 0
    kb = KnowledgeBase(index_dir, hashing_embedder, today=lambda: KNOWLEDGE_TODAY)
    kb.load()
    live.on_built = kb.maybe_reload
    path = knowledge_dir / "articles" / BLUE_CARD
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Den Antrag stellen Sie bei der Ausländerbehörde.",
        "Den Antrag stellen Sie online im Portal Zebrastreifen."), encoding="utf-8")
    status = live.reload([str(path)])
    assert status["state"] == "live" and status["changed"] == ["articles/" + BLUE_CARD]
    assert status["embedded"] == 1  # the one changed section; every other vector came from the cache
    assert kb.build_id == status["build_id"]
    section = next(s for s in kb.article("eu-blue-card", "de").sections if s.heading == "Antrag")
    assert "Zebrastreifen" in section.text


def test_a_broken_edit_keeps_the_old_build_and_names_the_error(knowledge_dir, index_dir, hashing_embedder,
                                                                caplog):
    live = reloader(knowledge_dir, index_dir, hashing_embedder)
    good = live.reload()["build_id"]
    path = knowledge_dir / "articles" / BLUE_CARD
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("last_reviewed: 2026-01-10", "last_reviewed: im Januar"), encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="bot.knowledge.live"):
        status = live.reload([str(path)])
    assert status["state"] == "rejected" and status["build_id"] == good
    assert current_build_dir(index_dir).name == good
    [error] = status["errors"]
    assert error["file"] == "articles/" + BLUE_CARD and error["line"] == 9 and error["field"] == "last_reviewed"
    assert "NOT live" in caplog.text and BLUE_CARD in caplog.text
    assert read_status(index_dir)["state"] == "rejected" and "checking" not in read_status(index_dir)
    path.write_text(text, encoding="utf-8")  # fixed: live again, the time of the last good edit moves
    fixed = live.reload([str(path)])
    assert fixed["state"] == "live" and fixed["last_live_at"] == fixed["checked_at"]


def test_changing_the_german_text_marks_its_translations_out_of_date_by_content(knowledge_dir, index_dir,
                                                                                hashing_embedder):
    assert mark_from_command(knowledge_dir, "eu-blue-card", [], False)[0]
    live = reloader(knowledge_dir, index_dir, hashing_embedder)
    assert not out_of_date(live.reload())
    path = knowledge_dir / "articles" / BLUE_CARD
    text = path.read_text(encoding="utf-8")
    # A new review date alone is no change of content ...
    path.write_text(text.replace("last_reviewed: 2026-01-10", "last_reviewed: 2026-02-01"), encoding="utf-8")
    assert not out_of_date(live.reload([str(path)]))
    # ... a changed sentence is: the English translation is reported out of date, the edit still goes live.
    path.write_text(text.replace("Mindestgehalt", "Mindestgehalt von 48.300 Euro"), encoding="utf-8")
    status = live.reload([str(path)])
    assert status["state"] == "live"
    [warning] = out_of_date(status)
    assert "en" in warning["message"] and "Voraussetzungen" in warning["message"]


def test_the_watcher_reloads_after_a_save_and_ignores_editor_files(knowledge_dir, index_dir, hashing_embedder):
    assert relevant("knowledge/articles/residence/x.de.md") and relevant("knowledge/facts/wages.yml")
    assert not relevant("knowledge/articles/residence/.x.de.md.swp") and not relevant("x.de.md~")
    live = reloader(knowledge_dir, index_dir, hashing_embedder)
    done = threading.Event()
    live.on_built = done.set
    live.start(prime=False)
    path = knowledge_dir / "articles" / BLUE_CARD
    text = path.read_text(encoding="utf-8")
    try:
        # Saved again until seen: the watcher may still be setting itself up when the first save lands.
        for attempt in range(12):
            path.write_text(text.replace("Hochschulabschluss", f"Studienabschluss {attempt}"), encoding="utf-8")
            if done.wait(10):
                break
        assert done.is_set(), "no reload after two minutes of saving"
    finally:
        live.stop()
    assert read_status(index_dir)["changed"] == ["articles/" + BLUE_CARD]


def test_a_new_figure_in_a_facts_file_goes_live_and_a_broken_one_does_not(index_dir, hashing_embedder, tmp_path):
    from tests.unit.conftest import _article_text, _write_article
    from tests.unit.test_knowledge_facts import MINIMUM_WAGE, write_facts

    knowledge_dir = tmp_path / "facts-knowledge"
    facts = write_facts(knowledge_dir, MINIMUM_WAGE)
    _write_article(knowledge_dir, "residence/eu-blue-card.de.md",
                   _article_text(body="## Lohn\nMindestens {{fact:minimum_wage_hourly}} pro Stunde.\n"))
    live = reloader(knowledge_dir, index_dir, hashing_embedder)
    assert live.reload()["state"] == "live"
    kb = KnowledgeBase(index_dir, hashing_embedder, today=lambda: KNOWLEDGE_TODAY)
    kb.load()
    live.on_built = kb.maybe_reload

    def wage_text():
        return kb.article("eu-blue-card", "de").sections[0].text

    assert "13,90" in wage_text()
    facts.write_text(facts.read_text(encoding="utf-8").replace("value: 13.90", "value: 13.95"), encoding="utf-8")
    assert live.reload([str(facts)])["state"] == "live"
    assert "13,95" in wage_text()
    facts.write_text(facts.read_text(encoding="utf-8").replace("valid_from: 2026-01-01", "valid_from: bald"),
                     encoding="utf-8")
    status = live.reload([str(facts)])
    assert status["state"] == "rejected" and status["errors"][0]["file"] == "facts/wages.yml"
    assert "13,95" in wage_text()
