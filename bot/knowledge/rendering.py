"""Articles with their facts filled in: ``{{fact:ID}}`` becomes the value for a language and a day.

``render_article(article, facts, day)`` is what users read. A value that applies on the day
is shown as it is ("13,90 €" in German, "€13.90" in English); the last known value of a fact
whose newest value has expired is shown with a note in the reader's language ("this was the
2026 figure; the 2027 figure had not yet been published when this was last checked"); a value
that applies only from a later day says so. ``{{fact:ID@2025}}`` is the value of mid-2025,
without a note (for comparisons: "2025: 12,82 €").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent

from bot import texts
from bot.i18n import DEFAULT_LANGUAGE, format_date, normalise_language, translate
from bot.knowledge.articles import Article
from bot.knowledge.facts import Fact, FactValue

#: ``{{fact:minimum_wage_hourly}}`` or ``{{fact:minimum_wage_hourly@2025}}`` (spaces inside allowed).
REFERENCE = re.compile(r"\{\{\s*fact:([a-z][a-z0-9_]*)(?:@(\d{4}))?\s*\}\}")
#: Shown where a reference cannot be resolved (``check`` refuses such articles; this is a fallback).
UNKNOWN_VALUE = "…"


def format_value(fact: Fact, value: FactValue, lang: str) -> str:
    """The value as the language writes it: money '13,90 €' / '€13.90', whole euros without cents."""
    locale = normalise_language(lang) or DEFAULT_LANGUAGE
    number = value.value
    if fact.type == "date":
        return format_date(number, locale)
    if fact.type == "money":
        if number == number.to_integral_value():
            pattern = Locale.parse(locale).currency_formats["standard"].pattern.replace(".00", "")
            return format_currency(number, "EUR", format=pattern, locale=locale, currency_digits=False)
        return format_currency(number, "EUR", locale=locale)
    if fact.type == "percent":
        return format_percent(number / Decimal(100), locale=locale, decimal_quantization=False)
    return format_decimal(number, locale=locale, decimal_quantization=False)


def note_for(fact: Fact, value: FactValue, status: str, lang: str) -> str | None:
    """Why a shown value may not apply today, in the reader's language; None when it applies."""
    if status == "expired":
        if value.is_calendar_year:
            return translate(lang, texts.FACT_EXPIRED_YEAR, year=str(value.valid_from.year),
                             next_year=str(value.valid_from.year + 1))
        return translate(lang, texts.FACT_EXPIRED_ON, date=format_date(value.valid_until, lang))
    if status == "upcoming":
        return translate(lang, texts.FACT_APPLIES_FROM, date=format_date(value.valid_from, lang))
    return None


def render_text(text: str, facts: Mapping[str, Fact], lang: str, day: dt.date, notes: bool = True) -> str:
    """``text`` with every fact reference replaced by its value on ``day`` in ``lang``.

    A figure that may not apply on ``day`` (expired, or only from a later day) gets its note:
    in brackets right after it when it is the only such figure in the text; when there are
    several, each gets a mark (¹, ², … one per distinct note; not *, which is Markdown) and the
    notes follow at the end of the text, so a sentence with three expired fees stays readable. ``notes=False`` leaves
    them out (the text the search index embeds).
    """
    if "{{" not in text:
        return text
    pieces: list[tuple[str, str | None]] = []  # (figure, its note or None), in text order
    position, parts = 0, []
    for match in REFERENCE.finditer(text):
        parts.append(text[position:match.start()])
        pieces.append(_figure(match, facts, lang, day, notes))
        parts.append(None)  # where piece number len(pieces) - 1 goes
        position = match.end()
    parts.append(text[position:])
    noted = [note for _, note in pieces if note]
    distinct = list(dict.fromkeys(noted))
    figures = iter(pieces)
    out = []
    for part in parts:
        if part is not None:
            out.append(part)
            continue
        figure, note = next(figures)
        if note and len(noted) == 1:
            figure = f"{figure} ({note})"
        elif note:
            figure += _mark(distinct.index(note))
        out.append(figure)
    if len(noted) > 1:
        out += ["\n"] + [f"\n{_mark(n)} {note}" for n, note in enumerate(distinct)]
    return "".join(out)


def _mark(number: int) -> str:
    """¹ for the first note, ² for the second, …"""
    return "".join(_SUPERSCRIPT[int(digit)] for digit in str(number + 1))


_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def _figure(match: re.Match, facts: Mapping[str, Fact], lang: str, day: dt.date,
            notes: bool) -> tuple[str, str | None]:
    """(the figure as shown, the note it needs or None) for one reference."""
    fact = facts.get(match.group(1))
    if fact is None:
        return UNKNOWN_VALUE, None
    if match.group(2):
        value = fact.in_year(int(match.group(2)))
        return (format_value(fact, value, lang) if value is not None else UNKNOWN_VALUE), None
    reading = fact.on(day)
    note = note_for(fact, reading.value, reading.status, lang) if notes else None
    return format_value(fact, reading.value, lang), note


def render_article(article: Article, facts: Mapping[str, Fact], day: dt.date, notes: bool = True) -> Article:
    """The article with its facts filled in for its language and ``day`` (the same object if it has none)."""

    def render(text: str) -> str:
        return render_text(text, facts, article.lang, day, notes)

    if not _has_reference(article):
        return article
    return dataclasses.replace(
        article,
        title=render(article.title),
        summary=render(article.summary),
        keywords=[render(k) for k in article.keywords],
        sections=[dataclasses.replace(s, heading=render(s.heading), text=render(s.text)) for s in article.sections],
    )


def _has_reference(article: Article) -> bool:
    parts = [article.title, article.summary, *article.keywords]
    parts += [part for s in article.sections for part in (s.heading, s.text)]
    return any("{{" in part for part in parts)
