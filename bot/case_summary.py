"""The German summary of a case: the facts the person gave, for a counsellor who may not read their
language.

Built from what the engine and the actions know, never translated free text (there is no machine
translation here): the topic, the question (quoted when it is German; otherwise the article the bot
matched it to, with the person's own words shown beside the summary), and where the person mentioned
them the profession (knowledge/professions.yml), countries (their names in every language from the
CLDR data babel ships), German legal terms (knowledge/glossary.yml: the person's word in their language
or in German gives the German term), a deadline (the urgency detected and any number of days, weeks or
months or a date), the place and district, the language.

``extract_facts(messages, lang, vocabulary)`` finds the facts; ``german_summary(facts, ...)`` writes one
labelled line per fact given and leaves out what the person did not mention.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale

from bot import SUPPORTED_LANGUAGES, urgency
from bot.contacts.districts import DISTRICTS
from bot.i18n import language_name
from bot.knowledge.articles import Problem
from bot.knowledge.glossary import GERMAN, Term, read_glossary

PROFESSIONS_FILE = "professions.yml"
#: A German question is quoted up to this length.
MAX_QUOTE = 200

TOPICS_DE = {
    "recognition": "Anerkennung ausländischer Berufsqualifikationen",
    "residence": "Aufenthalt",
    "language_course": "Deutschkurse",
    "eu_employment": "Rechte von EU-Arbeitnehmenden",
    "living": "Leben und erste Schritte in Sachsen-Anhalt",
}
URGENCY_DE = {
    urgency.PERMIT_EXPIRY: "Aufenthaltstitel läuft bald ab",
    urgency.DEPORTATION: "Schreiben zu Ausreise oder Abschiebung",
    urgency.DEADLINE: "Frist für Widerspruch oder Klage",
    urgency.REFUSAL: "Ablehnung im eigenen Verfahren",
}

# --- countries -----------------------------------------------------------------------------------

#: Territory codes that are no country of origin (regions, Germany itself, uninhabited islands) or whose
#: name is mostly another word ("Jersey").
_NOT_COUNTRIES = frozenset({"DE", "EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "AC", "CP", "DG", "EA", "IC",
                            "TA",
                            "AQ", "BV", "HM", "TF", "UM", "GS", "IO", "SJ", "JE", "CQ"})
#: Languages whose country names take endings ("з Індії", "z Indii", "Suriyeden", "din Siriei").
_INFLECTED = frozenset({"uk", "ru", "pl", "tr", "ro"})
_VOWELS = "аяеєиіїоуюыэьйaeiouyąęăâîıöü"


def _country_forms(name: str, lang: str) -> tuple[str, ...]:
    forms = [name]
    if lang in _INFLECTED and " " not in name and len(name) >= 5:
        stem = name[:-1] if name[-1].lower() in _VOWELS else name
        forms.append(stem + "*")
    return tuple(forms)


def country_terms() -> list[Term]:
    """One Term per country: German name, and the names in each supported language."""
    german = Locale.parse("de").territories
    names = {lang: Locale.parse(lang).territories for lang in SUPPORTED_LANGUAGES if lang != GERMAN}
    terms = []
    for code, de_name in german.items():
        if len(code) != 2 or not code.isalpha() or code in _NOT_COUNTRIES:
            continue
        translations = {lang: _country_forms(table[code], lang)
                        for lang, table in names.items() if code in table}
        terms.append(Term(german=de_name, german_forms=(de_name,), translations=translations))
    return terms


# --- deadlines -------------------------------------------------------------------------------------

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
#: Unit words per language (stems) → German unit (singular, plural).
_UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "day": {"de": ("tag",), "en": ("day",), "ar": ("يوم", "أيام", "ايام"), "uk": ("ден", "дн"),
            "ru": ("ден", "дн"), "tr": ("gün",), "pl": ("dni", "dzień", "dzie"), "ro": ("zi", "zile"),
            "fa": ("روز",), "vi": ("ngày",)},
    "week": {"de": ("woche",), "en": ("week",), "ar": ("أسبوع", "اسبوع", "أسابيع", "اسابيع"),
             "uk": ("тижд", "тижн"), "ru": ("недел",), "tr": ("hafta",), "pl": ("tydz", "tygod"),
             "ro": ("săptăm", "saptam"), "fa": ("هفته",), "vi": ("tuần",)},
    "month": {"de": ("monat",), "en": ("month",), "ar": ("شهر", "أشهر", "اشهر", "شهور"),
              "uk": ("місяц", "міс"), "ru": ("месяц", "мес"), "tr": ("ay",), "pl": ("miesi",),
              "ro": ("lun",), "fa": ("ماه",), "vi": ("tháng",)},
}
_GERMAN_UNITS = {"day": ("Tag", "Tage"), "week": ("Woche", "Wochen"), "month": ("Monat", "Monate")}
_DATE = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?(?![\d/.]\d)")


def durations(text: str, lang: str) -> list[str]:
    """Spans of time in the text, in German: "3 Tage", "2 Wochen", and dates as written ("12.03.2027")."""
    text = (text or "").translate(_DIGITS).casefold()
    found: list[str] = []
    for match in re.finditer(r"(?<!\d)(\d{1,3})\s*([^\W\d_]+)", text):
        number, word = int(match.group(1)), match.group(2)
        for unit, by_lang in _UNITS.items():
            stems = by_lang.get(lang, ()) + by_lang.get("en", ()) + by_lang.get("de", ())
            if any(word.startswith(stem) for stem in stems):
                singular, plural = _GERMAN_UNITS[unit]
                phrase = f"{number} {singular if number == 1 else plural}"
                if phrase not in found:
                    found.append(phrase)
                break
    for match in _DATE.finditer(text):
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            phrase = match.group(0).replace("/", ".")
            if phrase not in found:
                found.append(phrase)
    return found


# --- the vocabulary: professions, countries, legal terms -----------------------------------------


@dataclass
class Vocabulary:
    professions: list[Term] = field(default_factory=list)
    countries: list[Term] = field(default_factory=list)
    legal_terms: list[Term] = field(default_factory=list)


_cache: dict[str, tuple[tuple, Vocabulary]] = {}
_cache_lock = threading.Lock()


def _stamp(knowledge_dir: Path) -> tuple:
    stamps = []
    for name in ("glossary.yml", PROFESSIONS_FILE):
        path = Path(knowledge_dir) / name
        stamps.append(path.stat().st_mtime_ns if path.exists() else 0)
    return tuple(stamps)


def vocabulary(knowledge_dir: Path) -> Vocabulary:
    """The words of ``knowledge_dir`` (re-read when a file changes; a broken file gives no words)."""
    stamp = _stamp(knowledge_dir)
    with _cache_lock:
        cached = _cache.get(str(knowledge_dir))
        if cached is not None and cached[0] == stamp:
            return cached[1]
        countries = cached[1].countries if cached else country_terms()
        glossary, _ = read_glossary(knowledge_dir)
        professions, _ = read_glossary(knowledge_dir, PROFESSIONS_FILE)
        loaded = Vocabulary(professions=professions.terms if professions else [], countries=countries,
                            legal_terms=glossary.terms if glossary else [])
        _cache[str(knowledge_dir)] = (stamp, loaded)
        return loaded


def check_summary_terms(knowledge_dir: Path) -> list[Problem]:
    """Problems of knowledge/professions.yml (for ``python -m bot check``)."""
    return read_glossary(knowledge_dir, PROFESSIONS_FILE)[1]


def _found(terms: Iterable[Term], texts: Sequence[str], lang: str) -> list[str]:
    found: list[str] = []
    for term in terms:
        if term.german in found:
            continue
        if any(term.in_german(text) or (lang != GERMAN and term.translated(text, lang)) for text in texts):
            found.append(term.german)
    return found


# --- the facts and the summary ----------------------------------------------------------------------


@dataclass
class CaseFacts:
    lang: str
    topic: str | None = None
    question: str | None = None
    professions: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    legal_terms: list[str] = field(default_factory=list)
    durations: list[str] = field(default_factory=list)
    urgency_kind: str | None = None


def extract_facts(messages: Sequence[str], lang: str, words: Vocabulary, topic: str | None = None,
                  urgency_kind: str | None = None) -> CaseFacts:
    """The facts in the person's ``messages`` (their own words, oldest first, no button payloads)."""
    messages = [" ".join(m.split()) for m in messages if m and m.strip()]
    question = max(messages, key=len) if messages else None
    spans: list[str] = []
    for message in messages:
        spans += [d for d in durations(message, lang) if d not in spans]
    return CaseFacts(
        lang=lang, topic=topic, question=question,
        professions=_found(words.professions, messages, lang),
        countries=_found(words.countries, messages, lang),
        legal_terms=_found(words.legal_terms, messages, lang),
        durations=spans, urgency_kind=urgency_kind,
    )


