"""Button payloads versus text a person typed.

Rasa treats any message starting with ``/`` as a command: ``/restart`` would wipe the conversation,
``/session_start`` restart it, ``/inform_location{"place": ...`` with broken JSON ends up in the
engine's log. Only the payloads our buttons carry reach the engine as payloads: an intent of our
domain (not one of Rasa's built-in ones) with, optionally, a JSON object of our entities. Anything
else starting with ``/`` is text; the slashes go, so the engine reads the words.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import yaml

from bot.settings import PROJECT_ROOT

#: Rasa's own intents: commands to the dialogue engine, never something a person may trigger.
RASA_INTENTS = frozenset({"restart", "session_start", "back", "nlu_fallback"})
_PAYLOAD = re.compile(r"/([A-Za-z_][A-Za-z0-9_]*)(\{.*\})?", re.DOTALL)


@lru_cache(maxsize=1)
def domain_names() -> tuple[frozenset[str], frozenset[str]]:
    """(intents, entities) declared in domain.yml."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8")) or {}

    def names(items) -> frozenset[str]:
        found = set()
        for item in items or []:
            if isinstance(item, str):
                found.add(item)
            elif isinstance(item, dict):
                found.update(str(key) for key in item)
        return frozenset(found)

    return names(domain.get("intents")), names(domain.get("entities"))


def is_button_payload(text: str) -> bool:
    """True for a payload a button of ours carries: ``/intent`` or ``/intent{"entity": "value"}``."""
    match = _PAYLOAD.fullmatch(text)
    if not match:
        return False
    intents, entities = domain_names()
    intent, arguments = match.groups()
    if intent not in intents or intent in RASA_INTENTS:
        return False
    if arguments is None:
        return True
    try:
        values = json.loads(arguments)
    except ValueError:
        return False
    return isinstance(values, dict) and bool(values) and all(
        key in entities and isinstance(value, str) and len(value) <= 200 for key, value in values.items()
    )


def engine_text(text: str) -> str | None:
    """What the engine gets for ``text`` (stripped): a payload as it is, typed ``/words`` as words;
    None when nothing readable is left."""
    if not text.startswith("/") or is_button_payload(text):
        return text
    words = text.lstrip("/").strip()
    return words or None
