"""Search the current index build, and pick up a new build without a restart.

Retrieval is hybrid: a dense retriever (e5 vectors) and a keyword retriever (BM25) each rank
the chunks; reciprocal-rank fusion (RRF) of their per-article rankings gives the order.
``benchmarks/retrieval.py`` measures every step on the labelled questions.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.knowledge.articles import Article
from bot.knowledge.bm25 import BM25Index, normalise
from bot.knowledge.chunking import Chunk
from bot.knowledge.embedder import Embedder
from bot.knowledge.index import CURRENT, BrokenBuildError, StoredBuild, open_build
from bot.knowledge.rendering import render_article

log = logging.getLogger(__name__)

#: RRF constant (Cormack et al. 2009): a rank r counts 1 / (RRF_K + r).
RRF_K = 60
#: The language every article has; other languages' vectors are shifted towards it.
REFERENCE_LANGUAGE = "de"
#: A language's offset is estimated only from at least this many translated articles; from
#: fewer it would mostly be those articles' content, not the language.
MIN_ARTICLES_FOR_OFFSET = 3
#: How much the best match on an article's title + summary (+ keywords) chunk adds to each of
#: its chunks: a question about the article's subject should find it even when the matching
#: words sit in another section. 0.5 was best on the labelled questions (0.3 and 1.0 close).
SUMMARY_WEIGHT = 0.5
#: Most the keyword leg counts in the fusion, against the dense leg's 1.
KEYWORD_WEIGHT = 0.5


@dataclass(frozen=True)
class Hit:
    article_id: str
    chunk_id: str
    #: Heading of the matching section; empty when the title + summary matched.
    heading: str
    #: Highest cosine similarity between the question and any chunk of the article (dense).
    #: The no-answer threshold applies to it. Without a dense retriever: the first
    #: retriever's score.
    score: float
    lang: str
    topic: str = ""
    #: RRF score the hits are ordered by (descending).
    fused: float = 0.0
    #: Highest cosine between the question and what the article says it answers: its title +
    #: summary chunk and its questions (``#q`` chunks), in any language.
    question_score: float = 0.0
    #: Place of the article among all articles by ``question_score`` (1 = best; 0 = unknown).
    question_rank: int = 0


class KnowledgeBaseError(RuntimeError):
    """No usable index build: none built yet, or the one ``current`` points at is broken."""


#: (row in the build's chunk list, score), best first.
ScoredRows = list[tuple[int, float]]


@dataclass(frozen=True)
class Ranking:
    """One retriever's answer to one question."""

    rows: ScoredRows
    #: Its say in the fusion for this question (0: none).
    weight: float = 1.0
    #: Cosine of the question and each chunk, by row, when the retriever computes them.
    cosines: np.ndarray | None = None


class OpenRetriever(Protocol):
    def search(self, query: str, n: int, query_vector: np.ndarray | None = None) -> Ranking:
        """The ``n`` best chunk rows for ``query`` (``query_vector``: its e5 query vector, when
        the engine computed it already)."""


class Retriever(Protocol):
    """One way of finding chunks in a build."""

    name: str

    def warm_up(self) -> None:
        """Load whatever is slow to load (a model)."""

    def open(self, build: StoredBuild) -> OpenRetriever:
        """Prepare searching ``build``; raise BrokenBuildError when it cannot."""


class DenseRetriever:
    """Embed the question; rank chunks by cosine, balanced across languages.

    A multilingual model scores a question higher against any text in the question's own
    language, so an article translated into Arabic would beat the right article that exists
    only in German and English. Each language's average offset from German (measured on the
    articles that exist in both) is therefore subtracted from its chunk vectors before
    ranking. ``Hit.score`` stays the plain cosine.
    """

    name = "dense"

    def __init__(self, embedder: Embedder, balance_languages: bool = True, summary_weight: float = SUMMARY_WEIGHT):
        self.embedder = embedder
        self.balance_languages = balance_languages
        self.summary_weight = summary_weight

    def warm_up(self) -> None:
        self.embedder.warm_up()

    def open(self, build: StoredBuild) -> OpenRetriever:
        return _OpenDense(self, build)


