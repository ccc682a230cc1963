"""Which German text each translation was made from: knowledge/translations.yml.

When a translator has brought a translation up to date, ``python -m bot mark-translated <id>
[<lang> …]`` records a fingerprint (hash) of the German version's title, summary and each
section. When the German text changes later, ``check`` compares the fingerprints and warns
that the translations are out of date, naming the parts that changed — by content, not by
date: a new review date alone changes nothing, a changed sentence does. The file is written
by the command only; staff never edit it.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from bot.knowledge.articles import Article, ParsedFile
from bot.validation.problem import Problem
from bot.validation.schema import validate
from bot.validation.yamlfile import key_path, read_yaml_file

TRANSLATIONS_FILE = "translations.yml"
GERMAN = "de"
COMMAND = "python -m bot mark-translated"
_HEADER = (
    "# Written by `python -m bot mark-translated`; do not edit. For each article: a fingerprint of\n"
    "# each German text a translation was made from (title, summary, sections), and for each\n"
    "# language the German text it follows. See knowledge/README.md, \"Keeping translations up to date\".\n"
)


class GermanVersion(BaseModel):
    """Fingerprints of the parts of one German text."""

    model_config = ConfigDict(extra="forbid")

    title: str
    summary: str
    sections: dict[str, str] = {}


class ArticleRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Fingerprint of the whole German text → the fingerprints of its parts.
    german: dict[str, GermanVersion] = {}
    #: Language → fingerprint of the German text that translation follows.
    translations: dict[str, str] = {}


class TranslationRecord(BaseModel):
    articles: dict[str, ArticleRecord] = {}


def _fingerprint(text: str) -> str:
    """Hash of a text with spacing and line breaks evened out (re-wrapping a line is no change)."""
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:10]


def german_version(article: Article) -> tuple[str, GermanVersion]:
    """(fingerprint of the whole text, fingerprints of its parts) of a German article."""
    parts = GermanVersion(
        title=_fingerprint(article.title), summary=_fingerprint(article.summary),
        sections={section.heading: _fingerprint(section.text) for section in article.sections},
    )
    whole = _fingerprint("\n".join([parts.title, parts.summary] + [f"{h}\t{v}" for h, v in parts.sections.items()]))
    return whole, parts


def record_path(knowledge_dir: Path) -> Path:
    return Path(knowledge_dir) / TRANSLATIONS_FILE


def read_record(knowledge_dir: Path) -> tuple[TranslationRecord, list[Problem]]:
    """The record (empty when there is no file) and the problems of the file."""
    path = record_path(knowledge_dir)
    if not path.exists():
        return TranslationRecord(), []
    parsed = read_yaml_file(path)
    if parsed.problems:
        return TranslationRecord(), parsed.problems
    fix = (f"; the file is written by `{COMMAND}`: restore it from git, or run `{COMMAND} --all` "
           "if every translation is up to date")
    record, problems = validate(TranslationRecord, parsed, {"articles": parsed.data or {}}, suffix=fix,
                                place=lambda loc: (parsed.line_of_loc(loc[1:]), key_path(loc[1:]) or "file"))
    return record or TranslationRecord(), problems


def write_record(knowledge_dir: Path, record: TranslationRecord) -> None:
    """Write the file in one step (sorted, so a change shows as a small diff)."""
    data = {article_id: _plain(entry) for article_id, entry in sorted(record.articles.items())}
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=True, default_flow_style=False, width=120)
    # A blank line between articles: parallel changes to different articles merge without conflict.
    body = "".join(("\n" + line) if line[:1] not in (" ", "") and index else line
                   for index, line in enumerate(body.splitlines(keepends=True)))
    text = _HEADER + body
    path = record_path(knowledge_dir)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def _plain(entry: ArticleRecord) -> dict[str, Any]:
    return {"german": {k: v.model_dump() for k, v in entry.german.items()}, "translations": dict(entry.translations)}


def mark_translated(record: TranslationRecord, german: Article, languages: list[str]) -> None:
    """Record that the translations in ``languages`` follow ``german`` as it is now."""
    whole, parts = german_version(german)
    entry = record.articles.setdefault(german.id, ArticleRecord())
    entry.german[whole] = parts
    for lang in languages:
        entry.translations[lang] = whole


def prune(record: TranslationRecord, existing: Mapping[str, set]) -> list[str]:
    """Forget translations that no longer exist (``existing``: id → languages); what was removed."""
    removed = []
    for article_id in list(record.articles):
        entry = record.articles[article_id]
        for lang in list(entry.translations):
            if lang not in existing.get(article_id, set()):
                del entry.translations[lang]
                removed.append(f"{article_id}.{lang}")
        used = set(entry.translations.values())
        entry.german = {k: v for k, v in entry.german.items() if k in used}
        if not entry.translations:
            del record.articles[article_id]
    return removed


def changed_parts(before: GermanVersion | None, now: GermanVersion) -> str:
    """'summary, section 'Kosten', new section 'X'' — what differs between two German texts."""
    if before is None:
        return "the text"
    parts = [name for name in ("title", "summary") if getattr(before, name) != getattr(now, name)]
    for heading, value in now.sections.items():
        if heading not in before.sections:
            parts.append(f"new section '{heading}'")
        elif before.sections[heading] != value:
            parts.append(f"section '{heading}'")
    parts += [f"removed section '{heading}'" for heading in before.sections if heading not in now.sections]
    return ", ".join(parts) or "the order of the sections"


def check_translations(knowledge_dir: Path, versions_by_id: Mapping[str, Mapping[str, ParsedFile]]) -> list[Problem]:
    """Warnings on each German file whose translations do not follow its current text."""
    record, problems = read_record(knowledge_dir)
    for article_id, versions in sorted(versions_by_id.items()):
        original = versions.get(GERMAN)
        if original is None or original.article is None:
            continue
        whole, parts = german_version(original.article)
        entry = record.articles.get(article_id, ArticleRecord())
        unrecorded, outdated = [], {}
        for lang, parsed in sorted(versions.items()):
            if lang == GERMAN or parsed.article is None:
                continue
            followed = entry.translations.get(lang)
            if followed is None:
                unrecorded.append(lang)
            elif followed != whole:
                outdated.setdefault(changed_parts(entry.german.get(followed), parts), []).append(lang)
        for changes, languages in outdated.items():
            problems.append(Problem(
                original.path, 0, "translations",
                f"the German text changed since the translations {', '.join(languages)} were last brought up "
                f"to date (changed: {changes}); update them, then run "
                f"`{COMMAND} {article_id} {' '.join(languages)}`", "warning"))
        if unrecorded:
            problems.append(Problem(
                original.path, 0, "translations",
                f"no record that the translations {', '.join(unrecorded)} follow this German text; once they "
                f"say the same, run `{COMMAND} {article_id} {' '.join(unrecorded)}`", "warning"))
    return problems


def mark_from_command(knowledge_dir: Path, article_id: str | None, languages: list[str],
                      every_article: bool) -> tuple[bool, list[str]]:
    """``python -m bot mark-translated``: (success, lines to print)."""
    from bot.knowledge.articles import article_files, parse_article_file

    parsed_files = [parse_article_file(p) for p in article_files(knowledge_dir) if p.suffix == ".md"]
    existing: dict[str, set] = {}
    german: dict[str, ParsedFile] = {}
    for parsed in parsed_files:
        if parsed.name_id and parsed.lang:
            existing.setdefault(parsed.name_id, set()).add(parsed.lang)
            if parsed.lang == GERMAN:
                german[parsed.name_id] = parsed
    record, problems = read_record(knowledge_dir)
    if problems and not every_article:
        return False, [p.format(Path(knowledge_dir).parent) for p in problems]
    if every_article:
        record = TranslationRecord()
    ids = sorted(german) if every_article else [article_id]
    lines = []
    for current in ids:
        original = german.get(current)
        if original is None:
            return False, [f"no German article '{current}' in {Path(knowledge_dir) / 'articles'}"]
        if original.article is None:
            return False, [f"the German version of '{current}' has errors; fix them first (python -m bot check)"]
        available = sorted(existing[current] - {GERMAN})
        chosen = languages if languages and not every_article else available
        unknown = [lang for lang in chosen if lang not in available]
        if unknown:
            return False, [(f"'{current}' has no translation in {', '.join(unknown)} "
                           f"(it has: {', '.join(available) or 'none'})")]
        if chosen:
            mark_translated(record, original.article, chosen)
            lines.append(f"{current}: {', '.join(chosen)} recorded as following the current German text")
    removed = prune(record, existing)
    write_record(knowledge_dir, record)
    if removed:
        lines.append(f"forgotten (no such translation any more): {', '.join(removed)}")
    return True, lines
