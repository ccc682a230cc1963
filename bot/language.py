"""Which of our languages a chat message is written in, with the session's language as tie-breaker.

Rules, in order (each one is a case a real conversation produced):
- No letters ("38855", "?!"): keep the conversation's language.
- The place a message names is set aside ("Tôi sống ở Köthen" is not Turkish because of ö).
- Words in Arabic or Cyrillic script: one of that script's languages (ar/fa, uk/ru; letters only
  Ukrainian or only Russian has decide at once), judged on those words alone, because German or English words mixed in ("Aufenthaltserlaubnis", "Blue
  Card") say nothing about the writer. Nobody writes Arabic to be answered in German. Unless the
  Latin-script words (without German terms) clearly dominate: "Hallo مرحبا, wie bekomme ich ..." is German.
- Only the first JUDGED_CHARS characters are judged: enough to tell, and a 2,000-character message
  costs no more than a short one.
- Latin script: German terms from letters and forms ("Anmeldung", "Blaue Karte") are set aside
  first when the rest of the message still has enough words, so that "Aufenthaltserlaubnis
  uzatmak istiyorum" stays Turkish.
- Short replies ("ok", "Blue Card?", "Anerkennung?") keep the conversation's language. Only a
  word that clearly belongs to another of our languages and is not German or English ("tamam",
  "dobrze", "Xin chào") switches. A conversation's first short message may be any greeting
  from the list below ("Hallo" is German even though lingua leans to English).
- Longer text switches when lingua is confident and clearly ahead of the previous language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from bot import SUPPORTED_LANGUAGES
from bot.contacts.places import resolve_place
from bot.folding import fold
from bot.i18n import DEFAULT_LANGUAGE, normalise_language

#: Characters of a message that are judged.
JUDGED_CHARS = 500
#: Fewer letter-words than this: too little text to judge, keep the previous language.
MIN_WORDS = 3
#: The best language must reach this confidence (lingua's values sum to 1) ...
MIN_CONFIDENCE = 0.4
#: ... and lead the previous language by this much, otherwise the previous one stays.
MIN_LEAD = 0.25
#: A short message switches only with this confidence (and never to German or English).
SHORT_SWITCH_CONFIDENCE = 0.9
#: A conversation's first short message takes lingua's guess from this confidence on.
FIRST_SHORT_CONFIDENCE = 0.6

_WORD = re.compile(r"[^\W\d_]+")
_SCRIPT_LANGUAGES = {"arabic": ("ar", "fa"), "cyrillic": ("uk", "ru")}
#: Languages whose words appear in every conversation as terms, names and loanwords.
_TERM_LANGUAGES = frozenset({"de", "en"})

#: Greetings and short words that lingua gets wrong or doubts on their own (lower case,
#: without accents). Only used for a conversation's first message and as a tie-breaker.
_SHORT_WORDS = {
    "hallo": "de", "moin": "de", "servus": "de", "guten tag": "de", "guten morgen": "de",
    "hello": "en", "hey there": "en", "good morning": "en", "good afternoon": "en",
    "merhaba": "tr", "selam": "tr", "selamlar": "tr", "iyi gunler": "tr", "tamam": "tr",
    "czesc": "pl", "dzien dobry": "pl", "witam": "pl", "dobrze": "pl",
    "salut": "ro", "buna": "ro", "buna ziua": "ro", "buna dimineata": "ro", "multumesc": "ro",
    "xin chao": "vi", "chao ban": "vi", "cam on": "vi", "vang": "vi", "da": None,
}

#: German words from letters and forms that people keep in German whatever language they write.
_GERMAN_TERMS = frozenset("""
aufenthaltserlaubnis aufenthaltstitel niederlassungserlaubnis blaue karte eu blue card chancenkarte
visum ausländerbehörde auslanderbehorde auslaenderbehoerde fiktionsbescheinigung vorabzustimmung
anerkennung anerkennungsbescheid bescheid defizitbescheid anpassungsmaßnahme kenntnisprüfung
berufserlaubnis approbation zeugnisbewertung zab integrationskurs berufssprachkurs sprachkurs
anmeldung meldebescheinigung bürgeramt buergeramt burgeramt termin krankenkasse kindergeld
mindestlohn arbeitsvertrag lohnabrechnung kündigung familiennachzug jobcenter agentur für arbeit
arbeitsagentur ausreiseaufforderung widerspruch duldung einbürgerung steuer id steuernummer
wohnung kita schule ausbildung pflegefachkraft anerkennungsstelle landesverwaltungsamt
iq netzwerk mbe migrationsberatung bamf dtz telc goethe
""".split())  # noqa: SIM905 (a word list reads best as one string)


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    codes = [getattr(IsoCode639_1, lang.upper()) for lang in SUPPORTED_LANGUAGES]
    # Preloaded models: ~1 s once at start-up instead of on the first message of each language.
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()


#: Languages we do not offer that people in Sachsen-Anhalt may write in. Recognised so that such a
#: message is answered in English (German for GERMAN_ADJACENT) with a note listing our languages,
#: never in one of ours the detector would otherwise pick ("a Hungarian question answered from a
#: Vietnamese article"). Not here: languages lingua confuses with ours on short text (az/tr,
#: be/uk/ru), and those lingua does not know (Kurdish, Pashto, Tigrinya ...).
OTHER_LANGUAGES = ("fr", "es", "it", "pt", "hu", "nl", "cs", "sk", "hr", "sr", "bs", "sq", "bg", "mk", "el",
                   "ka", "hy", "ur", "so", "id", "tl", "da", "sv", "nb", "fi", "lt", "lv", "et", "sl",
                   "zh", "ja", "ko", "hi", "bn", "th", "he", "pa", "ta", "ms", "ca")
#: Answered in German rather than English.
GERMAN_ADJACENT = frozenset({"nl"})
#: Guesses of the broad detector that are checked (the first few, from this confidence on) ...
OTHER_CANDIDATES, OTHER_CANDIDATE_MIN = 3, 0.1
#: ... and how sure the high-accuracy check against our languages must be.
OTHER_CONFIDENCE = 0.7


@lru_cache(maxsize=1)
def _broad_detector() -> LanguageDetector:
    """Our languages and OTHER_LANGUAGES, in lingua's low-accuracy mode (trigrams: ~70 MB and about
    1 s to load instead of ~1 GB for all of them at high accuracy); only used to tell whether a
    message is in one of ours at all."""
    codes = [getattr(IsoCode639_1, lang.upper()) for lang in SUPPORTED_LANGUAGES + OTHER_LANGUAGES]
    return (LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode()
            .with_preloaded_language_models().build())


def warm_up() -> None:
    """Build the detectors and load their models now (called once at start-up)."""
    _detector()
    _broad_detector()


#: Languages in Arabic script that lingua does not know (or confuses with Persian), by letters that
#: neither Arabic nor Persian writes: Pashto, Urdu, Sorani Kurdish.
_ARABIC_SCRIPT_OTHERS = {"ps": frozenset("ټډړږښګځڅڼېۍ"), "ur": frozenset("ٹڈڑںے"), "ckb": frozenset("ڵێۆڕ")}
#: Letters only our languages write (Vietnamese ơ ư đ, Romanian ș ț ă, Turkish ğ ı ş, Polish ł ą ę ś ź ż).
_OUR_LETTERS = frozenset("ơưđșțăğışłąęśźż")


def _is_other_script(char: str) -> bool:
    """A letter of a script none of our languages is written in (Chinese, Greek, Bengali ...)."""
    return char.isalpha() and _char_script(char) == "latin" and ord(char) > 0x024F and not (
        0x1E00 <= ord(char) <= 0x1EFF)  # Latin Extended Additional: Vietnamese


def other_language(text: str) -> str | None:
    """The code of a language we do not offer that ``text`` is clearly written in, else None.

    Judged like ``detect_language`` (the place and German terms from letters set aside, at least
    MIN_WORDS words, except for scripts none of ours uses) by a detector that also knows
    OTHER_LANGUAGES: the best one must be one of those, and clearly.
    """
    text = text[:JUDGED_CHARS]
    for code, marks in _ARABIC_SCRIPT_OTHERS.items():
        if sum(char in marks for char in text) >= 2:
            return code
    letters = [char for char in text if char.isalpha()]
    if any(char in _OUR_LETTERS or 0x1EA0 <= ord(char) <= 0x1EF9 for char in text.lower()):
        return None  # one of ours, even where lingua doubts (ạ ả ấ ...: Vietnamese)
    if letters and sum(map(_is_other_script, letters)) > len(letters) / 2:
        judged = text
    else:
        own = _without_german_terms(_WORD.findall(_without_place(text)))
        if len(own) < MIN_WORDS:
            return None
        judged = " ".join(own)
    values = _broad_detector().compute_language_confidence_values(judged)
    candidates = [v.language.iso_code_639_1.name.lower() for v in values[:OTHER_CANDIDATES]
                  if v.value >= OTHER_CANDIDATE_MIN]
    for code in candidates:
        if code in SUPPORTED_LANGUAGES:
            continue
        # A guess of the low-accuracy detector is confirmed at high accuracy against our languages
        # (lingua shares loaded models between detectors: this costs that one language's model).
        confirmed = _confirming_detector(code).compute_language_confidence_values(judged)
        if confirmed and confirmed[0].language.iso_code_639_1.name.lower() == code \
                and confirmed[0].value >= OTHER_CONFIDENCE:
            return code
    return None


@lru_cache(maxsize=8)
def _confirming_detector(other: str) -> LanguageDetector:
    codes = [getattr(IsoCode639_1, lang.upper()) for lang in SUPPORTED_LANGUAGES + (other,)]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def reply_language_for(other: str) -> str:
    """The language a message in a language we do not offer is answered in."""
    return "de" if other in GERMAN_ADJACENT else "en"


def _char_script(char: str) -> str:
    code = ord(char)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    return "latin"


def _word_script(word: str) -> str:
    """'arabic', 'cyrillic' or 'latin' — whichever most of the word's letters are written in."""
    counts = {"arabic": 0, "cyrillic": 0, "latin": 0}
    for char in word:
        counts[_char_script(char)] += 1
    return max(counts, key=counts.get)