class _OpenDense:
    def __init__(self, config: DenseRetriever, build: StoredBuild):
        self._embedder = config.embedder
        self._summary_weight = config.summary_weight
        self._vectors = build.vectors
        self._ranking_vectors = self._vectors
        if config.balance_languages:
            offsets = language_offsets(self._vectors, build.chunks)
            if offsets:
                shift = np.zeros_like(self._vectors)
                for row, chunk in enumerate(build.chunks):
                    if chunk.lang in offsets:
                        shift[row] = offsets[chunk.lang]
                self._ranking_vectors = self._vectors - shift
        article_ids = sorted({chunk.article_id for chunk in build.chunks})
        position = {article_id: n for n, article_id in enumerate(article_ids)}
        self._article_of_row = np.array([position[c.article_id] for c in build.chunks], dtype=np.int64)
        self._summary_rows = np.array([row for row, c in enumerate(build.chunks) if _is_summary(c)], dtype=np.int64)
        self._article_count = len(article_ids)

    def search(self, query: str, n: int, query_vector: np.ndarray | None = None) -> Ranking:
        if n <= 0 or len(self._vectors) == 0:
            return Ranking([], cosines=np.zeros(0, dtype=np.float32))
        if query_vector is not None and query_vector.shape == (self._vectors.shape[1],):
            question = query_vector.astype(np.float32, copy=False)
        else:
            question = self._embedder.encode_queries([query])[0]
        cosines = self._vectors @ question
        scores = self._ranking_vectors @ question
        if self._summary_weight and len(self._summary_rows):
            best_summary = np.full(self._article_count, -np.inf, dtype=scores.dtype)
            np.maximum.at(best_summary, self._article_of_row[self._summary_rows], scores[self._summary_rows])
            best_summary[~np.isfinite(best_summary)] = 0.0  # an article without a summary chunk
            scores = scores + self._summary_weight * best_summary[self._article_of_row]
        order = np.argsort(-scores, kind="stable")[:n]
        return Ranking([(int(row), float(scores[row])) for row in order], cosines=cosines)


def _is_summary(chunk: Chunk) -> bool:
    return chunk.chunk_id.endswith("#0")


def _is_question(chunk: Chunk) -> bool:
    """A question the article answers (front matter ``questions``), chunk ``#q<n>``."""
    return "#q" in chunk.chunk_id


def language_offsets(vectors: np.ndarray, chunks: Sequence[Chunk]) -> dict[str, np.ndarray]:
    """Per language: mean vector of its chunks minus the mean of the same articles' German chunks.

    Languages with fewer than MIN_ARTICLES_FOR_OFFSET translated articles get no offset.
    """
    rows_by: dict[tuple[str, str], list[int]] = {}
    for row, chunk in enumerate(chunks):
        rows_by.setdefault((chunk.lang, chunk.article_id), []).append(row)
    offsets = {}
    for lang in sorted({lang for lang, _ in rows_by} - {REFERENCE_LANGUAGE}):
        shared = [a for (l, a) in rows_by if l == lang and (REFERENCE_LANGUAGE, a) in rows_by]
        if len(shared) < MIN_ARTICLES_FOR_OFFSET:
            continue
        own = [row for a in shared for row in rows_by[(lang, a)]]
        reference = [row for a in shared for row in rows_by[(REFERENCE_LANGUAGE, a)]]
        offsets[lang] = vectors[own].mean(axis=0) - vectors[reference].mean(axis=0)
    return offsets


class KeywordRetriever:
    """BM25 over the chunks of the languages every article has (German, mostly English).

    Only those languages, so that no article wins a question for merely being translated
    into the question's language. Its weight in the fusion grows with the share of the
    question's words the index knows: full for a German or English question, next to nothing
    for a Persian one (where it could only add noise).
    """

    name = "bm25"

    def __init__(self, weight: float = KEYWORD_WEIGHT, all_languages: bool = False, adaptive: bool = True):
        self.weight = weight
        self.all_languages = all_languages
        self.adaptive = adaptive

    def warm_up(self) -> None:
        """Nothing to load."""

    def open(self, build: StoredBuild) -> OpenRetriever:
        languages = None if self.all_languages else complete_languages(build.chunks)
        rows = [row for row, chunk in enumerate(build.chunks) if languages is None or chunk.lang in languages]
        return _OpenKeyword(self, rows, BM25Index([build.chunks[row].text for row in rows]))


