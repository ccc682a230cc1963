"""Which sources are official: knowledge/source-domains.yml lists web sites that are not.

An article's sources should be the law text or the responsible authority's own page. A
commercial, blog, law-firm or agency page may stay only where no official page says the
same, marked ``secondary: true``; answers list it after the official ones. ``check`` warns
about a source on the list that is not marked, and about an article with no official source.
Staff extend the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from bot.knowledge.articles import ParsedFile
from bot.validation.problem import Problem
from bot.validation.schema import fail, host_of, validate
from bot.validation.yamlfile import YamlFile, read_yaml_file

SOURCE_DOMAINS_FILE = "source-domains.yml"
GERMAN = "de"
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")


def _domain(item: Any) -> str:
    """'jobbatical.com', also from 'https://www.jobbatical.com/de/blog' (the site is what counts)."""
    domain = str(item).strip().lower()
    if "/" in domain:
        domain = host_of(domain if "://" in domain else f"https://{domain}")
    domain = domain.removeprefix("www.")
    if not _DOMAIN.match(domain):
        raise fail(f"{item!r} is not a web site name; write just the name, e.g. jobbatical.com")
    return domain


class _DomainList(BaseModel):
    model_config = ConfigDict(extra="ignore")

    non_official: list[Annotated[str, BeforeValidator(_domain)]]

    @field_validator("non_official", mode="before")
    @classmethod
    def _domains(cls, value: Any) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            raise fail("must be a list of web site names, one per line: '  - jobbatical.com'")
        return value


def read_source_domains(knowledge_dir: Path) -> tuple[list[str], list[Problem]]:
    """The non-official domains (empty when there is no list) and the list's problems."""
    path = Path(knowledge_dir) / SOURCE_DOMAINS_FILE
    if not path.exists():
        return [], []
    parsed: YamlFile = read_yaml_file(path)
    if parsed.problems:
        return [], parsed.problems
    model, problems = validate(_DomainList, parsed, parsed.data or {}, missing="is missing: the list of "
                               "web sites that are not official, e.g. non_official: [jobbatical.com]")
    return (model.non_official if model else []), problems


def is_listed(url: str, domains: Iterable[str]) -> str | None:
    """The listed domain ``url`` belongs to (also a subdomain: blog.example.com → example.com), or None."""
    host = host_of(url)
    return next((d for d in domains if host == d or host.endswith("." + d)), None)


def check_sources(versions_by_id: Mapping[str, Mapping[str, ParsedFile]], domains: list[str]) -> list[Problem]:
    """Warnings: a listed source not marked secondary; an article without an official source.

    A translation is told only what its German version does not already say: a listed source
    the German version marks secondary (or does not have) and the translation does not.
    """
    problems = []
    for versions in versions_by_id.values():
        german = versions.get(GERMAN)
        german_urls = {s.url: s.secondary for s in german.article.sources} if german and german.article else {}
        for lang, parsed in sorted(versions.items()):
            if parsed.article is None:
                continue
            for index, item in enumerate(parsed.fields.get("sources") or []):
                if not isinstance(item, dict) or item.get("secondary") is True:
                    continue
                url = str(item.get("url", "")).strip()
                domain = is_listed(url, domains)
                if domain and (lang == GERMAN or german_urls.get(url, True)):
                    line = parsed.lines.get(f"sources[{index}].url", parsed.line_of(f"sources[{index}]"))
                    problems.append(Problem(
                        parsed.path, line, f"sources[{index}]",
                        f"{domain} is not an official source ({SOURCE_DOMAINS_FILE}): if no official page "
                        "(law text, BAMF, BA, the Land's or district's page) says the same, keep it with the "
                        "line 'secondary: true'; otherwise replace it with the official page", "warning"))
            sources = parsed.article.sources
            if lang == GERMAN and sources and all(s.secondary or is_listed(s.url, domains) for s in sources):
                problems.append(Problem(
                    parsed.path, parsed.line_of("sources"), "sources",
                    "no official source: every source is secondary or on the list of non-official sites; "
                    "add the official page (law text, BAMF, BA, make-it-in-germany.com, the Land's or "
                    "district's own page) first", "warning"))
    return problems
