"""Read knowledge articles: YAML front matter (with line numbers) and ``##`` sections.

Every problem found while reading one file is collected as a ``Problem`` naming file, line
and field; the fields are validated by the pydantic model in ``bot.knowledge.front_matter``;
``bot.knowledge.check`` adds the rules that need several files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot import SUPPORTED_LANGUAGES
from bot.knowledge import ARTICLES_FOLDER
from bot.knowledge.front_matter import ALL_REGIONS, read_front_matter
from bot.validation.problem import Problem, Severity
from bot.validation.yamlfile import parse_yaml

__all__ = ["ALL_REGIONS", "Article", "ArticleError", "ParsedFile", "Section", "Source", "article_files",
           "load_articles", "parse_article_file"]

_FRONT_MATTER_LINE = "---"


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    #: A commercial, blog, law-firm or agency page (listed after the official sources).
    secondary: bool = False


@dataclass(frozen=True)
class Section:
    heading: str
    text: str
    #: File line of the ``## `` heading.
    line: int


@dataclass(frozen=True)
class Article:
    """One language version of an article."""

    id: str
    lang: str
    topic: str
    title: str
    summary: str
    sources: list[Source]
    last_reviewed: dt.date
    review_after: dt.date
    #: ``"all"`` or a list of 5-digit district keys (Kreisschlüssel) as text.
    regions: str | list[str]
    keywords: list[str]
    sections: list[Section]
    path: Path
    #: Whom the article is for (front matter ``audience``, kept in the German file): any of
    #: bot.knowledge.front_matter.AUDIENCES; empty = everyone.
    audience: list[str] = field(default_factory=list)
    #: Questions this article answers, as people ask them (front matter ``questions``, German
    #: file only); each is a chunk of its own, so a question is matched against questions.
    questions: list[str] = field(default_factory=list)

    def applies_to(self, district_code: str | None) -> bool:
        """True when the article is meant for that district (or for every district)."""
        return self.regions == ALL_REGIONS or str(district_code) in self.regions

    def to_dict(self, relative_to: Path | None = None) -> dict:
        """Plain JSON-ready dict (dates as YYYY-MM-DD, path relative to ``relative_to``)."""
        data = asdict(self)
        data["last_reviewed"] = self.last_reviewed.isoformat()
        data["review_after"] = self.review_after.isoformat()
        path = self.path
        if relative_to is not None:
            try:
                path = path.relative_to(relative_to)
            except ValueError:
                pass
        data["path"] = str(path)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        """Inverse of ``to_dict``."""
        regions = data["regions"]
        return cls(
            id=data["id"],
            lang=data["lang"],
            topic=data["topic"],
            title=data["title"],
            summary=data["summary"],
            sources=[Source(**s) for s in data["sources"]],
            last_reviewed=dt.date.fromisoformat(data["last_reviewed"]),
            review_after=dt.date.fromisoformat(data["review_after"]),
            regions=regions if regions == ALL_REGIONS else list(regions),
            keywords=list(data["keywords"]),
            sections=[Section(**s) for s in data["sections"]],
            path=Path(data["path"]),
            audience=list(data.get("audience") or []),
            questions=list(data.get("questions") or []),
        )


class ArticleError(ValueError):
    """Article files have errors; ``problems`` names file, line and field of each."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


@dataclass
class ParsedFile:
    """What reading one file gave: the article (None when it has errors) and its problems."""

    path: Path
    article: Article | None
    problems: list[Problem]
    #: Raw front matter values (dates still text).
    fields: dict = field(default_factory=dict)
    #: File line of every front matter key and list item: "sources", "sources[0].url", ...
    lines: dict[str, int] = field(default_factory=dict)
    #: id and language as the file name gives them (None when the name is wrong).
    name_id: str | None = None
    lang: str | None = None
    #: The file's lines as read (empty when it could not be read).
    text_lines: list[str] = field(default_factory=list)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def article_files(knowledge_dir: Path) -> list[Path]:
    """Every visible file under ``knowledge_dir/articles``, sorted."""
    root = Path(knowledge_dir) / ARTICLES_FOLDER
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def load_articles(knowledge_dir: Path) -> list[Article]:
    """All article-language versions under ``knowledge_dir``; ArticleError if any file has errors.

    This reads each file on its own; ``bot.knowledge.check.check_knowledge`` also runs the
    rules across files (duplicates, missing German original, ...).
    """
    articles, problems = [], []
    for path in article_files(knowledge_dir):
        if path.suffix != ".md":
            continue
        parsed = parse_article_file(path)
        problems.extend(p for p in parsed.problems if p.severity == "error")
        if parsed.article is not None:
            articles.append(parsed.article)
    if problems:
        raise ArticleError(problems)
    return sorted(articles, key=lambda a: (a.topic, a.id, a.lang))


