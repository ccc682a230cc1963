"""Build the search index from the articles, swap it in atomically, and read builds back.

Layout: ``index_dir/<build_id>/{vectors.npy, chunks.jsonl, articles.json, facts.json,
manifest.json}``; ``index_dir/current`` is a relative symlink to the build in use. Row i of
vectors.npy (float32, one L2-normalised e5 passage vector per chunk) is line i of chunks.jsonl.
A plain array file, no FAISS: a few thousand chunks are searched exactly by one matrix product
(bot.knowledge.search), which FAISS would only wrap.

articles.json carries every article-language in full (``{{fact:…}}`` references as written)
and facts.json every fact, so the action server needs no access to ``knowledge/`` and renders
each answer's figures for the day it answers.

The chunks are embedded with the figures as they are on the day of the build, so a figure is
findable by its value; the content hash includes which value of each fact applies on that
day, so the first build after a value's period ends (e.g. on 1 January) embeds the new one.

``index_dir/embedding-cache/<embedder>.npz`` keeps the vectors of the last build by text, so a
rebuild embeds only chunks whose text changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.knowledge.articles import Article, article_files, load_articles
from bot.knowledge.check import check_knowledge
from bot.knowledge.chunking import CHUNK_FORMAT, Chunk, chunk_articles
from bot.knowledge.embedder import Embedder
from bot.knowledge.facts import FactBook, fact_files, load_facts
from bot.knowledge.rendering import render_article
from bot.validation.problem import Problem

CURRENT = "current"
VECTORS_FILE = "vectors.npy"
CHUNKS_FILE = "chunks.jsonl"
ARTICLES_FILE = "articles.json"
FACTS_FILE = "facts.json"
MANIFEST_FILE = "manifest.json"
MANIFEST_KEYS = ("build_id", "content_hash", "embedder", "dim", "chunk_count", "created_at")
#: Older builds are deleted; a few stay so an operator can point ``current`` back by hand.
BUILDS_TO_KEEP = 3
EMBED_BATCH_SIZE = 64
CACHE_FOLDER = "embedding-cache"
_TEMP_PREFIX = ".tmp-"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    build_id: str
    path: Path
    chunk_count: int
    #: True when the current build already had this content and nothing was built.
    skipped: bool
    seconds: float
    #: Distinct chunk texts embedded by the model; the other vectors were reused.
    embedded: int = 0


class KnowledgeCheckFailed(RuntimeError):
    """The knowledge folder has errors; nothing was built."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"the knowledge check found {len(problems)} error(s); nothing was built")


class BrokenBuildError(RuntimeError):
    """A build folder is incomplete or does not fit the embedder."""


@dataclass(frozen=True)
class StoredBuild:
    """One build read back from disk and checked."""

    build_id: str
    path: Path
    manifest: dict
    #: (chunks, dim) float32, row i = chunk i.
    vectors: np.ndarray
    chunks: list[Chunk]
    articles: list[Article]
    #: Empty for a build made before facts existed.
    facts: FactBook = dataclasses.field(default_factory=FactBook)