class _OpenKeyword:
    def __init__(self, config: KeywordRetriever, rows: list[int], index: BM25Index):
        self._config = config
        self._rows = rows
        self._index = index

    def search(self, query: str, n: int, query_vector: np.ndarray | None = None) -> Ranking:
        weight = self._config.weight
        if self._config.adaptive:
            # Squared: a few shared words (names, "in", "de") must not give a foreign-language
            # question a keyword ranking of any weight.
            weight *= self._index.coverage(query) ** 2
        found = self._index.search(query, n)
        return Ranking([(self._rows[position], score) for position, score in found], weight=weight)


def complete_languages(chunks: Sequence[Chunk]) -> set[str]:
    """Languages in which every article of the build exists."""
    languages: dict[str, set[str]] = {}
    for chunk in chunks:
        languages.setdefault(chunk.article_id, set()).add(chunk.lang)
    return set.intersection(*languages.values()) if languages else set()


def default_retrievers(embedder: Embedder) -> list[Retriever]:
    """Dense plus keyword: what the bot uses."""
    return [DenseRetriever(embedder), KeywordRetriever()]


@dataclass(frozen=True)
class _Loaded:
    """Everything one build needs for searching; swapped as a whole."""

    link_target: str
    build: StoredBuild
    retrievers: list[OpenRetriever]
    articles: dict[tuple[str, str], Article]
    languages: dict[str, set[str]]
    #: (id, language, day) → the article with that day's figures.
    rendered: dict[tuple[str, str, dt.date], Article | None] = field(default_factory=dict)


class KnowledgeBase:
    """The articles and index of the build ``index_dir/current`` points at.

    ``article()`` hands out articles with their figures (``{{fact:…}}``) filled in for the day
    ``today()`` returns (the settings' ``today`` in the action server), so an answer always
    shows the value that applies on the day it is given.
    """

    def __init__(self, index_dir: Path, embedder: Embedder, retrievers: Sequence[Retriever] | None = None,
                 today: Callable[[], dt.date] = dt.date.today):
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.today = today
        self.retrievers: list[Retriever] = list(retrievers) if retrievers else default_retrievers(embedder)
        self._loaded: _Loaded | None = None
        self._failed_target: str | None = None
        self._lock = threading.Lock()

    @property
    def build_id(self) -> str | None:
        loaded = self._loaded
        return loaded.build.build_id if loaded else None

    def load(self) -> None:
        """Warm up and load the current build; KnowledgeBaseError when there is none usable."""
        for retriever in self.retrievers:
            retriever.warm_up()
        target = self._read_link()
        if target is None:
            raise KnowledgeBaseError(
                f"no index build at {self.index_dir / CURRENT}; run `python -m bot build-index`"
            )
        with self._lock:
            try:
                self._loaded = self._open(target)
            except BrokenBuildError as exc:
                raise KnowledgeBaseError(f"index build is unusable: {exc}; run `python -m bot build-index`") from exc
            self._failed_target = None

    def maybe_reload(self) -> bool:
        """Switch to a new ``current`` build if there is one; True when it switched.

        Costs one readlink when nothing changed. A new build that is broken is logged once
        and skipped; the build already loaded keeps serving.
        """
        target = self._read_link()
        loaded = self._loaded
        if target is None or (loaded is not None and target == loaded.link_target) or target == self._failed_target:
            return False
        with self._lock:
            loaded = self._loaded
            if loaded is not None and target == loaded.link_target:
                return False  # another thread swapped while this one waited
            try:
                if loaded is None:
                    for retriever in self.retrievers:
                        retriever.warm_up()
                new = self._open(target)
            except BrokenBuildError as exc:
                self._failed_target = target
                log.warning("index build %s not loaded, still serving %s: %s",
                            target, loaded.build.build_id if loaded else "nothing", exc)
                return False
            self._loaded, self._failed_target = new, None
        log.info("index build %s loaded (%d chunks)", new.build.build_id, len(new.build.chunks))
        return True

    def search(self, query: str, k: int, query_vector: np.ndarray | None = None) -> list[Hit]:
        """The ``k`` best articles for ``query``, best first, each with its best chunk.

        ``query_vector`` is the question's e5 query vector when the engine computed it already
        (one embedding per message); without it the question is embedded here.
        """
        self.maybe_reload()
        loaded = self._require_loaded()
        query = normalise(query)
        if not query or k <= 0:
            return []
        # Every retriever ranks every chunk: exact fusion and a cosine for every article,
        # cheap for a knowledge base of a few thousand chunks.
        everything = len(loaded.build.chunks)
        rankings = [retriever.search(query, everything, query_vector) for retriever in loaded.retrievers]
        return _fuse(rankings, loaded.build.chunks, k)

    def article(self, article_id: str, lang: str) -> Article | None:
        """That language version of the article with today's figures, or None."""
        loaded = self._require_loaded()
        key = (article_id, lang, self.today())
        if key not in loaded.rendered:
            article = loaded.articles.get((article_id, lang))
            loaded.rendered[key] = render_article(article, loaded.build.facts, key[2]) if article else None
        return loaded.rendered[key]

    def article_ids(self, topic: str | None = None) -> list[str]:
        """Ids of all articles (of one topic), in a stable order."""
        articles = self._require_loaded().articles.values()
        return sorted({a.id for a in articles if topic is None or a.topic == topic})

    def languages(self, article_id: str) -> set[str]:
        """Languages the article exists in (empty when the id is unknown)."""
        return set(self._require_loaded().languages.get(article_id, ()))

    def _require_loaded(self) -> _Loaded:
        loaded = self._loaded
        if loaded is None:
            raise KnowledgeBaseError(
                f"no usable index build in {self.index_dir}; run `python -m bot build-index`"
            )
        return loaded

    def _read_link(self) -> str | None:
        try:
            return os.readlink(self.index_dir / CURRENT)
        except OSError:
            return None

    def _open(self, target: str) -> _Loaded:
        build = open_build(self.index_dir / target, self.embedder)
        articles = {(a.id, a.lang): a for a in build.articles}
        languages: dict[str, set[str]] = {}
        for article_id, lang in articles:
            languages.setdefault(article_id, set()).add(lang)
        retrievers = [retriever.open(build) for retriever in self.retrievers]
        return _Loaded(target, build, retrievers, articles, languages)


