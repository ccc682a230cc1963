"""Compare place names the way people type them: case, umlauts, ß, hyphens and typos ignored.

Names in Arabic, Persian and Cyrillic script are folded too: the Arabic letters people use
interchangeably become one (ة/ه, ى/ي/ی, ك/ک, أ/إ/آ/ا; bot.folding), short vowel marks and the tatweel
are dropped, ё is е, and the loose spelling also makes Ukrainian і/ї/є/ґ and Russian э meet
и/е/г. Digits of any script (Arabic-Indic ٣٩١٠٤, Persian ۳۹۱۰۴) are read as 0-9.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from bot.folding import fold_arabic, strip_accents

# Every name is compared in two spellings: "strict" writes umlauts as ae/oe/ue ("Koethen") and
# "loose" drops their dots ("Kothen"). Indexing both and trying both on the user's text makes
# "Köthen", "Koethen" and "Kothen" meet without making "Neuendorf" equal to "Neundorf".
# Turkish dotless ı has no accent to strip, so it is mapped by hand.
_STRICT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss", "ı": "i"})
_LOOSE = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss", "ı": "i"})
# Loose Cyrillic: Ukrainian і, ї (і after its dots are dropped), є, ґ and Russian э.
_LOOSE_CYRILLIC = str.maketrans({"і": "и", "є": "е", "ґ": "г", "э": "е"})
# Latin letters that look like Cyrillic ones, typed inside a Cyrillic word ("Вiттенберг" with a
# Latin i, as on a Russian keyboard without і).
_HOMOGLYPHS = str.maketrans({"a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х", "y": "у",
                             "k": "к"})
# A word: letters, with the combining marks that may follow them (decomposed umlauts, Arabic
# short vowels) kept inside the word.
_MARKS = ("\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670"
          "\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed")
_WORD = re.compile(f"[^\\W\\d_](?:[^\\W\\d_]|[{_MARKS}])*", re.UNICODE)
_LATIN = re.compile(r"[a-z]")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
_DIGIT = re.compile(r"\d")
#: Letters Arabic writes onto the next word: "بكوتن" (in Köthen), "وهالة" (and Halle).
_ARABIC_PREFIXES = ("وب", "ول", "فب", "فل", "ب", "ل", "و", "ف")


class Token(NamedTuple):
    """One word of the user's text in both spellings, and its character span in the original."""

    strict: str
    loose: str
    start: int
    end: int




def _fold_script(word: str) -> str:
    if _CYRILLIC_LETTER.search(word) and _LATIN.search(word):
        word = word.translate(_HOMOGLYPHS)
    # Arabic and Persian letters written for one another become one (bot.folding).
    return fold_arabic(word)


def fold_strict(word: str) -> str:
    """'Köthen' → 'koethen', 'Weißenfels' → 'weissenfels', 'Кётен' → 'кетен', 'هالة' → 'هاله'."""
    return _fold_script(strip_accents(unicodedata.normalize("NFC", word).lower().translate(_STRICT)))


def fold_loose(word: str) -> str:
    """'Köthen' → 'kothen', 'Віттенберг' → 'виттенберг'."""
    folded = strip_accents(unicodedata.normalize("NFC", word).lower().translate(_LOOSE))
    return _fold_script(folded).translate(_LOOSE_CYRILLIC)


def ascii_digits(text: str) -> str:
    """Digits of any script as 0-9, keeping every other character: '٣٩١٠٤' → '39104'."""
    return _DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(), 0)), text)


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` (letters only; hyphens, slashes, brackets and digits separate)."""
    return [Token(fold_strict(m.group()), fold_loose(m.group()), m.start(), m.end())
            for m in _WORD.finditer(text)]


def name_keys(name: str) -> tuple[str, str]:
    """(strict, loose) comparison keys: 'Halle (Saale)' → ('halle saale', 'halle saale')."""
    tokens = tokenize(name)
    return " ".join(t.strict for t in tokens), " ".join(t.loose for t in tokens)


def is_latin(word: str) -> bool:
    """True when a folded word is written in Latin letters (place names in our data all are)."""
    return bool(_LATIN.search(word))


def script_of(word: str) -> str:
    """'latin', 'cyrillic', 'arabic' (Arabic and Persian) or '' for a folded word."""
    if _LATIN.search(word):
        return "latin"
    if _CYRILLIC_LETTER.search(word):
        return "cyrillic"
    return "arabic" if _ARABIC_LETTER.search(word) else ""


def without_arabic_prefix(word: str) -> list[str]:
    """A folded Arabic word without the letters written onto it: 'بكوتن' → ['كوتن']; else []."""
    if not _ARABIC_LETTER.match(word):
        return []
    return [word[len(p):] for p in _ARABIC_PREFIXES if word.startswith(p) and len(word) - len(p) >= 3]


def allowed_typos(length: int, script: str = "latin") -> int:
    """How many typing errors a name of this length may carry and still be recognised.

    Arabic script leaves out the short vowels, so its words are shorter for the same name and
    closer to one another ("بورشة", workshop, is one letter from "بورده", Börde): one letter more.
    """
    if script == "arabic":
        length -= 1
    if length <= 4:
        return 0
    return 1 if length <= 8 else 2


def typo_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from a to b; ``limit + 1`` once above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous2: list[int] = []
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
