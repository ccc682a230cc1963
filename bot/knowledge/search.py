"""Search the current index build, and pick up a new build without a restart.

Retrieval goes through a list of retrievers; today there is one (dense, FAISS). A keyword
leg (BM25) can be added as a second ``Retriever`` whose results ``_fuse`` combines.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Protocol, Sequence, Set, Tuple

from bot.knowledge.articles import Article
from bot.knowledge.embedder import Embedder
from bot.knowledge.index import CURRENT, BrokenBuildError, StoredBuild, open_build

log = logging.getLogger(__name__)

#: A search looks at this many chunks per wanted hit, since several chunks of one article
#: compete for the same place.
CANDIDATES_PER_HIT = 8


@dataclass(frozen=True)
class Hit:
    article_id: str
    chunk_id: str
    #: Heading of the matching section; empty when the title + summary matched.
    heading: str
    #: Cosine similarity of question and chunk (dense retrieval).
    score: float
    lang: str
    topic: str = ""


class KnowledgeBaseError(RuntimeError):
    """No usable index build: none built yet, or the one ``current`` points at is broken."""


#: (row in the build's chunk list, score), best first.
ScoredRows = List[Tuple[int, float]]


class OpenRetriever(Protocol):
    def search(self, query: str, n: int) -> ScoredRows:
        """The ``n`` best chunk rows for ``query``."""


class Retriever(Protocol):
    """One way of finding chunks in a build."""

    name: str

    def warm_up(self) -> None:
        """Load whatever is slow to load (a model)."""

    def open(self, build: StoredBuild) -> OpenRetriever:
        """Prepare searching ``build``; raise BrokenBuildError when it cannot."""


class DenseRetriever:
    """Embed the question, inner-product search over normalised vectors (= cosine)."""

    name = "dense"

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def warm_up(self) -> None:
        self.embedder.warm_up()

    def open(self, build: StoredBuild) -> OpenRetriever:
        return _OpenDense(self.embedder, build)


class _OpenDense:
    def __init__(self, embedder: Embedder, build: StoredBuild):
        self._embedder = embedder
        self._index = build.index

    def search(self, query: str, n: int) -> ScoredRows:
        n = min(n, self._index.ntotal)
        if n <= 0:
            return []
        scores, rows = self._index.search(self._embedder.encode_queries([query]), n)
        return [(int(row), float(score)) for row, score in zip(rows[0], scores[0]) if row >= 0]


@dataclass(frozen=True)
class _Loaded:
    """Everything one build needs for searching; swapped as a whole."""

    link_target: str
    build: StoredBuild
    retrievers: List[OpenRetriever]
    articles: Dict[Tuple[str, str], Article]
    languages: Dict[str, Set[str]]


class KnowledgeBase:
    """The articles and index of the build ``index_dir/current`` points at."""

    def __init__(self, index_dir: Path, embedder: Embedder, retrievers: Optional[Sequence[Retriever]] = None):
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.retrievers: List[Retriever] = list(retrievers) if retrievers else [DenseRetriever(embedder)]
        if len(self.retrievers) != 1:
            raise ValueError("one retriever for now: fusing several comes with the BM25 leg")
        self._loaded: Optional[_Loaded] = None
        self._failed_target: Optional[str] = None
        self._lock = threading.Lock()

    @property
    def build_id(self) -> Optional[str]:
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

    def search(self, query: str, k: int) -> List[Hit]:
        """The ``k`` best articles for ``query``: each article's best chunk, best first."""
        self.maybe_reload()
        loaded = self._require_loaded()
        if not query.strip() or k <= 0:
            return []
        wanted = k * CANDIDATES_PER_HIT
        rows = _fuse([retriever.search(query, wanted) for retriever in loaded.retrievers])
        hits: List[Hit] = []
        seen = set()
        for row, score in rows:
            chunk = loaded.build.chunks[row]
            if chunk.article_id in seen:
                continue
            seen.add(chunk.article_id)
            hits.append(Hit(chunk.article_id, chunk.chunk_id, chunk.heading, score, chunk.lang, chunk.topic))
            if len(hits) == k:
                break
        return hits

    def article(self, article_id: str, lang: str) -> Optional[Article]:
        """That language version of the article, or None."""
        return self._require_loaded().articles.get((article_id, lang))

    def article_ids(self, topic: Optional[str] = None) -> List[str]:
        """Ids of all articles (of one topic), in a stable order."""
        articles = self._require_loaded().articles.values()
        return sorted({a.id for a in articles if topic is None or a.topic == topic})

    def languages(self, article_id: str) -> Set[str]:
        """Languages the article exists in (empty when the id is unknown)."""
        return set(self._require_loaded().languages.get(article_id, ()))

    def _require_loaded(self) -> _Loaded:
        loaded = self._loaded
        if loaded is None:
            raise KnowledgeBaseError(
                f"no usable index build in {self.index_dir}; run `python -m bot build-index`"
            )
        return loaded

    def _read_link(self) -> Optional[str]:
        try:
            return os.readlink(self.index_dir / CURRENT)
        except OSError:
            return None

    def _open(self, target: str) -> _Loaded:
        build = open_build(self.index_dir / target, self.embedder)
        articles = {(a.id, a.lang): a for a in build.articles}
        languages: Dict[str, Set[str]] = {}
        for article_id, lang in articles:
            languages.setdefault(article_id, set()).add(lang)
        retrievers = [retriever.open(build) for retriever in self.retrievers]
        return _Loaded(target, build, retrievers, articles, languages)


def _fuse(results: List[ScoredRows]) -> ScoredRows:
    """Combine the retrievers' rankings; with the one dense retriever, its cosine ranking."""
    return results[0]