def _fuse(rankings: list[Ranking], chunks: Sequence[Chunk], k: int) -> list[Hit]:
    """Reciprocal-rank fusion of the rankings' per-article orders; the ``k`` best articles.

    An article's place in a ranking is that of its best chunk. Its hit shows the best chunk
    of the first ranking that has it; ties keep the first ranking's order.
    """
    fused: dict[str, float] = {}
    best_row: dict[str, int] = {}
    leg_score: dict[str, float] = {}
    for ranking in rankings:
        place = 0
        seen: set[str] = set()
        for row, score in ranking.rows:
            article_id = chunks[row].article_id
            if article_id in seen:
                continue
            seen.add(article_id)
            place += 1
            best_row.setdefault(article_id, row)
            leg_score.setdefault(article_id, score)
            fused[article_id] = fused.get(article_id, 0.0) + ranking.weight / (RRF_K + place)
    cosines = next((r.cosines for r in rankings if r.cosines is not None), None)
    best_cosine: dict[str, float] = {}
    if cosines is not None:
        for row, chunk in enumerate(chunks):
            value = float(cosines[row])
            if value > best_cosine.get(chunk.article_id, -np.inf):
                best_cosine[chunk.article_id] = value
    question_score: dict[str, float] = {}
    if cosines is not None:
        for row, chunk in enumerate(chunks):
            if _is_summary(chunk) or _is_question(chunk):
                value = float(cosines[row])
                if value > question_score.get(chunk.article_id, -np.inf):
                    question_score[chunk.article_id] = value
    question_rank = {a: n for n, a in enumerate(sorted(question_score, key=lambda a: -question_score[a]), start=1)}
    hits = []
    for article_id in sorted(fused, key=lambda a: -fused[a])[:k]:
        chunk = chunks[best_row[article_id]]
        score = best_cosine[article_id] if cosines is not None else leg_score[article_id]
        hits.append(Hit(article_id, chunk.chunk_id, chunk.heading, score, chunk.lang, chunk.topic, fused[article_id],
                        question_score.get(article_id, 0.0), question_rank.get(article_id, 0)))
    return hits
