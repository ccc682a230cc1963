"""Chunking, embedders, ``build_index`` and ``python -m bot build-index``."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from bot.cli import main
from bot.knowledge.articles import load_articles
from bot.knowledge.chunking import chunk_article
from bot.knowledge.embedder import HashingEmbedder, ModelNotFoundError, SentenceTransformerEmbedder
from bot.knowledge.index import (
    BUILDS_TO_KEEP,
    KnowledgeCheckFailed,
    build_index,
    current_build_dir,
    list_builds,
    open_build,
)

TODAY_TEXT = "2026-06-01"


def build(knowledge_dir, index_dir, embedder, **kwargs):
    import datetime as dt

    return build_index(knowledge_dir, index_dir, embedder, today=dt.date(2026, 6, 1), **kwargs)


# --- chunking -------------------------------------------------------------------------------

def test_an_article_gives_a_summary_chunk_and_one_chunk_per_section(knowledge_dir):
    article = next(a for a in load_articles(knowledge_dir) if (a.id, a.lang) == ("eu-blue-card", "en"))

    chunks = chunk_article(article)

    assert [c.chunk_id for c in chunks] == ["eu-blue-card.en#0", "eu-blue-card.en#1", "eu-blue-card.en#2"]
    assert chunks[0].heading == ""
    assert chunks[0].text == (
        "EU Blue Card (Blaue Karte EU)\nThe EU Blue Card is a residence permit for university graduates "
        "with a job offer.\nBlue Card, salary threshold"
    )
    assert chunks[1].heading == "Requirements"
    assert chunks[1].text == (
        "EU Blue Card (Blaue Karte EU)\nRequirements\n"
        "A university degree and an employment contract with a minimum salary."
    )
    assert {(c.article_id, c.lang, c.topic) for c in chunks} == {("eu-blue-card", "en", "residence")}


def test_each_question_an_article_answers_is_a_chunk_of_its_own(knowledge_dir):
    import dataclasses

    article = next(a for a in load_articles(knowledge_dir) if (a.id, a.lang) == ("eu-blue-card", "en"))
    article = dataclasses.replace(article, questions=["How do I get a Blue Card?"])

    chunks = chunk_article(article)

    assert [(c.chunk_id, c.heading, c.text) for c in chunks[3:]] == [
        ("eu-blue-card.en#q1", "", "How do I get a Blue Card?")]


# --- embedders ------------------------------------------------------------------------------

def test_hashing_embedder_is_deterministic_and_normalised():
    embedder = HashingEmbedder()

    first = embedder.encode_passages(["Blaue Karte EU", "Integrationskurs"])
    again = HashingEmbedder().encode_queries(["Blaue Karte EU"])

    assert first.shape == (2, 384) and first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    assert np.array_equal(first[0], again[0])
    assert embedder.name == "hashing-384"


def test_hashing_embedder_runs_the_same_in_another_process():
    code = "from bot.knowledge.embedder import HashingEmbedder; print(HashingEmbedder().encode_queries(['Blue Card'])[0].nonzero()[0].tolist())"
    run = lambda: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    here = HashingEmbedder().encode_queries(["Blue Card"])[0].nonzero()[0].tolist()
    assert run().strip() == str(here)


def test_model_embedder_loads_nothing_until_warm_up(tmp_path):
    embedder = SentenceTransformerEmbedder(tmp_path / "no-model")

    with pytest.raises(ModelNotFoundError, match="build-model"):
        embedder.warm_up()
    with pytest.raises(ModelNotFoundError):
        _ = embedder.name


def test_model_embedder_name_changes_with_the_model_config(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text('{"hidden_size": 384}', encoding="utf-8")
    embedder = SentenceTransformerEmbedder(model)
    before = embedder.name

    (model / "config.json").write_text('{"hidden_size": 384, "dtype": "float32"}', encoding="utf-8")
    after = SentenceTransformerEmbedder(model).name

    assert before.startswith("e5-small:") and embedder.dim == 384
    assert before != after


def test_importing_the_knowledge_package_loads_neither_torch_nor_faiss():
    code = (
        "import sys, bot.knowledge, bot.knowledge.articles, bot.knowledge.check, bot.knowledge.embedder, bot.cli;"
        "print(sorted(m for m in ('torch', 'faiss', 'sentence_transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert out.strip() == "[]"


# --- build_index ----------------------------------------------------------------------------

def test_build_writes_a_complete_build_and_points_current_at_it(knowledge_dir, index_dir, hashing_embedder):
    result = build(knowledge_dir, index_dir, hashing_embedder)

    assert not result.skipped
    assert current_build_dir(index_dir) == index_dir / result.build_id
    assert os.readlink(index_dir / "current") == result.build_id  # relative: the folder can move
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert manifest["build_id"] == result.build_id
    assert manifest["embedder"] == "hashing-384" and manifest["dim"] == 384
    # 4 article-languages: one summary chunk each + 2 + 2 + 1 + 1 sections
    assert manifest["chunk_count"] == result.chunk_count == 10
    assert result.build_id.endswith(manifest["content_hash"][:8])
    chunk_ids = [json.loads(line)["chunk_id"] for line in (result.path / "chunks.jsonl").read_text().splitlines()]
    assert "eu-blue-card.de#2" in chunk_ids and len(chunk_ids) == 10


def test_articles_json_carries_every_article_language_in_full(knowledge_dir, index_dir, hashing_embedder):
    result = build(knowledge_dir, index_dir, hashing_embedder)

    articles = json.loads((result.path / "articles.json").read_text(encoding="utf-8"))
    english = next(a for a in articles if (a["id"], a["lang"]) == ("eu-blue-card", "en"))

    assert len(articles) == 4
    assert english["sources"] == [{"title": "Example source", "url": "https://example.org/blue-card", "secondary": False}]
    assert english["review_after"] == "2026-12-31"
    assert [s["heading"] for s in english["sections"]] == ["Requirements", "Application"]


def test_stored_vectors_are_the_embedded_chunks(knowledge_dir, index_dir, hashing_embedder):
    result = build(knowledge_dir, index_dir, hashing_embedder)

    stored = open_build(result.path, hashing_embedder)
    row = [c.chunk_id for c in stored.chunks].index("integration-course.de#1")

    expected = hashing_embedder.encode_passages([stored.chunks[row].text])[0]
    assert np.allclose(stored.vectors[row], expected)


def test_unchanged_content_is_not_built_again(knowledge_dir, index_dir, hashing_embedder):
    first = build(knowledge_dir, index_dir, hashing_embedder)

    second = build(knowledge_dir, index_dir, hashing_embedder)

    assert second.skipped
    assert second.build_id == first.build_id
    assert len(list_builds(index_dir)) == 1


def test_force_builds_again_with_unchanged_content(knowledge_dir, index_dir, hashing_embedder):
    first = build(knowledge_dir, index_dir, hashing_embedder)

    second = build(knowledge_dir, index_dir, hashing_embedder, force=True)

    assert not second.skipped and second.build_id != first.build_id
    assert current_build_dir(index_dir).name == second.build_id


def test_changed_content_gives_a_new_current_build(knowledge_dir, index_dir, hashing_embedder, write_article, make_article):
    first = build(knowledge_dir, index_dir, hashing_embedder)
    write_article(knowledge_dir, "living/registration.de.md", make_article(
        article_id="registration", topic="living", title="Anmeldung der Wohnung", summary="Melden Sie sich an."))

    second = build(knowledge_dir, index_dir, hashing_embedder)

    assert not second.skipped and second.build_id != first.build_id
    assert current_build_dir(index_dir).name == second.build_id
    assert second.chunk_count == first.chunk_count + 2


def test_another_embedder_means_a_new_build(knowledge_dir, index_dir, hashing_embedder):
    first = build(knowledge_dir, index_dir, hashing_embedder)

    second = build(knowledge_dir, index_dir, HashingEmbedder(dim=128))

    assert not second.skipped and second.build_id != first.build_id


def test_a_broken_current_build_is_replaced_even_if_content_is_unchanged(knowledge_dir, index_dir, hashing_embedder):
    first = build(knowledge_dir, index_dir, hashing_embedder)
    (first.path / "vectors.npy").write_bytes(b"broken")

    second = build(knowledge_dir, index_dir, hashing_embedder)

    assert not second.skipped and current_build_dir(index_dir).name == second.build_id


def test_only_the_last_three_builds_are_kept(knowledge_dir, index_dir, hashing_embedder):
    results = [build(knowledge_dir, index_dir, hashing_embedder, force=True) for _ in range(5)]

    kept = [path.name for path in list_builds(index_dir)]

    assert BUILDS_TO_KEEP == 3
    assert kept == [r.build_id for r in results[-3:]]
    # no temp leftovers; the embedding cache is not a build and survives pruning
    assert sorted(p.name for p in index_dir.iterdir()) == sorted(kept + ["current", "embedding-cache"])
    assert [p.name for p in (index_dir / "embedding-cache").iterdir()] == ["hashing-384.npz"]


def test_check_errors_stop_the_build(knowledge_dir, index_dir, hashing_embedder, write_article, make_article):
    write_article(knowledge_dir, "residence/eu-blue-card.de.md", make_article(last_reviewed="2026-13-01"))

    with pytest.raises(KnowledgeCheckFailed) as caught:
        build(knowledge_dir, index_dir, hashing_embedder)

    assert [p.field for p in caught.value.problems] == ["last_reviewed"]
    assert current_build_dir(index_dir) is None


# --- embedding cache ------------------------------------------------------------------------

class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting the passages it is asked to embed."""

    def __init__(self, dim: int = 384):
        super().__init__(dim)
        self.encoded: list = []

    def encode_passages(self, texts):
        self.encoded.extend(texts)
        return super().encode_passages(texts)


