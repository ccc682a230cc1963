"""Remove personal data from a question before it is kept for the content-gap page.

What goes: e-mail addresses, phone numbers, IBANs, German postcodes, street addresses with a house
number, dates (of birth, of letters), long numbers (case, file, passport numbers), and names where a
text shows them: after "my name is" / "ich heiße" / "меня зовут" … in the ten languages, and after a
form of address (Herr, Frau, Mr, Mrs, Dr). Each is replaced by a bracketed label, so staff still see
what kind of thing the person wrote. A name nobody introduces ("Ahmed needs a visa") cannot be told
from a word; the page therefore shows questions only to staff, and only for the retention period.
"""

from __future__ import annotations

import re

#: Longest question kept (characters, after scrubbing).
MAX_QUESTION_CHARS = 300

EMAIL = "[E-Mail]"
PHONE = "[Telefon]"
IBAN = "[IBAN]"
POSTCODE = "[PLZ]"
ADDRESS = "[Adresse]"
DATE = "[Datum]"
NUMBER = "[Nummer]"
NAME = "[Name]"

# A name: one to three words starting with a letter (any script); stops at punctuation.
_NAME_WORDS = r"[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,2}"
_NAME_INTRODUCTIONS = [
    r"my name is", r"i am called", r"i'm called", r"call me",
    r"mein name ist", r"ich hei(?:ß|ss)e", r"man nennt mich",
    r"اسمي", r"إسمي", r"أنا اسمي",
    r"мене звати", r"моє ім'я", r"моє ім’я", r"меня зовут", r"моё имя", r"мое имя",
    r"benim adım", r"adım", r"ismim",
    r"nazywam się", r"mam na imię", r"moje imię to",
    r"numele meu este", r"mă numesc", r"ma numesc",
    r"اسم من", r"نام من",
    r"tên tôi là", r"tôi tên là", r"tên của tôi là", r"tôi tên",
    r"мене звуть", r"mă cheamă", r"ma cheama", r"اسمم",
    # A form's label: "Name: …", "Nachname: …", "Имя: …" (only with the colon: "Name der Behörde" stays).
    r"name(?=\s*:)", r"имя(?=\s*:)", r"ім'я(?=\s*:)", r"ім’я(?=\s*:)", r"imię(?=\s*:)", r"nume(?=\s*:)",
]
_NAME_AFTER = re.compile(
    r"(?P<lead>(?:" + "|".join(_NAME_INTRODUCTIONS) + r")\s*:?\s+)" + _NAME_WORDS, re.IGNORECASE)
# A form of address, then a capitalised name (one or two words).
_TITLED_NAME = re.compile(
    r"(?P<lead>\b(?:Herrn?|Frau|Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+)(?:[A-ZÄÖÜ][\w'’-]+)(?:\s+[A-ZÄÖÜ][\w'’-]+)?")

_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}", re.UNICODE), EMAIL),
    (re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b"), IBAN),
    # Street names ending in -straße/-str./-weg/-platz/... (or "Straße des ...") with a house number.
    (re.compile(r"\b[\w-]{0,40}(?:stra(?:ß|ss)e|str\.|weg|platz|allee|ring|gasse|damm|ufer)\s+\d{1,4}\s?[a-zA-Z]?\b",
                re.IGNORECASE), ADDRESS),
    (re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\b"), DATE),
    (re.compile(r"\b\d{4}[./-]\d{1,2}[./-]\d{1,2}\b"), DATE),  # 2024-05-12, 1370/05/12 (Persian calendar)
    # +49 … or 0… with at least 6 digits, spaces, slashes, dashes and brackets allowed between.
    (re.compile(r"(?:(?<!\w)\+|\b00|\b0)\d[\d /()-]{5,24}\d"), PHONE),
    (re.compile(r"\b[0-9]\d{4}\b(?!\s?(?:€|euro\b|eur\b))", re.IGNORECASE), POSTCODE),  # not "55770 €"
    (re.compile(r"\b\d{6,}\b"), NUMBER),
    (re.compile(r"\b(?=[A-Z0-9]{0,30}\d)(?=[A-Z0-9]{0,30}[A-Z])[A-Z0-9]{8,30}\b"), NUMBER),  # passport / file numbers
]


#: Arabic-Indic and Persian digits as ASCII digits, so that the patterns see "۰۶۱۰۸" as the postcode 06108.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def scrub(text: str, limit: int = MAX_QUESTION_CHARS) -> str:
    """``text`` with personal data replaced by labels, spacing evened out, cut to ``limit`` characters."""
    text = " ".join((text or "").translate(_DIGITS).split())
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    text = _NAME_AFTER.sub(lambda m: m.group("lead") + NAME, text)
    text = _TITLED_NAME.sub(lambda m: m.group("lead") + NAME, text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
