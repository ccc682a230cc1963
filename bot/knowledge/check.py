"""Validate the knowledge folder: every rule for one file, plus the rules across files.

Articles (front matter, sections), the facts they refer to (knowledge/facts/), their sources
(knowledge/source-domains.yml), the German legal terms of translations (glossary.yml) and
whether translations follow the current German text (translations.yml).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from bot.knowledge import ARTICLES_FOLDER
from bot.knowledge.articles import ParsedFile, article_files, parse_article_file
from bot.knowledge.fact_references import check_fact_references, unused_facts
from bot.knowledge.facts import read_facts
from bot.knowledge.glossary import check_glossary_terms
from bot.knowledge.sources import check_sources, read_source_domains
from bot.knowledge.translations import check_translations as check_translation_record
from bot.validation.problem import Problem

__all__ = ["REVIEW_LANGUAGES", "Problem", "check_knowledge", "format_report"]

#: The reference language: every article needs a German version.
REFERENCE_LANGUAGE = "de"
#: Languages every article should have; a missing one is a warning, not an error.
REVIEW_LANGUAGES = ("de", "en", "ar", "uk", "ru", "tr")
#: An article this many days past its review_after date stops the build.
OVERDUE_LIMIT_DAYS = 365


def check_knowledge(knowledge_dir: Path, today: dt.date | None = None) -> list[Problem]:
    """Every problem in ``knowledge_dir/articles``, sorted by file and line."""
    today = today or dt.date.today()
    articles_dir = Path(knowledge_dir) / ARTICLES_FOLDER
    files = article_files(knowledge_dir)
    problems: list[Problem] = []
    if not any(path.suffix == ".md" for path in files):
        problems.append(Problem(articles_dir, 0, "articles", "no article files found (<topic>/<id>.<language>.md)"))
    parsed_files: list[ParsedFile] = []
    for path in files:
        if path.suffix != ".md":
            problems.append(Problem(path, 0, "file name",
                                    "not an article file (articles end in .<language>.md); it is ignored",
                                    "warning"))
            continue
        parsed = parse_article_file(path)
        parsed_files.append(parsed)
        problems.extend(parsed.problems)
    versions_by_id, grouping_problems = _group_versions(parsed_files)
    problems.extend(grouping_problems)
    problems.extend(_check_translations(versions_by_id))
    problems.extend(check_glossary_terms(knowledge_dir, versions_by_id))
    problems.extend(_check_review_dates(parsed_files, today))
    facts, fact_problems = read_facts(knowledge_dir, today)
    reference_problems, used = check_fact_references(parsed_files, facts)
    problems += fact_problems + reference_problems + unused_facts(facts, used)
    domains, domain_problems = read_source_domains(knowledge_dir)
    problems += domain_problems + check_sources(versions_by_id, domains)
    problems.extend(check_translation_record(knowledge_dir, versions_by_id))
    return sorted(problems, key=lambda p: (str(p.path), p.line, p.field))


def format_report(problems: list[Problem], root: Path | None = None) -> list[str]:
    """Errors first, then warnings, one ``file:line: field: message`` line each."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    lines = [p.format(root) for p in errors]
    if warnings:
        if errors:
            lines.append("")
        lines.append("Warnings (they do not stop the index build):")
        lines.extend(p.format(root) for p in warnings)
    return lines


def _article_key(parsed: ParsedFile) -> tuple[str, str] | None:
    """(id, language) of a file, from its front matter, else from its file name."""
    article_id = parsed.fields.get("id")
    if not isinstance(article_id, str) or not article_id:
        article_id = parsed.name_id
    if not article_id or not parsed.lang:
        return None
    return article_id, parsed.lang


def _group_versions(parsed_files: list[ParsedFile]) -> tuple[dict[str, dict[str, ParsedFile]], list[Problem]]:
    """id -> language -> file; a second file for the same id and language is a problem."""
    problems: list[Problem] = []
    by_id: dict[str, dict[str, ParsedFile]] = defaultdict(dict)
    for parsed in parsed_files:
        key = _article_key(parsed)
        if key is None:
            continue
        article_id, lang = key
        first = by_id[article_id].get(lang)
        if first is not None:
            problems.append(Problem(
                parsed.path, parsed.line_of("id"), "id",
                f"'{article_id}' in language '{lang}' is already used by {first.path}; "
                "each id needs exactly one file per language",
            ))
            continue
        by_id[article_id][lang] = parsed
    return by_id, problems


def _check_translations(by_id: dict[str, dict[str, ParsedFile]]) -> list[Problem]:
    problems: list[Problem] = []
    for article_id, versions in by_id.items():
        original = versions.get(REFERENCE_LANGUAGE)
        if original is None:
            for parsed in versions.values():
                problems.append(Problem(
                    parsed.path, parsed.line_of("id"), "id",
                    f"translation without a German original: add {article_id}.{REFERENCE_LANGUAGE}.md "
                    "(the German version is required)",
                ))
            continue
        missing = [lang for lang in REVIEW_LANGUAGES if lang not in versions]
        if missing:
            problems.append(Problem(
                original.path, 0, "translations",
                f"'{article_id}' has no version in {', '.join(missing)}", "warning",
            ))
        for lang, parsed in versions.items():
            if lang == REFERENCE_LANGUAGE:
                continue
            if parsed.path.parent != original.path.parent:
                problems.append(Problem(
                    parsed.path, parsed.line_of("topic"), "topic",
                    f"translation is in folder '{parsed.path.parent.name}' but the German original "
                    f"is in '{original.path.parent.name}'; keep all versions in one folder",
                ))
    return problems


def _check_review_dates(parsed_files: list[ParsedFile], today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    for parsed in parsed_files:
        article = parsed.article
        if article is None:
            continue
        if article.last_reviewed > today:
            problems.append(Problem(
                parsed.path, parsed.line_of("last_reviewed"), "last_reviewed",
                f"{article.last_reviewed} is in the future; is the year right?", "warning",
            ))
        overdue = (today - article.review_after).days
        if overdue > OVERDUE_LIMIT_DAYS:
            problems.append(Problem(
                parsed.path, parsed.line_of("review_after"), "review_after",
                f"review was due on {article.review_after}, more than {OVERDUE_LIMIT_DAYS} days ago; "
                "check the facts, then update last_reviewed and review_after",
            ))
        elif overdue > 0:
            problems.append(Problem(
                parsed.path, parsed.line_of("review_after"), "review_after",
                f"review was due on {article.review_after} ({overdue} days ago); check the facts, "
                "then update last_reviewed and review_after",
                "warning",
            ))
    return problems