def stored_vectors(result, embedder):
    stored = open_build(result.path, embedder)
    return {c.chunk_id: stored.vectors[row] for row, c in enumerate(stored.chunks)}


def test_a_rebuild_embeds_only_the_chunks_whose_text_changed(knowledge_dir, index_dir, write_article, make_article):
    embedder = CountingEmbedder()
    first = build(knowledge_dir, index_dir, embedder)
    embedded_first = len(embedder.encoded)
    embedder.encoded.clear()
    write_article(knowledge_dir, "language_course/integration-course.de.md", make_article(
        article_id="integration-course", topic="language_course", title="Integrationskurs",
        summary="Der Integrationskurs besteht aus Sprachkurs und Orientierungskurs.",
        keywords="Integrationskurs, Deutschkurs",
        body="## Ablauf\nSprachkurs mit 700 Unterrichtsstunden, danach der Orientierungskurs.\n"))

    second = build(knowledge_dir, index_dir, embedder)

    assert embedded_first == first.chunk_count == first.embedded == 10
    assert embedder.encoded == ["Integrationskurs\nAblauf\nSprachkurs mit 700 Unterrichtsstunden, danach der Orientierungskurs."]
    assert second.embedded == 1 and second.chunk_count == 10
    # the reused vectors are the ones a full embedding gives
    fresh = build(knowledge_dir, index_dir / "fresh", HashingEmbedder())
    rebuilt, expected = stored_vectors(second, embedder), stored_vectors(fresh, embedder)
    assert rebuilt.keys() == expected.keys()
    assert all(np.allclose(rebuilt[key], expected[key]) for key in expected)


