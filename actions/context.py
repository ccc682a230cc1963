"""What an action needs to know about the current turn, read from the tracker once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rasa_sdk import Tracker

from bot import e5
from bot.i18n import DEFAULT_LANGUAGE, normalise_language
from bot.language import without_greeting


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
    #: A language we do not offer that the message is written in (the gateway's detection,
    #: bot.language): the reply is in ``lang`` with a note listing our languages.
    written_in: str | None = None
    #: The wish for a language that came with this message: {"lang", "supported", "bare"}.
    language_request: dict[str, Any] | None = None
    #: True until this turn's first reply has been sent (by any action of the turn).
    first_reply: bool = True

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
    wish = metadata.get("language_request")
    raw = (latest.get("text") or "").strip()
    # A greeting before the question ("مرحبا، ...", "Hallo, ...") does not change the answer: it is
    # set aside, and the engine's vector (of the whole message, greeting included) is not used then.
    text = without_greeting(raw)
    return Turn(
        text=text,
        lang=normalise_language(metadata.get("lang")) or DEFAULT_LANGUAGE,
        intent=intent.get("name") or "",
        confidence=float(intent.get("confidence") or 0.0),
        entities=list(latest.get("entities") or []),
        query_vector=e5.unpack(latest.get(e5.PARSE_KEY)) if text == raw else None,
        written_in=metadata.get("written_in") or None,
        language_request=wish if isinstance(wish, dict) else None,
        first_reply=not _replied_since_user(tracker),
    )


def _replied_since_user(tracker: Tracker) -> bool:
    """True when an action of this turn has already sent a message (a bot event after the user's)."""
    for event in reversed(tracker.events or []):
        kind = event.get("event")
        if kind == "user":
            return False
        if kind == "bot":
            return True
    return False
