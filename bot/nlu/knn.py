"""The vote of the nearest training examples (numpy only; the Rasa component is knn_intent_classifier)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

#: The keys Rasa uses in an intent ranking (rasa.shared.nlu.constants).
NAME, CONFIDENCE = "name", "confidence"


def unit(vectors: np.ndarray) -> np.ndarray:
    """Each vector scaled to length 1 (zero vectors stay zero)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def vote(similarities: np.ndarray, labels: list[str], k: int, temperature: float) -> list[dict[str, Any]]:
    """The intent ranking from one message's similarities to all training examples.

    The ``k`` nearest examples vote with weight ``exp(temperature * (similarity - best))``; each
    intent's confidence is its share of the votes, so the confidences sum to 1.
    """
    if similarities.size == 0:
        return []
    nearest = np.argsort(-similarities)[:k]
    best = similarities[nearest[0]]
    weights: dict[str, float] = defaultdict(float)
    for index in nearest:
        weights[labels[index]] += float(np.exp(temperature * (similarities[index] - best)))
    total = sum(weights.values())
    ranking = sorted(weights.items(), key=lambda item: item[1], reverse=True)
    return [{NAME: name, CONFIDENCE: weight / total} for name, weight in ranking]