def _quote(text: str) -> str:
    text = text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"
    return f"„{text}“"


def german_summary(facts: CaseFacts, district_code: str | None, place: str | None,
                   article_titles: Sequence[str], office: str) -> str:
    """One labelled line per fact the person gave, in German."""
    lines = [f"Thema: {TOPICS_DE.get(facts.topic or '', 'allgemeine Frage')}."]
    language = language_name(facts.lang, "de")
    if facts.question and facts.lang == GERMAN:
        lines.append(f"Frage: {_quote(facts.question)}")
    elif facts.question:
        matched = (f" Der Chatbot hat sie dem Artikel „{article_titles[0]}“ zugeordnet."
                   if article_titles else "")
        lines.append(f"Frage: auf {language}, Wortlaut unter „Die eigenen Worte der Person“.{matched}")
    if facts.professions:
        lines.append(f"Beruf: {', '.join(facts.professions)}.")
    if facts.countries:
        lines.append(f"Genannte Länder: {', '.join(facts.countries)}.")
    if facts.legal_terms:
        lines.append(f"Genannte Begriffe: {', '.join(facts.legal_terms)}.")
    deadline = []
    if facts.urgency_kind in URGENCY_DE:
        deadline.append(URGENCY_DE[facts.urgency_kind])
    if facts.durations:
        deadline.append("genannt: " + ", ".join(facts.durations))
    if deadline:
        label = "Dringend" if urgency.is_urgent(facts.urgency_kind) else "Frist/Zeitangabe"
        lines.append(f"{label}: {'; '.join(deadline)}.")
    if district_code in DISTRICTS:
        where = f"{place} ({DISTRICTS[district_code]}, {district_code})" if place else \
            f"{DISTRICTS[district_code]} ({district_code})"
        lines.append(f"Wohnort: {where}.")
    else:
        lines.append("Wohnort: nicht angegeben.")
    lines.append(f"Sprache: {language}.")
    if article_titles:
        lines.append("Vom Chatbot gezeigt: " + "; ".join(f"„{t}“" for t in article_titles) + ".")
    lines.append(f"Weitergegeben an: {office}, mit Zustimmung der Person.")
    return "\n".join(lines)