def _script_of_language(lang: str) -> str:
    for script, languages in _SCRIPT_LANGUAGES.items():
        if lang in languages:
            return script
    return "latin"


def plain(text: str) -> str:
    """Words as people type them, for comparing (bot.folding.fold, hyphens as spaces):
    'Bună ziua' -> 'buna ziua', 'Türkçe' -> 'turkce', 'الْعَرَبِيَّة' -> 'العربیه'."""
    return fold(text).replace("-", " ")


def language_confidences(text: str, among: Iterable[str] | None = None) -> dict[str, float]:
    values = _detector().compute_language_confidence_values(text)
    result = {value.language.iso_code_639_1.name.lower(): value.value for value in values}
    if among is not None:
        allowed = set(among)
        result = {lang: value for lang, value in result.items() if lang in allowed}
    return result


#: Terms long enough that a word starting with one is a German compound ("Anerkennungszuschuss").
_TERM_STEMS = tuple(sorted(term for term in _GERMAN_TERMS if len(term) >= 7))


def is_german_term(word: str) -> bool:
    lowered = word.lower()
    return lowered in _GERMAN_TERMS or lowered.startswith(_TERM_STEMS)


def _without_german_terms(words: list[str]) -> list[str]:
    """The words that are not German terms from letters, compounds of them included."""
    return [word for word in words if not is_german_term(word)]


