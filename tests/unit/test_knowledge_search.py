"""``KnowledgeBase``: search, article lookup, and switching builds while it runs."""

import datetime as dt
import json
import logging
import threading

import numpy as np
import pytest

import bot.knowledge.search as search_module
from bot.knowledge.embedder import HashingEmbedder
from bot.knowledge.index import build_index, point_current_at
from bot.knowledge.search import KnowledgeBase, KnowledgeBaseError

TODAY = dt.date(2026, 6, 1)


def build(knowledge_dir, index_dir, embedder, **kwargs):
    return build_index(knowledge_dir, index_dir, embedder, today=TODAY, **kwargs)


@pytest.fixture
def kb(knowledge_dir, index_dir, hashing_embedder):
    build(knowledge_dir, index_dir, hashing_embedder)
    base = KnowledgeBase(index_dir, hashing_embedder)
    base.load()
    return base


def add_registration_article(knowledge_dir, write_article, make_article):
    write_article(knowledge_dir, "living/registration.de.md", make_article(
        article_id="registration", topic="living", title="Wohnsitz anmelden im Bürgeramt",
        summary="Nach dem Umzug melden Sie Ihren Wohnsitz innerhalb von zwei Wochen im Bürgeramt an.",
        keywords="Anmeldung, Bürgeramt, Meldebescheinigung",
        body="## Termin\nBuchen Sie einen Termin im Bürgeramt für die Anmeldung des Wohnsitzes.\n"))


def test_search_finds_the_right_article(kb):
    hits = kb.search("Integrationskurs Sprachkurs Orientierungskurs", k=3)

    assert hits[0].article_id == "integration-course"
    assert hits[0].lang == "de" and hits[0].topic == "language_course"


def test_search_returns_the_best_chunk_per_article_best_first(kb):
    hits = kb.search("Blue Card university degree minimum salary", k=10)

    assert hits[0].article_id == "eu-blue-card"
    assert hits[0].chunk_id == "eu-blue-card.en#1" and hits[0].heading == "Requirements"
    assert len({h.article_id for h in hits}) == len(hits) == 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_search_scores_are_cosine_similarities(kb, hashing_embedder):
    [hit] = kb.search("Anerkennung der Pflegeausbildung", k=1)

    chunk = next(c for c in kb._loaded.build.chunks if c.chunk_id == hit.chunk_id)
    query = hashing_embedder.encode_queries(["Anerkennung der Pflegeausbildung"])[0]
    passage = hashing_embedder.encode_passages([chunk.text])[0]
    assert hit.article_id == "nursing-recognition"
    assert hit.score == pytest.approx(float(np.dot(query, passage)), abs=1e-5)


def test_search_returns_at_most_k_hits(kb):
    assert len(kb.search("Antrag", k=2)) == 2
    assert kb.search("   ", k=3) == []


def test_article_and_languages(kb):
    english = kb.article("eu-blue-card", "en")

    assert english.title == "EU Blue Card (Blaue Karte EU)"
    assert english.sources[0].url == "https://example.org/blue-card"
    assert kb.article("eu-blue-card", "ar") is None
    assert kb.article("no-such-article", "de") is None
    assert kb.languages("eu-blue-card") == {"de", "en"}
    assert kb.languages("no-such-article") == set()


def test_load_without_any_build_says_what_to_do(index_dir, hashing_embedder):
    base = KnowledgeBase(index_dir, hashing_embedder)

    with pytest.raises(KnowledgeBaseError, match="python -m bot build-index"):
        base.load()
    with pytest.raises(KnowledgeBaseError):
        base.search("Blaue Karte", k=3)


def test_load_refuses_a_build_made_by_another_embedder(knowledge_dir, index_dir):
    build(knowledge_dir, index_dir, HashingEmbedder(dim=128))
    base = KnowledgeBase(index_dir, HashingEmbedder(dim=384))

    with pytest.raises(KnowledgeBaseError, match="built with embedder hashing-128, this process uses hashing-384"):
        base.load()


def test_a_new_build_is_picked_up_without_restart(kb, knowledge_dir, index_dir, hashing_embedder,
                                                  write_article, make_article):
    old_build = kb.build_id
    add_registration_article(knowledge_dir, write_article, make_article)
    new = build(knowledge_dir, index_dir, hashing_embedder)

    hits = kb.search("Wohnsitz anmelden Bürgeramt", k=1)

    assert kb.build_id == new.build_id != old_build
    assert hits[0].article_id == "registration"
    assert kb.languages("registration") == {"de"}


def test_maybe_reload_does_nothing_while_current_is_unchanged(kb, monkeypatch):
    opened = []
    monkeypatch.setattr(search_module, "open_build", lambda *a: opened.append(a))

    assert kb.maybe_reload() is False
    kb.search("Blaue Karte", k=1)
    assert opened == []


