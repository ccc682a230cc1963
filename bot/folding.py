"""Text folding, once for the whole project: how typed words are compared.

People type the same word in several ways: with or without accents and umlauts, in upper or
lower case, and, in Arabic and Persian, with letters that the two keyboards write differently
(Arabic ي ك, Persian ی ک; alef with or without hamza; teh marbuta ة or heh ه). Every module that
compares words (place names, keyword search, glossary terms, urgency cues, language names and
office cues) folds both sides with this module, so all of them unify the letters in the same
direction: to the Persian ی and ک, to bare alef ا, to heh ه.

- ``ARABIC_LETTERS``: the Arabic/Persian letter table (for ``str.maketrans``); ``ARABIC_MARKS``:
  short vowels, shadda, sukun, superscript alef and the tatweel, which carry no meaning here.
- ``fold_arabic(text)``: that table and the marks only; nothing else changes.
- ``strip_accents(text)``: accents and other combining marks removed ('Bună' → 'Buna').
- ``fold(text)``: for comparing words: NFC, case-folded, accents removed, Arabic/Persian letters
  unified, a few letters without a decomposition spelled plainly (ł đ ı ø), typographic
  apostrophes and the zero-width non-joiner made plain: 'Bună ziua' → 'buna ziua',
  'الْعَرَبِيَّة' → 'العربیه', 'زندگي' → 'زندگی'.
"""

from __future__ import annotations

import re
import unicodedata

#: Arabic and Persian letters written for one another → one form (the Persian yeh and keheh, bare
#: alef, heh); the tatweel (kashida) is dropped.
ARABIC_LETTERS = {
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی Persian yeh
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh
    "\u0623": "\u0627",  # أ alef with hamza above -> ا
    "\u0625": "\u0627",  # إ alef with hamza below -> ا
    "\u0622": "\u0627",  # آ alef with madda -> ا
    "\u0671": "\u0627",  # ٱ alef wasla -> ا
    "\u0629": "\u0647",  # ة teh marbuta -> ه
    "\u06c3": "\u0647",  # ۃ teh marbuta goal -> ه
    "\u06d5": "\u0647",  # ە ae -> ه
    "\u06be": "\u0647",  # ھ heh doachashmee -> ه
    "\u06c1": "\u0647",  # ہ heh goal -> ه
    "\u0640": None,      # ـ tatweel
}
_ARABIC_TABLE = str.maketrans(ARABIC_LETTERS)
#: Short vowels, shadda, sukun, superscript alef and other Quranic marks.
ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed]")
#: Letters that Unicode does not decompose into a base letter and an accent, and typographic marks.
_PLAIN_LETTERS = str.maketrans({
    "ł": "l", "đ": "d", "ı": "i", "ø": "o", "æ": "ae", "œ": "oe",
    "\u2019": "'", "\u02bc": "'", "\u2018": "'",
    "\u200c": " ",  # zero-width non-joiner between the parts of a Persian word
    "\u00a0": " ",
})


def fold_arabic(text: str, marks: bool = True) -> str:
    """Arabic/Persian letter variants unified and (unless ``marks`` is False) short vowels dropped;
    other text unchanged."""
    text = text.translate(_ARABIC_TABLE)
    return ARABIC_MARKS.sub("", text) if marks else text


def strip_accents(text: str) -> str:
    """Combining marks removed after NFKD ('Köthen' → 'Kothen', 'آ' → 'ا'), then NFC again."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def fold(text: str) -> str:
    """Text as words are compared: lower case, no accents, one form per Arabic/Persian letter."""
    text = unicodedata.normalize("NFC", text or "").casefold().translate(_PLAIN_LETTERS)
    # Accents go first: NFKD turns ئ into ي + hamza, and the table then makes it ی.
    return fold_arabic(strip_accents(text))