def _without_place(text: str) -> str:
    """The text without the place it names: "Tôi sống ở Köthen" is Vietnamese, not Turkish."""
    try:
        matched = resolve_place(text).matched
    except Exception:  # noqa: BLE001 - place data unreadable: judge the whole text
        return text
    if matched and not matched.isdigit():
        return text.replace(matched, " ")
    return text


#: Letters only Ukrainian (і ї є ґ) or only Russian (ы э ъ ё) writes.
_UKRAINIAN_LETTERS = frozenset("іїєґ")
_RUSSIAN_LETTERS = frozenset("ыэъё")


#: Frequent short words that only one of the two languages has.
_UKRAINIAN_WORDS = frozenset("яка який яке які як що чи буде мені мене мій це де коли скільки можна "  # noqa: SIM905
                             "треба потрібно дякую привіт ні але або щоб вже тут зараз завтра".split())
_RUSSIAN_WORDS = frozenset("какая какой какое какие как что ли будет мне меня мой это где когда "  # noqa: SIM905
                           "сколько можно надо нужно спасибо привет нет но или чтобы уже здесь сейчас".split())


def _cyrillic_by_letters(words: list[str]) -> str | None:
    """'uk' or 'ru' when letters or frequent words only one of them has decide; else None."""
    letters = set("".join(words).lower())
    ukrainian, russian = bool(letters & _UKRAINIAN_LETTERS), bool(letters & _RUSSIAN_LETTERS)
    if ukrainian != russian:
        return "uk" if ukrainian else "ru"
    lowered = [word.lower() for word in words]
    uk_votes = sum(word in _UKRAINIAN_WORDS and word not in _RUSSIAN_WORDS for word in lowered)
    ru_votes = sum(word in _RUSSIAN_WORDS and word not in _UKRAINIAN_WORDS for word in lowered)
    if uk_votes != ru_votes and not (ukrainian and russian):
        return "uk" if uk_votes > ru_votes else "ru"
    return None


def _short_text(words: list[str], previous: str | None, fallback: str) -> str:
    """Language of a message of one or two words."""
    phrase = plain(" ".join(words))
    known = _SHORT_WORDS.get(phrase)
    if known and (previous is None or known not in _TERM_LANGUAGES):
        return known
    if phrase in _SHORT_WORDS or any(is_german_term(word) for word in words):
        # A greeting that could be anyone's, or a German term: proves nothing about the writer.
        return fallback
    confidences = language_confidences(" ".join(words))
    best = max(confidences, key=confidences.get)
    if previous is None:
        return best if confidences[best] >= FIRST_SHORT_CONFIDENCE else fallback
    if best not in _TERM_LANGUAGES and confidences[best] >= SHORT_SWITCH_CONFIDENCE:
        return best
    return fallback