def content_hash(knowledge_dir: Path, embedder_name: str, today: dt.date | None = None) -> str:
    """sha256 over every article and facts file (path and bytes), the chunk format, the embedder,
    and which value of each fact applies ``today`` (the one the chunks show)."""
    knowledge_dir = Path(knowledge_dir)
    digest = hashlib.sha256(f"{CHUNK_FORMAT}\0{embedder_name}\0".encode())
    files = [p for p in article_files(knowledge_dir) if p.suffix == ".md"] + fact_files(knowledge_dir)
    for path in files:
        digest.update(path.relative_to(knowledge_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    if fact_files(knowledge_dir):
        day = today or dt.date.today()
        for fact_id, fact in sorted(load_facts(knowledge_dir).items()):
            reading = fact.on(day)
            digest.update(f"{fact_id}={reading.value.valid_from}:{reading.status}\0".encode())
    return digest.hexdigest()


def current_build_dir(index_dir: Path) -> Path | None:
    """The folder ``index_dir/current`` points at, or None when there is no pointer."""
    link = Path(index_dir) / CURRENT
    if not link.is_symlink():
        return None
    return Path(index_dir) / os.readlink(link)


def build_index(
    knowledge_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    force: bool = False,
    today: dt.date | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Check, chunk and embed the articles into a new build and make it current.

    ``progress(done, total)`` is called after each batch the model embeds (chunks found in the
    cache cost nothing and are not counted), e.g. with bot.progress.Progress.set.

    ``cache_dir`` holds the embedding cache (default ``index_dir/embedding-cache``); the
    command line points it at the machine-wide cache so a fresh clone re-embeds nothing.

    Raises KnowledgeCheckFailed (with the errors) when the check finds errors. Skips the
    build when the current one was made from the same content with the same embedder.
    """
    started = time.monotonic()
    knowledge_dir, index_dir = Path(knowledge_dir), Path(index_dir)
    today = today or dt.date.today()
    errors = [p for p in check_knowledge(knowledge_dir, today) if p.severity == "error"]
    if errors:
        raise KnowledgeCheckFailed(errors)
    index_dir.mkdir(parents=True, exist_ok=True)
    digest = content_hash(knowledge_dir, embedder.name, today)

    current = current_build_dir(index_dir)
    stored = None
    if current is not None:
        try:
            stored = open_build(current, embedder)
        except BrokenBuildError:
            pass  # a broken current build is replaced, whatever its hash says
    if not force and stored is not None and stored.manifest["content_hash"] == digest:
        return BuildResult(stored.build_id, current, len(stored.chunks), True, time.monotonic() - started)

    articles = load_articles(knowledge_dir)
    facts = load_facts(knowledge_dir)
    chunks = chunk_articles(render_article(article, facts, today, notes=False) for article in articles)
    vectors, embedded = embed_with_cache(
        embedder, [chunk.text for chunk in chunks], cache_path(index_dir, embedder, cache_dir), stored,
        progress=progress)

    build_id = _new_build_id(index_dir, digest)
    temp_dir = index_dir / f"{_TEMP_PREFIX}{build_id}"
    try:
        temp_dir.mkdir()
        _write_build(temp_dir, build_id, digest, embedder, vectors, chunks, articles, facts, knowledge_dir)
        temp_dir.rename(index_dir / build_id)
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
    point_current_at(index_dir, build_id)
    prune_builds(index_dir)
    return BuildResult(build_id, index_dir / build_id, len(chunks), False, time.monotonic() - started, embedded)


def point_current_at(index_dir: Path, build_id: str) -> None:
    """Swap ``index_dir/current`` to ``build_id`` in one step (readers never see it missing)."""
    temp_link = Path(index_dir) / f"{_TEMP_PREFIX}current-{uuid.uuid4().hex}"
    os.symlink(build_id, temp_link)  # relative, so the index folder can be moved
    os.replace(temp_link, Path(index_dir) / CURRENT)


def list_builds(index_dir: Path) -> list[Path]:
    """Build folders, oldest first (by the creation time in their manifest)."""
    builds = []
    for path in Path(index_dir).iterdir():
        if path.is_dir() and not path.is_symlink() and not path.name.startswith(".") and path.name != CACHE_FOLDER:
            try:
                created = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))["created_at"]
            except (OSError, ValueError, KeyError, TypeError):
                created = ""
            builds.append((str(created), path.name, path))
    return [path for _, _, path in sorted(builds)]


def prune_builds(index_dir: Path, keep: int = BUILDS_TO_KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` builds (never the current one); return what went."""
    current = current_build_dir(index_dir)
    builds = list_builds(index_dir)
    removed = []
    for path in builds[: max(len(builds) - keep, 0)]:
        if current is not None and path.name == current.name:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def open_build(build_dir: Path, embedder: Embedder | None = None) -> StoredBuild:
    """Read a build and check it is whole and made by ``embedder``; BrokenBuildError if not."""
    build_dir = Path(build_dir)
    try:
        manifest = json.loads((build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BrokenBuildError(f"{build_dir.name}: {MANIFEST_FILE} is missing or unreadable ({exc})") from exc
    missing = [key for key in MANIFEST_KEYS if not isinstance(manifest, dict) or key not in manifest]
    if missing:
        raise BrokenBuildError(f"{build_dir.name}: {MANIFEST_FILE} lacks {', '.join(missing)}")
    try:
        vectors = _read_vectors(build_dir)
        with open(build_dir / CHUNKS_FILE, encoding="utf-8") as handle:
            chunks = [Chunk(**json.loads(line)) for line in handle if line.strip()]
        articles = [
            Article.from_dict(item)
            for item in json.loads((build_dir / ARTICLES_FILE).read_text(encoding="utf-8"))
        ]
        facts = FactBook()
        if (build_dir / FACTS_FILE).exists():
            facts = FactBook.from_json(json.loads((build_dir / FACTS_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError, EOFError, ArithmeticError) as exc:
        raise BrokenBuildError(f"{build_dir.name}: cannot read the build files ({exc})") from exc
    problems = []
    if vectors.ndim != 2 or vectors.dtype != np.float32:
        raise BrokenBuildError(f"{build_dir.name}: {VECTORS_FILE} is not a float32 matrix "
                               f"({vectors.dtype}, shape {vectors.shape})")
    if not (len(vectors) == len(chunks) == manifest["chunk_count"]):
        problems.append(
            f"index has {len(vectors)} vectors, chunks.jsonl {len(chunks)} chunks, "
            f"manifest says {manifest['chunk_count']}"
        )
    if vectors.shape[1] != manifest["dim"]:
        problems.append(f"index dimension {vectors.shape[1]} differs from the manifest's {manifest['dim']}")
    if not np.isfinite(vectors).all():
        problems.append(f"{VECTORS_FILE} holds values that are not finite")
    if embedder is not None:
        if embedder.name != manifest["embedder"]:
            problems.append(f"built with embedder {manifest['embedder']}, this process uses {embedder.name}")
        if embedder.dim != manifest["dim"]:
            problems.append(f"manifest dimension {manifest['dim']} differs from the embedder's {embedder.dim}")
    if problems:
        raise BrokenBuildError(f"{build_dir.name}: " + "; ".join(problems))
    return StoredBuild(manifest["build_id"], build_dir, manifest, vectors, chunks, articles, facts)


#: What builds made before 2026-12-07 hold instead of vectors.npy; still read, never written.
LEGACY_FAISS_FILE = "index.faiss"


def _read_vectors(build_dir: Path) -> np.ndarray:
    if not (build_dir / VECTORS_FILE).exists() and (build_dir / LEGACY_FAISS_FILE).exists():
        try:
            import faiss
        except ImportError as exc:
            raise OSError(f"{LEGACY_FAISS_FILE} needs faiss to be read; rebuild the index") from exc
        try:
            index = faiss.read_index(str(build_dir / LEGACY_FAISS_FILE))
            return np.ascontiguousarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)
        except RuntimeError as exc:  # faiss reports a truncated or corrupt file so
            raise OSError(str(exc)) from exc
    return np.load(build_dir / VECTORS_FILE, allow_pickle=False)


def cache_path(index_dir: Path, embedder: Embedder, cache_dir: Path | None = None) -> Path:
    """The embedding cache file of ``embedder`` (its name made safe for a file name)."""
    folder = Path(cache_dir) if cache_dir is not None else Path(index_dir) / CACHE_FOLDER
    return folder / (re.sub(r"[^A-Za-z0-9._-]", "_", embedder.name) + ".npz")


def embed_with_cache(
    embedder: Embedder, texts: list[str], path: Path, previous: StoredBuild | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors of ``texts`` and how many distinct texts the model had to embed.

    Vectors come from the cache file when it has the text, else from ``previous`` (a build
    by the same embedder; so a missing cache costs nothing), else from the model, which is
    loaded only then. Afterwards the cache holds exactly these texts (unused entries go).
    """
    keys = [_text_key(text) for text in texts]
    cached = _read_cache(path, embedder.dim)
    if previous is not None and previous.manifest["embedder"] == embedder.name and previous.chunks:
        for chunk, vector in zip(previous.chunks, previous.vectors):
            cached.setdefault(_text_key(chunk.text), vector)
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts):
        if key not in cached:
            missing.setdefault(key, text)
    if missing:
        embedder.warm_up()
        cached.update(zip(missing, _embed_passages(embedder, list(missing.values()), progress)))
    if texts:
        vectors = np.ascontiguousarray(np.vstack([cached[key] for key in keys]), dtype=np.float32)
    else:
        vectors = np.zeros((0, embedder.dim), dtype=np.float32)
    _write_cache(path, {key: cached[key] for key in keys}, embedder.dim)
    return vectors, len(missing)


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_cache(path: Path, dim: int) -> dict[str, np.ndarray]:
    """key → vector; empty when there is no cache file or it is unreadable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("embedding cache %s unreadable, ignored: %s", path, exc)
        return {}
    if vectors.ndim != 2 or vectors.shape != (len(keys), dim) or not np.isfinite(vectors).all():
        log.warning("embedding cache %s has vectors of shape %s, not (%d, %d); ignored",
                    path, vectors.shape, len(keys), dim)
        return {}
    return dict(zip(keys.tolist(), vectors.astype(np.float32)))


def _write_cache(path: Path, entries: dict[str, np.ndarray], dim: int) -> None:
    """Replace the cache file in one step, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{_TEMP_PREFIX}{uuid.uuid4().hex}-{path.name}")
    keys = np.array(list(entries), dtype="<U64")
    vectors = np.vstack(list(entries.values())).astype(np.float32) if entries else np.zeros((0, dim), np.float32)
    try:
        with open(temp, "wb") as handle:  # a file object: np.savez would add ".npz" to a name
            np.savez(handle, keys=keys, vectors=vectors)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _embed_passages(
    embedder: Embedder, texts: list[str], progress: Callable[[int, int], None] | None = None
) -> np.ndarray:
    # Texts of similar length go together: a batch is padded to its longest text, so mixed
    # lengths cost the model work on padding (sorted: ~10 % less CPU for the whole index).
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    batches = []
    for start in range(0, len(texts), EMBED_BATCH_SIZE):
        batches.append(embedder.encode_passages([texts[i] for i in order[start : start + EMBED_BATCH_SIZE]]))
        if progress is not None:
            progress(min(start + EMBED_BATCH_SIZE, len(texts)), len(texts))
    embedded = np.vstack(batches) if batches else np.zeros((0, embedder.dim), dtype=np.float32)
    if embedded.shape != (len(texts), embedder.dim) or not np.isfinite(embedded).all():
        raise RuntimeError(f"embedder {embedder.name} returned vectors of shape {embedded.shape}, "
                           f"expected ({len(texts)}, {embedder.dim})")
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    vectors[order] = embedded  # back in the order of ``texts``
    return vectors


def _new_build_id(index_dir: Path, digest: str) -> str:
    base = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + digest[:8]
    build_id, n = base, 1
    while (index_dir / build_id).exists():
        n += 1
        build_id = f"{base}-{n}"
    return build_id


def _write_build(
    folder: Path,
    build_id: str,
    digest: str,
    embedder: Embedder,
    vectors: np.ndarray,
    chunks: list[Chunk],
    articles: list[Article],
    facts: FactBook,
    knowledge_dir: Path,
) -> None:
    # Vectors are L2-normalised, so inner product = cosine similarity.
    np.save(folder / VECTORS_FILE, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    with open(folder / CHUNKS_FILE, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n" for chunk in chunks)
    (folder / ARTICLES_FILE).write_text(
        json.dumps([a.to_dict(relative_to=knowledge_dir) for a in articles], ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    (folder / FACTS_FILE).write_text(json.dumps(facts.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    manifest = {
        "build_id": build_id,
        "content_hash": digest,
        "embedder": embedder.name,
        "dim": embedder.dim,
        "chunk_count": len(chunks),
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
    }
    # The manifest goes last: a folder with a manifest was written completely.
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
