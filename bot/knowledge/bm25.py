"""Keyword search (BM25) over chunk texts, with tokens folded so spelling variants meet.

Folding makes "Änderung", "Aenderung" and "AENDERUNG" one token, strips accents
("recunoaştere" = "recunoastere") and unifies Arabic/Persian letter forms, on both sides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import bm25s
import numpy as np

from bot import folding

# German umlauts become the spelling people type without them (ä → ae), so both spellings
# give the same token; every other accent is dropped after NFKD decomposition.
_EXPANSIONS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC, with runs of white space (tabs, newlines, no-break spaces) as one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower case, umlauts spelled out, other accents and letter variants removed (bot.folding)."""
    return folding.fold(unicodedata.normalize("NFC", text).casefold().translate(_EXPANSIONS))


def tokenize(text: str) -> list[str]:
    """Folded words; single letters are dropped (too common to mean anything), digits kept."""
    return [word for word in _WORD.findall(fold(text)) if len(word) > 1 or word.isdigit()]


class BM25Index:
    """BM25 over a fixed list of texts; rows are positions in that list."""

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75):
        self.size = len(texts)
        self._model = bm25s.BM25(k1=k1, b=b)
        tokens = [tokenize(text) for text in texts]
        # bm25s cannot index an empty corpus; an empty index simply finds nothing.
        if any(tokens):
            self._model.index(tokens, show_progress=False)
            self._vocabulary = set(self._model.vocab_dict)
        else:
            self._vocabulary = set()

    def coverage(self, query: str) -> float:
        """Share of the query's words that occur in the indexed texts (0 when it has none)."""
        words = tokenize(query)
        return sum(word in self._vocabulary for word in words) / len(words) if words else 0.0

    def search(self, query: str, n: int) -> list[tuple[int, float]]:
        """Up to ``n`` (row, score) with a score above zero, best first."""
        ids = self._model.get_tokens_ids([w for w in tokenize(query) if w in self._vocabulary]) if self._vocabulary else []
        if not ids or n <= 0:
            return []
        scores = self._model.get_scores_from_ids(ids)
        order = np.argsort(-scores, kind="stable")[:n]
        return [(int(row), float(scores[row])) for row in order if scores[row] > 0]
