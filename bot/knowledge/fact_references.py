"""The check of ``{{fact:…}}`` references in articles, and of figures still written as text.

Errors: a reference to a fact that does not exist, a malformed reference, ``@YYYY`` for a year
the fact has no value for. Warnings: amounts (€) and percentages written as text — in the
German version, and in a translation whose German version already uses facts — so the
content editors find the figures to move into knowledge/facts/; a fact no article uses.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

from bot.knowledge.articles import ParsedFile
from bot.knowledge.facts import FACTS_FOLDER, MID_YEAR, Fact, FactBook
from bot.knowledge.rendering import REFERENCE
from bot.validation.problem import Problem

GERMAN = "de"
FIELD = "fact"
FIGURES_FIELD = "figures"

#: Anything in double braces, and the beginnings of what was probably meant as a reference.
_BRACED = re.compile(r"\{\{.*?\}\}")
_UNCLOSED = re.compile(r"\{\{(?![^{}]*\}\})[^{}]*")
_SINGLE_BRACES = re.compile(r"(?<!\{)\{\s*fact:[^{}]*\}(?!\})")

# Thousands and decimal separators, also the Arabic ones (٬ ٫) Persian and Arabic texts use.
_NUMBER = r"\d{1,3}(?:[.,\u00a0\u202f \u066c]\d{3})+(?:[.,\u066b]\d{1,2})?|\d+(?:[.,\u066b]\d{1,2})?"
_CURRENCY = r"(?:€|EUR\b|[Ee]uro\b|євро|евро|یورو|يورو)"
_MONEY = re.compile(rf"{_CURRENCY}\s?(?:{_NUMBER})|(?<![\w.,])(?:{_NUMBER})\s?{_CURRENCY}")
_URL = re.compile(r"https?://\S+")
# Lines of the front matter not shown as statements: a source's title may quote a figure, and
# keywords are what people type ("Gebühr 411"), not what the bot says.
_SKIPPED_LINE = re.compile(r"^(?:\s+(?:-\s+)?(?:title|url|secondary)|keywords):")
_SIGN_AFTER = {"money": re.compile(rf"^\s?{_CURRENCY}"), "percent": re.compile(r"^\s?(?:%|٪|Prozent\b)")}
_SHOWN_FIGURES = 6


def check_fact_references(parsed_files: Iterable[ParsedFile], facts: FactBook) -> tuple[list[Problem], set]:
    """Problems of the references in every article file, and the ids of the facts they use.

    A reference to a fact whose definition has errors is not reported again here.
    """
    problems: list[Problem] = []
    used: set = set()
    files = list(parsed_files)
    # German articles that use facts → the figures they still write as text (by their digits).
    german_figures = {
        parsed.name_id: {_digits(figure) for figure in _figures(parsed)} for parsed in files
        if parsed.lang == GERMAN and any(REFERENCE.search(line) for line in parsed.text_lines)
    }
    for parsed in files:
        problems += _references(parsed, facts, used)
        if parsed.lang == GERMAN:
            problems += _figures_as_text(parsed, _figures(parsed), translation=False)
        elif parsed.name_id in german_figures:
            # Only what the German version no longer writes as text ("50 %" there too is no news).
            figures = {f: lines for f, lines in _figures(parsed).items()
                       if _digits(f) not in german_figures[parsed.name_id]}
            problems += _figures_as_text(parsed, figures, translation=True)
    return problems, used


def unused_facts(facts: Mapping[str, Fact], used: set) -> list[Problem]:
    """A warning for each fact no article refers to."""
    return [Problem(fact.path, fact.line, fact.id,
                    f"no article uses this fact; write {{{{fact:{fact.id}}}}} where the figure goes, "
                    "or remove it", "warning")
            for fact in facts.values() if fact.id not in used and fact.path is not None]


def _references(parsed: ParsedFile, facts: FactBook, used: set) -> list[Problem]:
    problems = []

    def report(number: int, message: str, severity: str = "error") -> None:
        problems.append(Problem(parsed.path, number, FIELD, message, severity))

    for number, line in enumerate(parsed.text_lines, start=1):
        if "{" not in line:
            continue
        for match in _BRACED.finditer(line):
            reference = REFERENCE.fullmatch(match.group(0))
            if reference is None:
                report(number, f"'{match.group(0)}' is not a fact reference: write {{{{fact:id}}}} or "
                               "{{fact:id@YYYY}}, the id in lowercase letters, digits and underscores")
                continue
            fact_id, year = reference.group(1), reference.group(2)
            fact = facts.get(fact_id)
            if fact is None and facts.knows(fact_id):
                used.add(fact_id)
                continue
            if fact is None:
                close = difflib.get_close_matches(fact_id, list(facts), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                report(number, f"unknown fact '{fact_id}' (the facts are in knowledge/{FACTS_FOLDER}/*.yml){hint}")
                continue
            used.add(fact_id)
            if year and fact.in_year(int(year)) is None:
                first, last = fact.values[0], fact.values[-1]
                report(number, f"'{fact_id}' has no value for mid-{year} (day {MID_YEAR[1]}.{MID_YEAR[0]}.; its "
                               f"values cover {first.valid_from} to {last.valid_until or 'today'})")
            sign = _SIGN_AFTER.get(fact.type)
            if sign and sign.match(line[match.end():]):
                report(number, f"'{match.group(0)}' is shown with its own "
                               f"{'€' if fact.type == 'money' else '%'} sign; remove the one after it", "warning")
        for match in _UNCLOSED.finditer(line):
            report(number, f"'{match.group(0).strip()}' is not closed: a fact reference ends with '}}}}'")
        for match in _SINGLE_BRACES.finditer(line):
            report(number, f"'{match.group(0)}' needs two braces on each side: {{{{fact:…}}}}")
    return problems


def _figures(parsed: ParsedFile) -> dict[str, list[int]]:
    """Amounts written as text → the lines they are on.

    Only amounts: they are what changes each year (thresholds, fees, limits). Percentages in the
    articles are set in the law itself (50 % of the contribution ceiling, a 50 % refund) and
    would only teach staff to ignore this warning.
    """
    found: dict[str, list[int]] = {}
    in_front_matter = False
    for number, line in enumerate(parsed.text_lines, start=1):
        if line.strip() == "---":
            in_front_matter = number == 1
            continue
        if in_front_matter and _SKIPPED_LINE.match(line):
            continue
        text = _URL.sub(" ", REFERENCE.sub(" ", line))
        for match in _MONEY.finditer(text):
            found.setdefault(" ".join(match.group(0).split()), []).append(number)
    return found


def _digits(figure: str) -> str:
    """The digits of a figure, in ASCII: '13,90 €', '€13.90' and '۱۳٫۹۰ یورو' are all '1390'."""
    return "".join(str(unicodedata.digit(c)) for c in figure if c.isdigit())


def _figures_as_text(parsed: ParsedFile, found: dict[str, list[int]], translation: bool) -> list[Problem]:
    """One warning listing the amounts written as text, with their lines."""
    if not found:
        return []
    items = [f"'{figure}' (line{'s' if len(lines) > 1 else ''} {', '.join(map(str, sorted(set(lines))))})"
             for figure, lines in found.items()]
    shown = ", ".join(items[:_SHOWN_FIGURES]) + (f" and {len(items) - _SHOWN_FIGURES} more"
                                                 if len(items) > _SHOWN_FIGURES else "")
    first_line = min(line for lines in found.values() for line in lines)
    if translation:
        message = (f"the German version gives these figures as facts ({{{{fact:…}}}}), but this translation "
                   f"still writes them as text: {shown}; use the same {{{{fact:…}}}} references as the German "
                   "version")
    else:
        message = (f"figures written as text: {shown}; if one changes over time (a yearly amount, threshold "
                   f"or fee), put it in knowledge/{FACTS_FOLDER}/ and write {{{{fact:…}}}} here instead "
                   "(see knowledge/README.md)")
    return [Problem(parsed.path, first_line, FIGURES_FIELD, message, "warning")]