def detect_language(text: str, previous: str | None = None) -> str:
    """The language code of ``text``; ``previous`` (the session's language, else German) wins doubts."""
    previous = normalise_language(previous)
    fallback = previous or DEFAULT_LANGUAGE
    text = text[:JUDGED_CHARS]
    words = _WORD.findall(_without_place(text))
    if not words:
        return fallback
    by_script: dict[str, list[str]] = {"arabic": [], "cyrillic": [], "latin": []}
    for word in words:
        by_script[_word_script(word)].append(word)
    other = max(("arabic", "cyrillic"), key=lambda script: len(by_script[script]))
    latin_own = _without_german_terms(by_script["latin"])
    if by_script[other] and len(latin_own) < 2 * len(by_script[other]) + MIN_WORDS:
        candidates = _SCRIPT_LANGUAGES[other]
        native = by_script[other]
        if fallback in candidates and len(native) < MIN_WORDS:
            return fallback
        decided = _cyrillic_by_letters(native) if other == "cyrillic" else None
        if decided:
            return decided
        confidences = language_confidences(" ".join(native), among=candidates)
        best = max(candidates, key=lambda lang: confidences.get(lang, 0.0))
        if fallback in candidates and confidences.get(best, 0.0) - confidences.get(fallback, 0.0) < MIN_LEAD:
            return fallback
        return best
    if len(words) < MIN_WORDS:
        return _short_text(words, previous, fallback)
    own = _without_german_terms(words)
    if len(own) < MIN_WORDS and previous is not None:
        # Mostly terms copied from a letter: what is left is a short message.
        return _short_text(own, previous, fallback) if own else fallback
    judged = own if len(own) >= MIN_WORDS else words
    confidences = language_confidences(" ".join(judged))
    best = max(confidences, key=confidences.get)
    lead = confidences[best] - confidences.get(fallback, 0.0)
    if confidences[best] >= MIN_CONFIDENCE and lead >= MIN_LEAD:
        return best
    return fallback


#: Greetings people write before their question (folded, see bot.folding), longest first where one
#: starts another. ``without_greeting`` takes them off so that they do not change which article answers.
_GREETINGS = sorted({fold(g) for g in """
hallo|hallo zusammen|hallo leute|hi|hey|moin|servus|guten tag|guten morgen|guten abend|liebe grüße|sehr geehrte damen und herren
hello|hello everyone|hi there|hey there|good morning|good afternoon|good evening|dear sir or madam|greetings
مرحبا|مرحبًا|مرحبا بكم|أهلا|اهلا|السلام عليكم|سلام عليكم|صباح الخير|مساء الخير|تحية طيبة
سلام|سلام علیکم|درود|وقت بخیر|روز بخیر|صبح بخیر
привіт|вітаю|добрий день|доброго дня|добрий вечір|доброго ранку
привет|здравствуйте|добрый день|доброе утро|добрый вечер
merhaba|selam|selamlar|selamün aleyküm|iyi günler|günaydın|iyi akşamlar
cześć|dzień dobry|witam|witajcie|dobry wieczór
bună ziua|bună|buna|salut|bună seara|bună dimineața
xin chào|chào|chào bạn|chào anh|chào chị|kính chào
""".replace("\n", "|").split("|") if g.strip()}, key=len, reverse=True)
_LEADING_PUNCTUATION = re.compile(r"^[\s,.!;:\-–—،؛?¡¿]+")
#: A greeting is taken off only when at least this many words are left.
_AFTER_GREETING = 2


def without_greeting(text: str) -> str:
    """``text`` without a greeting at its start ("Hallo, wie ..." -> "wie ..."); unchanged when the
    greeting is all there is or little is left."""
    stripped = text.lstrip()
    folded = fold(stripped)
    for greeting in _GREETINGS:
        if not folded.startswith(greeting):
            continue
        end = len(greeting)
        if end < len(folded) and (folded[end].isalnum()):
            continue  # "Hilfe" is no "Hi"
        # fold() keeps the length of Latin, Cyrillic and Arabic text except where it drops marks; find
        # the end in the original by the number of letters instead.
        letters = sum(ch.isalnum() for ch in greeting)
        index, seen = 0, 0
        while index < len(stripped) and seen < letters:
            seen += stripped[index].isalnum()
            index += 1
        rest = _LEADING_PUNCTUATION.sub("", stripped[index:])
        return rest if len(_WORD.findall(rest)) >= _AFTER_GREETING else text
    return text
