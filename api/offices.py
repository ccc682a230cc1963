"""The offices of knowledge/contacts for the gateway, re-read when staff change a file.

If a changed file has errors, the directory read before keeps serving (as in the action server).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from bot.contacts.directory import ContactsError, Directory, load_directory

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_cache: dict = {}


def _stamp(knowledge_dir: Path) -> tuple:
    folder = Path(knowledge_dir) / "contacts"
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.yml")))


def directory(knowledge_dir: Path) -> Directory | None:
    """The directory of ``knowledge_dir``; None when it has never been readable."""
    key = str(knowledge_dir)
    stamp = _stamp(knowledge_dir)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            loaded = load_directory(knowledge_dir)
        except ContactsError:
            logger.warning("contacts have errors; %s", "still serving the previous directory" if cached else
                           "no directory")
            return cached[1] if cached else None
        _cache[key] = (stamp, loaded)
        return loaded


def office(knowledge_dir: Path, contact_id: str):
    """The office with this id, or None."""
    found = directory(knowledge_dir)
    return found.get(contact_id) if found is not None else None


def office_name(knowledge_dir: Path, contact_id: str) -> str:
    contact = office(knowledge_dir, contact_id)
    return contact.name if contact is not None else contact_id
