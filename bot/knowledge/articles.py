"""Read knowledge articles: YAML front matter (with line numbers) and ``##`` sections.

Every problem found while reading one file is collected as a ``Problem`` naming file, line
and field; ``bot.knowledge.check`` adds the rules that need several files.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Literal, Optional, Tuple, Union
from urllib.parse import urlsplit

import yaml

from bot import SUPPORTED_LANGUAGES, TOPICS
from bot.knowledge import ARTICLES_FOLDER

REQUIRED_FIELDS = ("id", "topic", "title", "summary", "sources", "last_reviewed", "review_after")
OPTIONAL_FIELDS = ("regions", "keywords")
ALL_REGIONS = "all"

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Kreisschlüssel of Sachsen-Anhalt: 15001–15091.
_DISTRICT = re.compile(r"^15\d{3}$")
_FRONT_MATTER_LINE = "---"

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a knowledge file, for staff: file, line, field, plain English."""

    path: Path
    #: 1-based file line; 0 when the problem concerns the whole file or folder.
    line: int
    field: str
    message: str
    severity: Severity = "error"

    def format(self, root: Optional[Path] = None) -> str:
        """``path:line: field: message`` (no line for whole-file problems), path relative to root."""
        shown = self.path
        if root is not None:
            try:
                shown = self.path.relative_to(root)
            except ValueError:
                pass
        where = f"{shown}:{self.line}" if self.line else f"{shown}"
        return f"{where}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Source:
    title: str
    url: str


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
    sources: List[Source]
    last_reviewed: dt.date
    review_after: dt.date
    #: ``"all"`` or a list of 5-digit district keys (Kreisschlüssel) as text.
    regions: Union[str, List[str]]
    keywords: List[str]
    sections: List[Section]
    path: Path

    def applies_to(self, district_code: Optional[str]) -> bool:
        """True when the article is meant for that district (or for every district)."""
        return self.regions == ALL_REGIONS or str(district_code) in self.regions

    def to_dict(self, relative_to: Optional[Path] = None) -> dict:
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
    def from_dict(cls, data: dict) -> "Article":
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
        )