def test_forced_rebuild_of_unchanged_content_embeds_nothing(knowledge_dir, index_dir):
    embedder = CountingEmbedder()
    build(knowledge_dir, index_dir, embedder)
    embedder.encoded.clear()

    again = build(knowledge_dir, index_dir, embedder, force=True)

    assert not again.skipped and again.embedded == 0 and embedder.encoded == []


def test_the_cache_drops_texts_no_longer_used(knowledge_dir, index_dir, write_article, make_article):
    from bot.knowledge.index import _read_cache, cache_path

    embedder = CountingEmbedder()
    build(knowledge_dir, index_dir, embedder)
    (knowledge_dir / "articles" / "recognition" / "nursing-recognition.de.md").unlink()

    result = build(knowledge_dir, index_dir, embedder)

    cached = _read_cache(cache_path(index_dir, embedder), embedder.dim)
    texts = [c.text for c in open_build(result.path, embedder).chunks]
    assert len(cached) == len(set(texts)) == result.chunk_count
    assert not any("Pflege" in text for text in texts)


@pytest.mark.parametrize("damage", [
    lambda path: path.unlink(),
    lambda path: path.write_bytes(b"not a numpy file"),
    lambda path: path.write_bytes(path.read_bytes()[:200]),
])
def test_a_lost_or_broken_cache_costs_nothing_while_the_current_build_has_the_vectors(knowledge_dir, index_dir, damage):
    from bot.knowledge.index import cache_path

    embedder = CountingEmbedder()
    build(knowledge_dir, index_dir, embedder)
    damage(cache_path(index_dir, embedder))
    embedder.encoded.clear()

    again = build(knowledge_dir, index_dir, embedder, force=True)

    assert again.embedded == 0 and embedder.encoded == []


