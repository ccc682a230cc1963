"""Validate knowledge/contacts/ and knowledge/places/ for staff: every problem with file, line, field.

Rules for one entry are in ``bot.contacts.entries``, those across entries (duplicate ids, an
authority for each of the 14 districts, the offices the routing needs) in
``bot.contacts.directory``, those of the place files in ``bot.contacts.places``. This module
adds the licence credit and the age of ``last_verified``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.contacts import PLACES_FOLDER
from bot.contacts.directory import read_directory
from bot.contacts.gazetteer import read_places
from bot.validation.problem import Problem

#: The credit CC BY 4.0 requires wherever the GeoNames data is shipped.
GEONAMES_CREDIT = "Postal code data © GeoNames (geonames.org), CC BY 4.0"
CREDITS_FILE = "CREDITS.md"
#: Contact details older than this are reported (as a warning) for re-checking.
REVERIFY_AFTER_DAYS = 365


def check_contacts(knowledge_dir: Path, today: dt.date | None = None) -> list[Problem]:
    """Every problem in the contacts directory and the place data, sorted by file and line."""
    today = today or dt.date.today()
    directory, problems = read_directory(knowledge_dir)
    for contact in directory:
        age = (today - contact.last_verified).days
        where = contact.path, contact.line
        if age < 0:
            problems.append(Problem(*where, "last_verified",
                                    f"{contact.last_verified} is in the future (in '{contact.id}')"))
        elif age > REVERIFY_AFTER_DAYS:
            problems.append(Problem(*where, "last_verified",
                                    f"'{contact.id}' was last checked {contact.last_verified}, more than "
                                    f"{REVERIFY_AFTER_DAYS} days ago: compare it with its source again",
                                    "warning"))
    _, place_problems = read_places(knowledge_dir)
    problems.extend(place_problems)
    problems.extend(_credits(Path(knowledge_dir) / PLACES_FOLDER / CREDITS_FILE))
    return sorted(problems, key=lambda p: (str(p.path), p.line, p.field))


def _credits(path: Path) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [Problem(path, 0, "file", f"is missing; the GeoNames licence requires the credit "
                                         f"\"{GEONAMES_CREDIT}\"")]
    if GEONAMES_CREDIT not in text:
        return [Problem(path, 0, "credit", f"must contain the exact line \"{GEONAMES_CREDIT}\" (CC BY 4.0)")]
    return []
