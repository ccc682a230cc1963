"""``KnowledgeBase``: search, article lookup, and switching builds while it runs."""

import datetime as dt
import json
import logging
import threading

import numpy as np
import pytest

import bot.knowledge.search as search_module
from bot.knowledge.chunking import Chunk
from bot.knowledge.embedder import HashingEmbedder
from bot.knowledge.index import build_index, point_current_at
from bot.knowledge.search import (
    RRF_K,
    SUMMARY_WEIGHT,
    DenseRetriever,
    KeywordRetriever,
    KnowledgeBase,
    KnowledgeBaseError,
    Ranking,
    _fuse,
    complete_languages,
    language_offsets,
)

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
    assert [h.fused for h in hits] == sorted((h.fused for h in hits), reverse=True)


def test_search_scores_are_the_best_cosine_of_the_articles_chunks(kb, hashing_embedder):
    [hit] = kb.search("Anerkennung der Pflegeausbildung", k=1)

    chunks = [c for c in kb._loaded.build.chunks if c.article_id == hit.article_id]
    query = hashing_embedder.encode_queries(["Anerkennung der Pflegeausbildung"])[0]
    cosines = hashing_embedder.encode_passages([c.text for c in chunks]) @ query
    assert hit.article_id == "nursing-recognition"
    assert hit.score == pytest.approx(float(cosines.max()), abs=1e-5)


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
    data = (path / "vectors.npy").read_bytes()
    (path / "vectors.npy").write_bytes(data[: len(data) // 2])


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
            except Exception as exc:  # noqa: BLE001 - collected: an assertion in a thread would be lost
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


# --- hybrid retrieval -----------------------------------------------------------------------

def test_the_bot_searches_with_dense_and_keyword_retrievers(kb):
    assert [r.name for r in kb.retrievers] == ["dense", "bm25"]


def test_the_question_is_normalised_before_searching(kb):
    messy = kb.search("  Integrationskurs\n\tSprachkurs   Orientierungskurs ", k=3)

    assert messy == kb.search("Integrationskurs Sprachkurs Orientierungskurs", k=3)


FUSE_CHUNKS = [
    Chunk("a.de#0", "a", "de", "living", "", "a summary"),
    Chunk("a.de#1", "a", "de", "living", "Costs", "a costs"),
    Chunk("b.de#0", "b", "de", "living", "", "b summary"),
    Chunk("c.de#0", "c", "de", "living", "", "c summary"),
]
DENSE = Ranking([(1, 0.9), (2, 0.8), (0, 0.7), (3, 0.6)], cosines=np.array([0.7, 0.9, 0.8, 0.6]))


def test_fusion_puts_an_article_both_retrievers_like_above_one_only_dense_puts_first():
    keyword = Ranking([(2, 5.0), (3, 4.0)], weight=1.0)

    hits = _fuse([DENSE, keyword], FUSE_CHUNKS, k=3)

    assert [h.article_id for h in hits] == ["b", "c", "a"]
    assert hits[0].fused == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert [h.fused for h in hits] == sorted((h.fused for h in hits), reverse=True)
    # the score stays the article's best cosine, whatever its place
    assert [h.score for h in hits] == [0.8, 0.6, 0.9]
    assert (hits[2].chunk_id, hits[2].heading) == ("a.de#1", "Costs")


def test_fusion_counts_each_article_once_per_ranking_at_its_best_chunk():
    hits = _fuse([DENSE], FUSE_CHUNKS, k=5)

    assert [h.article_id for h in hits] == ["a", "b", "c"]
    assert [h.fused for h in hits] == pytest.approx([1 / (RRF_K + 1), 1 / (RRF_K + 2), 1 / (RRF_K + 3)])


def test_a_ranking_without_weight_changes_nothing():
    silent = Ranking([(3, 9.0), (2, 5.0)], weight=0.0)

    assert [h.article_id for h in _fuse([DENSE, silent], FUSE_CHUNKS, k=3)] == ["a", "b", "c"]


def test_keyword_search_alone_scores_with_its_own_scores():
    hits = _fuse([Ranking([(3, 4.0), (0, 2.0), (1, 1.0)])], FUSE_CHUNKS, k=3)

    assert [(h.article_id, h.score) for h in hits] == [("c", 4.0), ("a", 2.0)]


def test_keyword_retriever_uses_only_languages_every_article_has(kb):
    chunks = kb._loaded.build.chunks
    keyword = KeywordRetriever().open(kb._loaded.build)

    found = keyword.search("Blue Card university degree Blaue Karte", 20)

    assert complete_languages(chunks) == {"de"}  # only eu-blue-card has English
    assert found.rows and {chunks[row].lang for row, _ in found.rows} == {"de"}


def test_keyword_weight_follows_how_much_of_the_question_the_index_knows(kb):
    keyword = KeywordRetriever(weight=0.5).open(kb._loaded.build)

    assert keyword.search("Integrationskurs Orientierungskurs", 10).weight == pytest.approx(0.5)
    assert keyword.search("Integrationskurs xyzzy", 10).weight == pytest.approx(0.5 * 0.5 ** 2)
    assert keyword.search("ما هي دورة الاندماج", 10).weight == 0.0


def write_turkish_and_german_articles(knowledge_dir, write_article, make_article):
    """Three articles in German and Turkish, whose Turkish versions share a boilerplate
    sentence, and one article in German only."""
    boilerplate = "Bu sayfadaki bilgiler geneldir, lütfen sorularınız için danışmanlık merkezine başvurun."
    for article_id, title, summary, turkish in [
        ("kindergeld", "Kindergeld für Familien", "Die Familienkasse zahlt Kindergeld monatlich.",
         "Aile kasası çocuk parasını her ay öder."),
        ("steuer-id", "Steuer-Identifikationsnummer", "Die Steuer-ID kommt per Post vom Bundeszentralamt.",
         "Vergi numarası posta ile gelir."),
        ("rundfunk", "Rundfunkbeitrag", "Jede Wohnung zahlt den Rundfunkbeitrag.",
         "Her konut yayın katkı payı öder."),
    ]:
        write_article(knowledge_dir, f"living/{article_id}.de.md", make_article(
            article_id=article_id, topic="living", title=title, summary=summary, keywords="x",
            body=f"## Info\n{summary}\n"))
        write_article(knowledge_dir, f"living/{article_id}.tr.md", make_article(
            article_id=article_id, topic="living", lang="tr", title=title, summary=turkish, keywords="x",
            body=f"## Bilgi\n{turkish} {boilerplate}\n"))
    write_article(knowledge_dir, "recognition/welder.de.md", make_article(
        article_id="welder", topic="recognition", title="Anerkennung Schweißer",
        summary="Schweißer brauchen keine Anerkennung, aber ein Schweißzertifikat.", keywords="Schweißer",
        body="## Zertifikat\nDas Schweißzertifikat stellt die Prüfstelle aus.\n"))


def test_an_article_in_german_only_is_not_beaten_by_translations_sharing_the_questions_language(
        empty_knowledge_dir, index_dir, hashing_embedder, write_article, make_article):
    write_turkish_and_german_articles(empty_knowledge_dir, write_article, make_article)
    build(empty_knowledge_dir, index_dir, hashing_embedder)
    question = "Schweißzertifikat için lütfen bilgi, danışmanlık merkezine başvurun?"

    def first(balance):
        base = KnowledgeBase(index_dir, hashing_embedder,
                             [DenseRetriever(hashing_embedder, balance_languages=balance, summary_weight=0)])
        base.load()
        return base.search(question, k=1)[0].article_id

    assert first(balance=False) != "welder"  # the shared Turkish words win without balancing
    assert first(balance=True) == "welder"


def test_language_offsets_need_enough_translated_articles(kb):
    build_ = kb._loaded.build
    vectors = build_.vectors

    assert language_offsets(vectors, build_.chunks) == {}  # English: one article only


def test_an_article_about_the_questions_subject_beats_a_passing_mention(
        empty_knowledge_dir, index_dir, hashing_embedder, write_article, make_article):
    write_article(empty_knowledge_dir, "living/kindergeld.de.md", make_article(
        article_id="kindergeld", topic="living", title="Kindergeld",
        summary="Kindergeld zahlt die Familienkasse für jedes Kind.", keywords="Kindergeld, Familienkasse",
        body="## Antrag\nDas Formular gibt es online; legen Sie die Steuer-ID des Kindes bei.\n"))
    write_article(empty_knowledge_dir, "living/elterngeld.de.md", make_article(
        article_id="elterngeld", topic="living", title="Elterngeld",
        summary="Elterngeld ersetzt einen Teil des Lohns nach der Geburt.", keywords="Elterngeld, Elternzeit",
        body="## Andere Leistungen\nDas Kindergeld beantragen Sie getrennt bei der Familienkasse.\n"))
    build(empty_knowledge_dir, index_dir, hashing_embedder)

    def first(summary_weight):
        base = KnowledgeBase(index_dir, hashing_embedder, [DenseRetriever(hashing_embedder, summary_weight=summary_weight)])
        base.load()
        return base.search("Wo beantrage ich Kindergeld? Bei der Familienkasse?", k=1)[0].article_id

    assert first(summary_weight=0) == "elterngeld"  # its section alone matches best
    assert first(summary_weight=SUMMARY_WEIGHT) == "kindergeld"