class ArticleError(ValueError):
    """Article files have errors; ``problems`` names file, line and field of each."""

    def __init__(self, problems: List[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


@dataclass
class ParsedFile:
    """What reading one file gave: the article (None when it has errors) and its problems."""

    path: Path
    article: Optional[Article]
    problems: List[Problem]
    #: Raw front matter values (dates still text).
    fields: dict = field(default_factory=dict)
    #: File line of every front matter key and list item: "sources", "sources[0].url", ...
    lines: Dict[str, int] = field(default_factory=dict)
    #: id and language as the file name gives them (None when the name is wrong).
    name_id: Optional[str] = None
    lang: Optional[str] = None

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so a bad date is reported instead of crashing."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def article_files(knowledge_dir: Path) -> List[Path]:
    """Every visible file under ``knowledge_dir/articles``, sorted."""
    root = Path(knowledge_dir) / ARTICLES_FOLDER
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def load_articles(knowledge_dir: Path) -> List[Article]:
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


def parse_article_file(path: Path) -> ParsedFile:
    """Read one ``<id>.<lang>.md`` file, collecting every problem instead of stopping at one."""
    path = Path(path)
    parsed = ParsedFile(path=path, article=None, problems=[])

    def report(line: int, key: str, message: str, severity: Severity = "error") -> None:
        parsed.problems.append(Problem(path, line, key, message, severity))

    parsed.name_id, parsed.lang = _read_file_name(path, report)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        report(0, "file", "is not UTF-8 text; save it with UTF-8 encoding")
        return parsed
    lines = text.splitlines()
    split = _split_front_matter(lines, report)
    if split is None:
        return parsed
    yaml_lines, body_start = split
    loaded = _load_front_matter("\n".join(yaml_lines), report)
    if loaded is None:
        return parsed
    parsed.fields, parsed.lines = loaded
    values = _read_fields(parsed, report)
    sections = _read_sections(lines, body_start, report)
    if not parsed.has_errors and parsed.lang and values is not None:
        parsed.article = Article(lang=parsed.lang, sections=sections, path=path, **values)
    return parsed


def _read_file_name(path: Path, report) -> Tuple[Optional[str], Optional[str]]:
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


def _split_front_matter(lines: List[str], report) -> Optional[Tuple[List[str], int]]:
    """(front matter lines, index of the first body line) or None after reporting why not."""
    if not lines or lines[0].strip() != _FRONT_MATTER_LINE:
        report(1, "front matter", "the file must start with a line '---', then the fields, then '---'")
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == _FRONT_MATTER_LINE:
            return lines[1:index], index + 1
    report(1, "front matter", "opened on line 1 but never closed: add a line '---' after the last field")
    return None


# The front matter YAML starts on file line 2; yaml marks count lines from 0.
_YAML_LINE_OFFSET = 2


def _load_front_matter(yaml_text: str, report) -> Optional[Tuple[dict, Dict[str, int]]]:
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
        data = yaml.load(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + _YAML_LINE_OFFSET if mark else 1
        report(line, "front matter", f"is not valid YAML: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        report(1, "front matter", f"is not valid YAML: {exc}")
        return None
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        report(1, "front matter", "must be lines of 'field: value' between the two '---' lines")
        return None
    lines: Dict[str, int] = {}
    _collect_lines(node, "", lines, report)
    return {str(k): v for k, v in data.items()}, lines


def _collect_lines(node: yaml.Node, prefix: str, lines: Dict[str, int], report) -> None:
    """Record the file line of every mapping key and list item below ``node``."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            line = key_node.start_mark.line + _YAML_LINE_OFFSET
            if key in seen:
                report(line, key, f"appears twice (first on line {lines[key]}); keep one")
                continue
            seen.add(key)
            lines[key] = line
            _collect_lines(value_node, key, lines, report)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = f"{prefix}[{index}]"
            lines[key] = item.start_mark.line + _YAML_LINE_OFFSET
            _collect_lines(item, key, lines, report)


def _read_fields(parsed: ParsedFile, report) -> Optional[dict]:
    """Check each front matter field; the typed values, or None when one is unusable."""
    data, line_of = parsed.fields, parsed.line_of
    ok = True

    def fail(key: str, message: str, line: Optional[int] = None) -> None:
        nonlocal ok
        ok = False
        report(line_of(key) if line is None else line, key, message)

    for key in REQUIRED_FIELDS:
        if data.get(key) in (None, ""):
            fail(key, "is missing; every article needs it" if key not in data else "is empty")
    for key in data:
        if key not in REQUIRED_FIELDS and key not in OPTIONAL_FIELDS:
            report(
                line_of(key),
                key,
                f"unknown field (known: {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}); check the spelling",
                "warning",
            )

    article_id = data.get("id")
    if article_id not in (None, ""):
        if not isinstance(article_id, str) or not _ID.match(article_id):
            fail("id", f"{article_id!r} must be lowercase letters, digits and hyphens, e.g. eu-blue-card")
        elif parsed.name_id is not None and article_id != parsed.name_id:
            fail("id", f"'{article_id}' does not match the file name '{parsed.path.name}'; "
                       f"name the file {article_id}.{parsed.lang or '<language>'}.md")

    topic = data.get("topic")
    if topic not in (None, ""):
        if topic not in TOPICS:
            fail("topic", f"unknown topic {topic!r} (use one of {', '.join(TOPICS)})")
        elif parsed.path.parent.name != topic:
            fail("topic", f"'{topic}' does not match the folder '{parsed.path.parent.name}' "
                          f"the file is in; move it to articles/{topic}/ or fix the topic")

    for key in ("title", "summary"):
        value = data.get(key)
        if value not in (None, "") and not isinstance(value, str):
            fail(key, "must be text")

    sources = _read_sources(data.get("sources"), parsed.lines, fail)
    last_reviewed = _read_date(data, "last_reviewed", fail)
    review_after = _read_date(data, "review_after", fail)
    if last_reviewed and review_after and review_after < last_reviewed:
        fail("review_after", f"{review_after} is before last_reviewed {last_reviewed}")
    regions = _read_regions(data.get("regions", ALL_REGIONS), fail)
    keywords = _read_keywords(data.get("keywords", []), fail)
    if not ok:
        return None
    return dict(
        id=article_id, topic=topic, title=data["title"].strip(), summary=data["summary"].strip(),
        sources=sources, last_reviewed=last_reviewed, review_after=review_after,
        regions=regions, keywords=keywords,
    )


def _read_sources(value, lines: Dict[str, int], fail) -> List[Source]:
    if value in (None, ""):
        return []  # already reported as missing
    if not isinstance(value, list) or not value:
        fail("sources", "must be a list of '- title: ...' / 'url: ...' entries (at least one)")
        return []
    sources = []
    for index, item in enumerate(value):
        key = f"sources[{index}]"
        if not isinstance(item, dict):
            fail(key, "must have a 'title:' and a 'url:' line")
            continue
        title, url = item.get("title"), item.get("url")
        title_ok = isinstance(title, str) and bool(title.strip())
        url_ok = _is_web_url(url)
        if not title_ok:
            fail(f"{key}.title", "source has no title", lines.get(f"{key}.title", lines.get(key, 1)))
        if not url_ok:
            shown = "missing" if url in (None, "") else f"{url!r} is not a valid web address"
            fail(f"{key}.url", f"{shown} (use a full address starting with https:// or http://)",
                 lines.get(f"{key}.url", lines.get(key, 1)))
        if title_ok and url_ok:
            sources.append(Source(title=title.strip(), url=url.strip()))
    return sources


def _is_web_url(url) -> bool:
    if not isinstance(url, str) or not url.strip() or any(c.isspace() for c in url.strip()):
        return False
    try:
        parts = urlsplit(url.strip())
        hostname = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(hostname) and "." in hostname


def _read_date(data: dict, key: str, fail) -> Optional[dt.date]:
    value = data.get(key)
    if value in (None, ""):
        return None
    text = str(value) if isinstance(value, (str, int)) else None
    if text is not None and _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    fail(key, f"{value!r} is not a date (use YYYY-MM-DD)")
    return None


def _read_regions(value, fail) -> Union[str, List[str]]:
    hint = "use 'all' or a list of 5-digit district keys, e.g. [15002, 15003]"
    if value == ALL_REGIONS:
        return ALL_REGIONS
    if not isinstance(value, list) or not value:
        fail("regions", f"{value!r}: {hint}")
        return ALL_REGIONS
    regions = []
    for item in value:
        if isinstance(item, bool) or not _DISTRICT.match(str(item)):
            fail("regions", f"{item!r} is not a district key of Sachsen-Anhalt; {hint}")
        else:
            regions.append(str(item))
    return regions


def _read_keywords(value, fail) -> List[str]:
    if value is None:
        return []
    if not isinstance(value, list) or any(isinstance(k, (dict, list)) or k is None for k in value):
        fail("keywords", "must be a list in brackets, e.g. [Blaue Karte, Blue Card]")
        return []
    return [str(k).strip() for k in value if str(k).strip()]


def _read_sections(lines: List[str], body_start: int, report) -> List[Section]:
    """Split the body at ``## `` headings; text before the first one is not a section."""
    sections: List[Section] = []
    heading, heading_line, text_lines = None, 0, []
    preamble: List[str] = []

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