def test_without_cache_or_previous_build_everything_is_embedded(knowledge_dir, index_dir):
    from bot.knowledge.index import cache_path

    embedder = CountingEmbedder()
    first = build(knowledge_dir, index_dir, embedder)
    cache_path(index_dir, embedder).unlink()
    (first.path / "vectors.npy").write_bytes(b"broken")
    embedder.encoded.clear()

    again = build(knowledge_dir, index_dir, embedder)

    assert again.embedded == len(embedder.encoded) == 10


def test_another_embedder_does_not_reuse_the_cache(knowledge_dir, index_dir):
    build(knowledge_dir, index_dir, CountingEmbedder())
    other = CountingEmbedder(dim=128)

    result = build(knowledge_dir, index_dir, other)

    assert result.embedded == len(other.encoded) == 10
    assert sorted(p.name for p in (index_dir / "embedding-cache").iterdir()) == ["hashing-128.npz", "hashing-384.npz"]


# --- python -m bot build-index --------------------------------------------------------------

@pytest.fixture
def cli_env(monkeypatch, tmp_path):
    def use(knowledge_dir):
        monkeypatch.setenv("ADVISOR_KNOWLEDGE_DIR", str(knowledge_dir))
        monkeypatch.setenv("ADVISOR_VAR_DIR", str(tmp_path / "var"))
        return tmp_path / "var" / "index"

    return use


def test_build_index_command_builds_then_reports_up_to_date(knowledge_dir, cli_env, capsys):
    index_dir = cli_env(knowledge_dir)

    assert main(["build-index", "--fake-embedder"]) == 0
    built = capsys.readouterr().out
    assert main(["build-index", "--fake-embedder"]) == 0
    again = capsys.readouterr().out

    build_id = current_build_dir(index_dir).name
    first, progress, *_, last = built.splitlines()
    assert first.startswith("Search index: checking the knowledge folder first")
    assert progress.startswith("Embedding the changed article chunks")
    assert last.startswith(f"Built index {build_id}: 10 chunks in ")
    assert again.splitlines()[-1].startswith(f"Search index up to date: build {build_id}, 10 chunks")


def test_build_index_command_prints_check_errors_and_fails(knowledge_dir, cli_env, capsys, write_article, make_article):
    index_dir = cli_env(knowledge_dir)
    write_article(knowledge_dir, "residence/eu-blue-card.de.md", make_article(url="'www.x.de'"))

    code = main(["build-index", "--fake-embedder"])

    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[1].startswith(
        "knowledge/articles/residence/eu-blue-card.de.md:8: sources[0].url: 'www.x.de' is not a valid web address")
    assert "Index not built: 1 error in the articles." in out
    assert not index_dir.exists() or current_build_dir(index_dir) is None


def test_build_index_command_without_model_says_how_to_get_one(knowledge_dir, cli_env, capsys):
    cli_env(knowledge_dir)

    assert main(["build-index"]) == 1
    assert "python -m bot build-model" in capsys.readouterr().out


def test_a_build_made_with_faiss_before_the_plain_array_is_still_read(knowledge_dir, index_dir, hashing_embedder):
    faiss = pytest.importorskip("faiss")
    result = build(knowledge_dir, index_dir, hashing_embedder)
    vectors = np.load(result.path / "vectors.npy")
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    faiss.write_index(index, str(result.path / "index.faiss"))
    (result.path / "vectors.npy").unlink()

    stored = open_build(result.path, hashing_embedder)
    again = build(knowledge_dir, index_dir, hashing_embedder)

    assert np.array_equal(stored.vectors, vectors)
    assert again.skipped  # nothing to rebuild for the new format
