"""What an action needs to know about the current turn, read from the tracker once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rasa_sdk import Tracker

from bot import e5
from bot.i18n import DEFAULT_LANGUAGE, normalise_language


@dataclass(frozen=True)
class Turn:
    text: str
    lang: str
    intent: str
    confidence: float
    entities: list[dict[str, Any]]
    #: The message's e5 query vector, computed once by the engine's featurizer (bot.e5); None
    #: for button payloads, which skip the NLU, and then the search embeds the text itself.
    query_vector: np.ndarray | None = field(default=None, compare=False, repr=False)

    def entity(self, name: str) -> str | None:
        for entity in self.entities:
            if entity.get("entity") == name and entity.get("value"):
                return str(entity["value"])
        return None


def read_turn(tracker: Tracker) -> Turn:
    """The latest user message with the session language the gateway sent as metadata."""
    latest = tracker.latest_message or {}
    event = tracker.get_last_event_for("user") or {}
    metadata = event.get("metadata") or latest.get("metadata") or {}
    intent = latest.get("intent") or {}
    return Turn(
        text=(latest.get("text") or "").strip(),
        lang=normalise_language(metadata.get("lang")) or DEFAULT_LANGUAGE,
        intent=intent.get("name") or "",
        confidence=float(intent.get("confidence") or 0.0),
        entities=list(latest.get("entities") or []),
        query_vector=e5.unpack(latest.get(e5.PARSE_KEY)),
    )
