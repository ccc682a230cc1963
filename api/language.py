"""Which of our languages a chat message is written in, with the session's language as tie-breaker.

Short replies ("ok", "38855", "Blue Card?") say nothing about the writer's language, so they
keep the language the conversation already has; only a message in another script (Arabic,
Cyrillic) switches even when short, because the previous language then cannot be right.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, Optional

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from bot import SUPPORTED_LANGUAGES
from bot.i18n import DEFAULT_LANGUAGE, normalise_language

#: Fewer letter-words than this: too little text to judge, keep the previous language.
MIN_WORDS = 3
#: The best language must reach this confidence (lingua's values sum to 1) ...
MIN_CONFIDENCE = 0.4
#: ... and lead the previous language by this much, otherwise the previous one stays.
MIN_LEAD = 0.25

_WORD = re.compile(r"[^\W\d_]+")
_SCRIPT_LANGUAGES = {"arabic": ("ar", "fa"), "cyrillic": ("uk", "ru")}


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    codes = [getattr(IsoCode639_1, lang.upper()) for lang in SUPPORTED_LANGUAGES]
    # Preloaded models: ~1 s once at start-up instead of on the first message of each language.
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()


def warm_up() -> None:
    """Build the detector and load its models now (called once at start-up)."""
    _detector()


def _script(letters: str) -> str:
    """'arabic', 'cyrillic' or 'latin' — whichever most letters are written in."""
    counts = {"arabic": 0, "cyrillic": 0, "latin": 0}
    for char in letters:
        code = ord(char)
        if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
            counts["arabic"] += 1
        elif 0x0400 <= code <= 0x052F:
            counts["cyrillic"] += 1
        else:
            counts["latin"] += 1
    return max(counts, key=counts.get)


def _script_of_language(lang: str) -> str:
    for script, languages in _SCRIPT_LANGUAGES.items():
        if lang in languages:
            return script
    return "latin"


def _confidences(text: str) -> Dict[str, float]:
    values = _detector().compute_language_confidence_values(text)
    return {value.language.iso_code_639_1.name.lower(): value.value for value in values}


def detect_language(text: str, previous: Optional[str] = None) -> str:
    """The language code of ``text``; ``previous`` (the session's language, else German) wins doubts."""
    fallback = normalise_language(previous) or DEFAULT_LANGUAGE
    words = _WORD.findall(text)
    if not words:
        return fallback
    script = _script("".join(words))
    other_script = script != "latin" and script != _script_of_language(fallback)
    if len(words) < MIN_WORDS and not other_script:
        return fallback
    confidences = _confidences(text)
    if other_script:
        # The previous language is surely wrong; choose among the languages of this script.
        return max(_SCRIPT_LANGUAGES[script], key=lambda lang: confidences.get(lang, 0.0))
    best = max(confidences, key=confidences.get)
    lead = confidences[best] - confidences.get(fallback, 0.0)
    if confidences[best] >= MIN_CONFIDENCE and lead >= MIN_LEAD:
        return best
    return fallback