def broken_by_truncated_index(path):
    data = (path / "index.faiss").read_bytes()
    (path / "index.faiss").write_bytes(data[: len(data) // 2])


def broken_by_wrong_dim(path):
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["dim"] = 128
    (path / "manifest.json").write_text(json.dumps(manifest))


def broken_by_missing_manifest(path):
    (path / "manifest.json").unlink()


def broken_by_lost_chunks(path):
    lines = (path / "chunks.jsonl").read_text().splitlines(keepends=True)
    (path / "chunks.jsonl").write_text("".join(lines[:-1]))


@pytest.mark.parametrize("damage", [broken_by_truncated_index, broken_by_wrong_dim, broken_by_missing_manifest,
                                    broken_by_lost_chunks])
def test_a_broken_new_build_keeps_the_old_one_serving(kb, knowledge_dir, index_dir, hashing_embedder,
                                                      write_article, make_article, caplog, damage):
    old_build = kb.build_id
    add_registration_article(knowledge_dir, write_article, make_article)
    broken = build(knowledge_dir, index_dir, hashing_embedder)
    damage(broken.path)

    with caplog.at_level(logging.WARNING, logger="bot.knowledge.search"):
        hits = kb.search("Wohnsitz anmelden Bürgeramt", k=3)
        kb.search("Wohnsitz anmelden Bürgeramt", k=3)

    assert kb.build_id == old_build
    assert "registration" not in [h.article_id for h in hits] and hits
    [warning] = caplog.records  # logged once, not on every search
    assert broken.build_id in warning.getMessage() and old_build in warning.getMessage()
    assert "Wohnsitz" not in warning.getMessage()  # no user text in logs


def test_after_a_broken_build_the_next_good_one_is_picked_up(kb, knowledge_dir, index_dir, hashing_embedder,
                                                            write_article, make_article):
    add_registration_article(knowledge_dir, write_article, make_article)
    broken = build(knowledge_dir, index_dir, hashing_embedder)
    broken_by_truncated_index(broken.path)
    kb.maybe_reload()

    fixed = build(knowledge_dir, index_dir, hashing_embedder)

    assert kb.maybe_reload() is True
    assert kb.build_id == fixed.build_id != broken.build_id


def test_pointing_current_back_to_an_older_build_is_followed(kb, knowledge_dir, index_dir, hashing_embedder,
                                                            write_article, make_article):
    first = kb.build_id
    add_registration_article(knowledge_dir, write_article, make_article)
    build(knowledge_dir, index_dir, hashing_embedder)
    kb.maybe_reload()

    point_current_at(index_dir, first)

    assert kb.maybe_reload() is True and kb.build_id == first
    assert kb.languages("registration") == set()


def test_searches_during_build_swaps_all_succeed(kb, knowledge_dir, index_dir, hashing_embedder,
                                                write_article, make_article):
    errors, stop = [], threading.Event()

    def keep_searching():
        while not stop.is_set():
            try:
                assert kb.search("Blaue Karte Antrag", k=2)
            except Exception as exc:  # collected: an assertion in a thread would be lost
                errors.append(exc)

    threads = [threading.Thread(target=keep_searching) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        add_registration_article(knowledge_dir, write_article, make_article)
        for _ in range(3):
            build(knowledge_dir, index_dir, hashing_embedder, force=True)
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    assert errors == []
    assert kb.search("Wohnsitz anmelden Bürgeramt", k=1)[0].article_id == "registration"


def test_article_ids_lists_each_article_once_per_topic(tmp_path):
    from bot.knowledge.embedder import HashingEmbedder
    from bot.knowledge.index import build_index
    from bot.knowledge.search import KnowledgeBase

    knowledge = tmp_path / "knowledge"
    for topic, article_id in (("residence", "a-residence"), ("recognition", "b-recognition")):
        folder = knowledge / "articles" / topic
        folder.mkdir(parents=True)
        for lang in ("de", "en"):
            (folder / f"{article_id}.{lang}.md").write_text(
                f"---\nid: {article_id}\ntopic: {topic}\ntitle: T\nsummary: S\n"
                "sources:\n  - title: X\n    url: https://example.org/\n"
                "last_reviewed: 2026-11-24\nreview_after: 2027-05-24\n---\n_x_\n\n## H\nText.\n",
                encoding="utf-8",
            )
    embedder = HashingEmbedder()
    build_index(knowledge, tmp_path / "index", embedder)
    kb = KnowledgeBase(tmp_path / "index", embedder)
    kb.load()

    assert kb.article_ids() == ["a-residence", "b-recognition"]
    assert kb.article_ids(topic="residence") == ["a-residence"]
