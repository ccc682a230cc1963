"""The fields of an article (its YAML front matter) as a pydantic model, with messages for staff.

The model says what each field must be; ``read_front_matter`` runs it on one file's fields
and returns the typed values or the problems, each on the line of its field. The field
reference for staff is knowledge/README.md.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from bot import TOPICS
from bot.validation.problem import Problem
from bot.validation.schema import fail, is_empty, is_web_url, parse_date, unknown_fields, validate
from bot.validation.yamlfile import Loc, YamlFile, key_path

REQUIRED_FIELDS = ("id", "topic", "title", "summary", "sources", "last_reviewed", "review_after")
OPTIONAL_FIELDS = ("regions", "keywords", "audience", "questions")
#: Whom an article is for (field `audience`, in the German file): an article for one group is
#: never the answer to a question whose asker is recognisably of the other (bot.knowledge.audience).
AUDIENCES = ("eu", "third_country", "employer")
ALL_REGIONS = "all"

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Kreisschlüssel of Sachsen-Anhalt: 15001–15091.
_DISTRICT = re.compile(r"^15\d{3}$")
_WEB_ADDRESS_HINT = "(use a full address starting with https:// or http://)"


def _required(value: Any) -> Any:
    if is_empty(value):
        raise fail("is empty")
    return value


class SourceEntry(BaseModel):
    """``- title: ...`` / ``url: ...`` (/ ``secondary: true`` for a non-official page)."""

    model_config = ConfigDict(extra="ignore")

    title: str
    url: str
    #: A commercial, blog, law-firm or agency page, used only where no official page says the same.
    secondary: bool = False

    @model_validator(mode="before")
    @classmethod
    def _lines_of_a_source(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise fail("must have a 'title:' and a 'url:' line")
        return value

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise fail("source has no title")
        return value.strip()

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, value: Any) -> str:
        if not is_web_url(value):
            shown = "missing" if is_empty(value) else f"{value!r} is not a valid web address"
            raise fail(f"{shown} {_WEB_ADDRESS_HINT}")
        return value.strip()

    @field_validator("secondary", mode="before")
    @classmethod
    def _secondary(cls, value: Any) -> bool:
        if not isinstance(value, bool):
            raise fail("must be true or false (true: a commercial, blog, law-firm or agency page)")
        return value


class FrontMatter(BaseModel):
    """The fields between the two ``---`` lines. Context: ``name_id``, ``lang``, ``folder`` of the file."""

    model_config = ConfigDict(extra="ignore")

    id: str
    topic: str
    title: str
    summary: str
    sources: list[SourceEntry]
    last_reviewed: dt.date
    review_after: dt.date
    #: ``"all"`` or a list of 5-digit district keys (Kreisschlüssel) as text.
    regions: str | list[str] = ALL_REGIONS
    keywords: list[str] = []
    audience: list[str] = []
    questions: list[str] = []

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any, info: ValidationInfo) -> str:
        value = _required(value)
        if not isinstance(value, str) or not _ID.match(value):
            raise fail(f"{value!r} must be lowercase letters, digits and hyphens, e.g. eu-blue-card")
        name_id = (info.context or {}).get("name_id")
        if name_id is not None and value != name_id:
            lang = (info.context or {}).get("lang") or "<language>"
            raise fail(f"'{value}' does not match the file name '{name_id}.{lang}.md'; "
                       f"name the file {value}.{lang}.md")
        return value

    @field_validator("topic", mode="before")
    @classmethod
    def _topic(cls, value: Any, info: ValidationInfo) -> str:
        value = _required(value)
        if value not in TOPICS:
            raise fail(f"unknown topic {value!r} (use one of {', '.join(TOPICS)})")
        folder = (info.context or {}).get("folder")
        if folder is not None and folder != value:
            raise fail(f"'{value}' does not match the folder '{folder}' the file is in; "
                       f"move it to articles/{value}/ or fix the topic")
        return value

    @field_validator("title", "summary", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        value = _required(value)
        if not isinstance(value, str):
            raise fail("must be text")
        return value.strip()

    @field_validator("sources", mode="before")
    @classmethod
    def _sources(cls, value: Any) -> Any:
        value = _required(value)
        if not isinstance(value, list) or not value:
            raise fail("must be a list of '- title: ...' / 'url: ...' entries (at least one)")
        return value

    @field_validator("last_reviewed", "review_after", mode="before")
    @classmethod
    def _date(cls, value: Any) -> dt.date:
        value = _required(value)
        date = parse_date(value)
        if date is None:
            raise fail(f"{value!r} is not a date (use YYYY-MM-DD)")
        return date

    @field_validator("review_after")
    @classmethod
    def _after_last_reviewed(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        last_reviewed = info.data.get("last_reviewed")
        if last_reviewed is not None and value < last_reviewed:
            raise fail(f"{value} is before last_reviewed {last_reviewed}")
        return value

    @field_validator("regions", mode="before")
    @classmethod
    def _regions(cls, value: Any) -> str | list[str]:
        hint = "use 'all' or a list of 5-digit district keys, e.g. [15002, 15003]"
        if value == ALL_REGIONS:
            return ALL_REGIONS
        if not isinstance(value, list) or not value:
            raise fail(f"{value!r}: {hint}")
        bad = [item for item in value if isinstance(item, bool) or not _DISTRICT.match(str(item))]
        if bad:
            shown = ", ".join(repr(item) for item in bad)
            raise fail(f"{shown} {'is not a district key' if len(bad) == 1 else 'are not district keys'} "
                       f"of Sachsen-Anhalt; {hint}")
        return [str(item) for item in value]

    @field_validator("keywords", mode="before")
    @classmethod
    def _keywords(cls, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or any(isinstance(k, (dict, list)) or k is None for k in value):
            raise fail("must be a list in brackets, e.g. [Blaue Karte, Blue Card]")
        return [str(k).strip() for k in value if str(k).strip()]


    @field_validator("questions", mode="before")
    @classmethod
    def _questions(cls, value: Any, info: ValidationInfo) -> list[str]:
        if value is None:
            return []
        if (info.context or {}).get("lang") not in (None, "de"):
            raise fail("belongs in the German file only (the bot matches questions in any language against "
                       "them); delete it here")
        if not isinstance(value, list) or any(isinstance(q, (dict, list)) or q is None for q in value):
            raise fail("must be a list of questions, one per line starting with '  - '")
        return [" ".join(str(q).split()) for q in value if str(q).strip()]

    @field_validator("audience", mode="before")
    @classmethod
    def _audience(cls, value: Any, info: ValidationInfo) -> list[str]:
        if value is None:
            return []
        if (info.context or {}).get("lang") not in (None, "de"):
            raise fail("belongs in the German file only (the bot reads it from there); delete it here")
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if str(v) not in AUDIENCES]
        if bad:
            raise fail(f"{bad} not known; write one or more of {', '.join(AUDIENCES)} in brackets, e.g. [eu]")
        return [str(v) for v in values]


def _missing(loc: Loc) -> str:
    if len(loc) == 1:
        return "is missing; every article needs it"
    if loc[-1] == "title":
        return "source has no title"
    if loc[-1] == "url":
        return f"missing {_WEB_ADDRESS_HINT}"
    return "is missing"


def read_front_matter(parsed: YamlFile, path: Path, name_id: str | None,
                      lang: str | None) -> tuple[FrontMatter | None, list[Problem]]:
    """The validated fields of one article (None when one is unusable) and every problem."""

    def place(loc: Loc) -> tuple[int, str]:
        return parsed.line_of_loc(loc, fallback=1), key_path(loc)

    context = {"name_id": name_id, "lang": lang, "folder": Path(path).parent.name}
    fields, problems = validate(FrontMatter, parsed, missing=_missing, place=place, context=context)
    problems += unknown_fields(parsed, parsed.data, REQUIRED_FIELDS + OPTIONAL_FIELDS)
    return fields, problems