#: path -> (sha256 of its bytes, what parsing them gave). A long-running process (the action
#: server's live reload, bot/knowledge/live.py) parses again only the files that changed.
_PARSED: dict[Path, tuple[bytes, ParsedFile]] = {}


def parse_article_file(path: Path) -> ParsedFile:
    """Read one ``<id>.<lang>.md`` file, collecting every problem instead of stopping at one."""
    path = Path(path)
    try:
        key = hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return _parse_article_file(path)
    known = _PARSED.get(path)
    if known is None or known[0] != key:
        known = _PARSED[path] = (key, _parse_article_file(path))
    # A copy of the lists a caller might change; the article itself is not changed by anyone.
    return dataclasses.replace(known[1], problems=list(known[1].problems))


def _parse_article_file(path: Path) -> ParsedFile:
    parsed = ParsedFile(path=path, article=None, problems=[])

    def report(line: int, key: str, message: str, severity: Severity = "error") -> None:
        parsed.problems.append(Problem(path, line, key, message, severity))

    parsed.name_id, parsed.lang = _read_file_name(path, report)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        report(0, "file", "is not UTF-8 text; save it with UTF-8 encoding")
        return parsed
    lines = parsed.text_lines = text.splitlines()
    split = _split_front_matter(lines, report)
    if split is None:
        return parsed
    yaml_lines, body_start = split
    front = parse_yaml("\n".join(yaml_lines), path, first_line=_FRONT_MATTER_FIRST_LINE, what="front matter")
    parsed.problems.extend(front.problems)
    if front.data is None and front.problems:
        return parsed
    if not isinstance(front.data, dict):
        report(1, "front matter", "must be lines of 'field: value' between the two '---' lines")
        return parsed
    parsed.fields, parsed.lines = {str(k): v for k, v in front.data.items()}, front.lines
    fields, problems = read_front_matter(front, path, parsed.name_id, parsed.lang)
    parsed.problems.extend(problems)
    sections = _read_sections(lines, body_start, report)
    if not parsed.has_errors and parsed.lang and fields is not None:
        values = fields.model_dump()
        # Official sources first: the answers list them in this order.
        values["sources"] = [Source(**s) for s in sorted(values["sources"], key=lambda s: s["secondary"])]
        parsed.article = Article(lang=parsed.lang, sections=sections, path=path, **values)
    return parsed


def _read_file_name(path: Path, report) -> tuple[str | None, str | None]:
    example = "e.g. eu-blue-card.de.md"
    parts = path.name[: -len(".md")].split(".") if path.name.endswith(".md") else []
    if len(parts) != 2 or not parts[0]:
        report(0, "file name", f"'{path.name}' must be named <id>.<language>.md, {example}")
        return None, None
    name_id, lang = parts
    if lang not in SUPPORTED_LANGUAGES:
        report(
            0,
            "file name",
            f"unsupported language '{lang}' in '{path.name}' (use one of {', '.join(SUPPORTED_LANGUAGES)})",
        )
        return name_id, None
    return name_id, lang


def _split_front_matter(lines: list[str], report) -> tuple[list[str], int] | None:
    """(front matter lines, index of the first body line) or None after reporting why not."""
    if not lines or lines[0].strip() != _FRONT_MATTER_LINE:
        report(1, "front matter", "the file must start with a line '---', then the fields, then '---'")
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == _FRONT_MATTER_LINE:
            return lines[1:index], index + 1
    report(1, "front matter", "opened on line 1 but never closed: add a line '---' after the last field")
    return None


# The front matter YAML starts on file line 2 (after the opening '---').
_FRONT_MATTER_FIRST_LINE = 2


def _read_sections(lines: list[str], body_start: int, report) -> list[Section]:
    """Split the body at ``## `` headings; text before the first one is not a section."""
    sections: list[Section] = []
    heading, heading_line, text_lines = None, 0, []
    preamble: list[str] = []

    def close() -> None:
        if heading is None:
            return
        text = "\n".join(text_lines).strip()
        if not heading:
            report(heading_line, "section", "heading is empty: write a title after '## '")
        elif not text:
            report(heading_line, "section", f"'{heading}' has no text below its heading")
        else:
            sections.append(Section(heading=heading, text=text, line=heading_line))

    for index in range(body_start, len(lines)):
        line = lines[index]
        if line.startswith("## ") or line.rstrip() == "##":
            close()
            heading, heading_line, text_lines = line[2:].strip(), index + 1, []
        elif heading is None:
            preamble.append(line)
        else:
            text_lines.append(line)
    close()
    body_line = min(body_start + 1, max(len(lines), 1))
    if heading is None:
        report(body_line, "body", "has no '## ' section; the text needs at least one '## Heading'")
    if not "\n".join(preamble).strip():
        report(body_line, "body",
               "should start with one italic line saying this is general information, "
               "not legal advice (before the first '## ')", "warning")
    return sections
