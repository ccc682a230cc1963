"""Compare place names the way people type them: case, umlauts, ß, hyphens and typos ignored."""

from __future__ import annotations

import re
import unicodedata
from typing import List, NamedTuple, Tuple

# Every name is compared in two spellings: "strict" writes umlauts as ae/oe/ue ("Koethen") and
# "loose" drops their dots ("Kothen"). Indexing both and trying both on the user's text makes
# "Köthen", "Koethen" and "Kothen" meet without making "Neuendorf" equal to "Neundorf".
# Turkish dotless ı has no accent to strip, so it is mapped by hand.
_STRICT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss", "ı": "i"})
_LOOSE = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss", "ı": "i"})
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LATIN = re.compile(r"[a-z]")


class Token(NamedTuple):
    """One word of the user's text in both spellings, and its character span in the original."""

    strict: str
    loose: str
    start: int
    end: int


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def fold_strict(word: str) -> str:
    """'Köthen' → 'koethen', 'Weißenfels' → 'weissenfels'."""
    return _strip_accents(word.lower().translate(_STRICT))


def fold_loose(word: str) -> str:
    """'Köthen' → 'kothen'."""
    return _strip_accents(word.lower().translate(_LOOSE))


def tokenize(text: str) -> List[Token]:
    """The words of ``text`` (letters only; hyphens, slashes, brackets and digits separate)."""
    return [Token(fold_strict(m.group()), fold_loose(m.group()), m.start(), m.end())
            for m in _WORD.finditer(text)]


def name_keys(name: str) -> Tuple[str, str]:
    """(strict, loose) comparison keys: 'Halle (Saale)' → ('halle saale', 'halle saale')."""
    tokens = tokenize(name)
    return " ".join(t.strict for t in tokens), " ".join(t.loose for t in tokens)


def is_latin(word: str) -> bool:
    """True when a folded word is written in Latin letters (place names in our data all are)."""
    return bool(_LATIN.search(word))


def allowed_typos(length: int) -> int:
    """How many typing errors a name of this length may carry and still be recognised."""
    if length <= 4:
        return 0
    return 1 if length <= 8 else 2


def typo_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from a to b; ``limit + 1`` once above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)
