"""German legal terms in translations: the glossary (knowledge/glossary.yml) and its check.

People deal with German letters and forms, so a translated article gives a legal term in
German the first time it uses it: "residence permit (Aufenthaltserlaubnis)". The glossary
lists each German term with the words the translations use for it. When the German summary
uses a term and the translated summary uses its translated word, the translated summary must
also give the German term; the same holds for the text below the front matter. Title and
keywords are not checked.

Forms in the glossary are matched as whole words, without regard to case in translations
and with regard to case in German. A word ending in ``*`` matches any ending: ``Visum*``
also finds "Visumantrag", ``дозв* на перебування`` finds every case of the Ukrainian
phrase. In Arabic, the article ال and the prefixes و ف ب ك ل may stand before any word of
a form, so ``بطاقة زرقاء`` also finds "بالبطاقة الزرقاء". Arabic and Persian letters are
compared without short vowels, and ي ك and ی ک count as the same letter.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from re import Pattern

import yaml

from bot import SUPPORTED_LANGUAGES
from bot.folding import ARABIC_LETTERS, ARABIC_MARKS
from bot.knowledge.articles import ParsedFile
from bot.validation.problem import Problem

#: The glossary file, directly in the knowledge folder.
GLOSSARY_FILE = "glossary.yml"
GERMAN = "de"
TRANSLATION_LANGUAGES = tuple(lang for lang in SUPPORTED_LANGUAGES if lang != GERMAN)

_ARABIC_SCRIPT = frozenset({"ar", "fa"})
# Short vowels, shadda, sukun and superscript alef carry no meaning for the match; Arabic and
# Persian letter variants are unified as everywhere else (bot.folding).
_ARABIC_MARKS = ARABIC_MARKS
_LETTER_FOLD = str.maketrans({
    **ARABIC_LETTERS,
    "\u015f": "\u0219", "\u0163": "\u021b",  # Romanian ş ţ with cedilla -> ș ț with comma
    "\u2019": "'", "\u02bc": "'",  # typographic apostrophes
    "\u200c": " ",  # zero-width non-joiner separates the parts of a Persian word
    "\u00a0": " ",
    "\u0307": None,  # the dot that lower() leaves on a Turkish capital İ
})
# Prefixes that Arabic writes together with the next word: and, so, with/in, like, for; the article.
_ARABIC_PREFIX = "(?:[\u0648\u0641])?(?:[\u0628\u06a9\u0644])?(?:\u0627\u0644|\u0644)?"
_ARABIC_ARTICLE = "\u0627\u0644"


@dataclass(frozen=True)
class Term:
    """One German term and the words each translation uses for it."""

    #: The term as it is written in brackets: "Aufenthaltserlaubnis".
    german: str
    #: Forms that find the term in German text (the first is ``german`` itself, maybe with ``*``).
    german_forms: tuple[str, ...]
    #: Language -> forms of the translated term.
    translations: Mapping[str, tuple[str, ...]]
    #: Line of the entry in the glossary file.
    line: int = 0
    _german_patterns: tuple[Pattern, ...] = field(default=(), compare=False, repr=False)
    _patterns: Mapping[str, tuple[Pattern, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_german_patterns", tuple(_compile(f, GERMAN) for f in self.german_forms))
        object.__setattr__(self, "_patterns", {
            lang: tuple(_compile(f, lang) for f in forms) for lang, forms in self.translations.items()
        })

    def in_german(self, text: str) -> bool:
        """True when ``text`` contains the German term (in any of its forms)."""
        text = unicodedata.normalize("NFC", text)
        return any(p.search(text) for p in self._german_patterns)

    def translated(self, text: str, lang: str) -> str | None:
        """The first translated form found in ``text`` (as written there), or None."""
        spans = self.translated_spans(text, lang)
        return text[spans[0][0]:spans[0][1]] if spans else None

    def translated_spans(self, text: str, lang: str) -> list[tuple[int, int]]:
        """(start, end) in ``text`` of every translated form found, in text order."""
        patterns = self._patterns.get(lang, ())
        if not patterns:
            return []
        folded, origin = _fold(text, lang)
        spans = set()
        for pattern in patterns:
            for match in pattern.finditer(folded):
                if match.end() > match.start():
                    spans.add((origin[match.start()], origin[match.end() - 1] + 1))
        # Where two forms overlap ("residence permit", "permanent residence permit"), keep the longer.
        kept: list[tuple[int, int]] = []
        for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
            if kept and start < kept[-1][1]:
                continue
            kept.append((start, end))
        return kept


@dataclass
class Glossary:
    terms: list[Term]
    path: Path | None = None


def normalize(text: str, lang: str) -> str:
    """Text as translated forms are matched: NFC, lower case, letter variants folded."""
    return _fold(text, lang)[0]


@lru_cache(maxsize=4096)
def _fold(text: str, lang: str) -> tuple[str, tuple[int, ...]]:
    """``normalize(text)`` and, for each of its characters, the index it comes from in ``text``.

    Cached: the check folds the same summary or body once for every glossary term.
    """
    text = unicodedata.normalize("NFC", text)
    marks = _ARABIC_MARKS if lang in _ARABIC_SCRIPT else None
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for out in char.lower().translate(_LETTER_FOLD):
            if marks is not None and marks.match(out):
                continue
            folded.append(out)
            origin.append(index)
    return "".join(folded), tuple(origin)


def _compile(form: str, lang: str) -> Pattern:
    """A whole-word pattern for one glossary form (``*`` ends a word with any ending)."""
    if lang == GERMAN:
        words = unicodedata.normalize("NFC", form).split()
    else:
        words = normalize(form, lang).split()
    parts = []
    for word in words:
        stem, open_end = (word[:-1], True) if word.endswith("*") else (word, False)
        prefix = ""
        if lang == "ar":
            if stem.startswith(_ARABIC_ARTICLE) and len(stem) > 3:
                stem = stem[len(_ARABIC_ARTICLE):]
            prefix = _ARABIC_PREFIX
        # Arabic writes the indefinite accusative with a final alef: قرار -> قرارًا.
        ending = r"\w*" if open_end else ("\u0627?" if lang == "ar" else "")
        parts.append(prefix + re.escape(stem) + ending)
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(parts) + r"(?!\w)")


# --- reading the glossary ---------------------------------------------------------------------

def glossary_path(knowledge_dir: Path, file_name: str = GLOSSARY_FILE) -> Path:
    return Path(knowledge_dir) / file_name


#: path -> (sha256 of its bytes, the glossary and problems read from them): compiling every term's
#: patterns takes seconds, which a long-running process (the live reload) pays once per change.
_READ: dict[Path, tuple[bytes, Glossary | None, list[Problem]]] = {}


def read_glossary(knowledge_dir: Path, file_name: str = GLOSSARY_FILE) -> tuple[Glossary | None, list[Problem]]:
    """The glossary of ``knowledge_dir`` (None when there is no file) and its problems.

    ``file_name``: another file in the same format (knowledge/professions.yml, bot.case_summary).
    """
    path = glossary_path(knowledge_dir, file_name)
    if not path.exists():
        return None, []
    try:
        key = hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return _read_glossary(path)
    known = _READ.get(path)
    if known is None or known[0] != key:
        known = _READ[path] = (key, *_read_glossary(path))
    return known[1], list(known[2])


def _read_glossary(path: Path) -> tuple[Glossary | None, list[Problem]]:
    problems: list[Problem] = []

    def report(line: int, key: str, message: str) -> None:
        problems.append(Problem(path, line, key, message))

    try:
        text = path.read_text(encoding="utf-8-sig")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        report(0, "file", "is not UTF-8 text; save it with UTF-8 encoding")
        return None, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        report(mark.line + 1 if mark else 1, "glossary", f"is not valid YAML: {exc.problem or exc.context}")
        return None, problems
    entries = _entries_node(node)
    if entries is None:
        report(1, "terms", "the file must have a list 'terms:' with one '- de: ...' entry per German term")
        return None, problems
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries.value):
        term = _read_entry(entry, index, report)
        if term is None:
            continue
        if term.german in seen:
            report(term.line, f"terms[{index}].de",
                   f"'{term.german}' is already listed on line {seen[term.german]}; keep one entry")
            continue
        seen[term.german] = term.line
        terms.append(term)
    return Glossary(terms, path), problems


def load_glossary(knowledge_dir: Path, file_name: str = GLOSSARY_FILE) -> Glossary:
    """The glossary (empty when there is none); ValueError naming the problems when it is broken."""
    glossary, problems = read_glossary(knowledge_dir, file_name)
    if problems:
        raise ValueError("\n".join(p.format() for p in problems))
    return glossary or Glossary([])


def _entries_node(node) -> yaml.SequenceNode | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if key.value == "terms" and isinstance(value, yaml.SequenceNode):
            return value
    return None


def _forms(node) -> tuple[str, ...] | None:
    """The forms of a scalar or a list of scalars; None when it is something else or empty."""
    if isinstance(node, yaml.ScalarNode):
        values = [node.value]
    elif isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.ScalarNode) for n in node.value):
        values = [n.value for n in node.value]
    else:
        return None
    forms = tuple(" ".join(str(v).split()) for v in values)
    if not forms or any(not f or f == "*" for f in forms):
        return None
    return forms


def _read_entry(entry, index: int, report) -> Term | None:
    key = f"terms[{index}]"
    line = entry.start_mark.line + 1
    if not isinstance(entry, yaml.MappingNode):
        report(line, key, "must be a mapping: 'de:' with the German term, then one line per language")
        return None
    german_forms, translations, ok = None, {}, True
    for key_node, value_node in entry.value:
        lang = str(key_node.value)
        where = key_node.start_mark.line + 1
        if lang not in SUPPORTED_LANGUAGES:
            report(where, f"{key}.{lang}", f"unknown language (use {', '.join(SUPPORTED_LANGUAGES)})")
            ok = False
            continue
        forms = _forms(value_node)
        if forms is None:
            report(where, f"{key}.{lang}", "must be a word or a list of words in brackets, none of them empty")
            ok = False
            continue
        if lang == GERMAN:
            german_forms = forms
        else:
            translations[lang] = forms
    if german_forms is None:
        if ok:
            report(line, key, "has no 'de:' line with the German term")
        return None
    if not ok:
        return None
    german = german_forms[0].replace("*", "")
    return Term(german=german, german_forms=german_forms, translations=translations, line=line)


# --- the check --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Unit:
    """A part of an article that must give the German term on its own: summary or body."""

    field: str
    #: (file line, text) pairs; the summary is one pair.
    lines: Sequence[tuple[int, str]]

    @property
    def text(self) -> str:
        return "\n".join(text for _, text in self.lines)


def _units(parsed: ParsedFile) -> list[_Unit]:
    summary = parsed.fields.get("summary")
    units = []
    if isinstance(summary, str):
        units.append(_Unit("summary", [(parsed.line_of("summary"), summary)]))
    units.append(_Unit("body", _body_lines(parsed.path)))
    return units


def _body_lines(path: Path) -> list[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), len(lines))
    return [(i + 1, lines[i]) for i in range(closing + 1, len(lines))]



def _first_mention(term: Term, unit: _Unit, lang: str) -> int:
    """File line of the first mention, preferring running text over headings."""
    lines = [(n, t) for n, t in unit.lines if term.translated(t, lang)]
    text_lines = [n for n, t in lines if not t.lstrip().startswith("#")]
    if text_lines:
        return text_lines[0]
    return lines[0][0] if lines else unit.lines[0][0]


def check_translation(original: ParsedFile, translation: ParsedFile, terms: Iterable[Term]) -> list[Problem]:
    """Problems of one translation: glossary terms given in translation only, never in German."""
    lang = translation.lang
    if lang is None or lang == GERMAN:
        return []
    german_units = {unit.field: unit.text for unit in _units(original)}
    terms = [t for t in terms if lang in t.translations]
    problems = []
    for unit in _units(translation):
        german = german_units.get(unit.field, "")
        text = unit.text
        for term in terms:
            if not term.in_german(german):
                continue
            found = term.translated(text, lang)
            if found is None or term.in_german(text):
                continue
            line = unit.lines[0][0] if unit.field == "summary" else _first_mention(term, unit, lang)
            problems.append(Problem(
                translation.path, line, unit.field,
                f"'{found}' is the legal term '{term.german}', which is not given in German in the "
                f"{unit.field}; write '({term.german})' after its first mention (see {GLOSSARY_FILE})",
            ))
    return problems


def check_glossary_terms(knowledge_dir: Path, versions_by_id: Mapping[str, Mapping[str, ParsedFile]]) -> list[Problem]:
    """Glossary problems, then the German terms missing from each translation."""
    glossary, problems = read_glossary(knowledge_dir)
    if glossary is None or not glossary.terms:
        return problems
    memo = _memo_for(knowledge_dir)
    for versions in versions_by_id.values():
        original = versions.get(GERMAN)
        if original is None or original.article is None:
            continue
        for lang, parsed in versions.items():
            if lang != GERMAN and parsed.article is not None:
                key = (original.path, _file_key(original.path), parsed.path, _file_key(parsed.path))
                if key not in memo:
                    memo[key] = check_translation(original, parsed, glossary.terms)
                problems.extend(memo[key])
    return problems


#: Per glossary (by its bytes): (German file, its bytes' hash, translation, its hash) -> problems. A
#: long-running process (the action server's live reload) checks again only the pairs that changed.
_MEMO: dict[tuple, dict] = {}


def _file_key(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _memo_for(knowledge_dir: Path) -> dict:
    glossary_key = (str(Path(knowledge_dir).resolve()), _file_key(Path(knowledge_dir) / GLOSSARY_FILE))
    if glossary_key not in _MEMO:
        for stale in [k for k in _MEMO if k[0] == glossary_key[0]]:
            del _MEMO[stale]
        _MEMO[glossary_key] = {}
    return _MEMO[glossary_key]
