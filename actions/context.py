"""What an action needs to know about the current turn, read from the tracker once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from bot.i18n import DEFAULT_LANGUAGE, normalise_language


@dataclass(frozen=True)
class Turn:
    text: str
    lang: str
    intent: str
    confidence: float
    entities: list[dict[str, Any]]

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
    )
