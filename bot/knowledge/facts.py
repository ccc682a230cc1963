"""Figures that change (knowledge/facts/*.yml): each value with its validity dates and source.

A fact is one figure that changes over time: the minimum wage, a salary threshold, a fee.
Articles write ``{{fact:minimum_wage_hourly}}`` where it goes; the bot shows the value valid
on the day of the answer (``Fact.on``). The file format is documented for staff in
knowledge/README.md::

    minimum_wage_hourly:
      label: Gesetzlicher Mindestlohn (brutto pro Stunde)
      type: money                  # money (EUR) | number | percent | date
      values:                      # oldest first; periods must not overlap
        - value: 13.90
          valid_from: 2026-01-01
          valid_until: 2026-12-31  # or, for a value fixed in a law with no end date: until_changed: true
          source: {title: ..., url: https://...}
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from bot.knowledge.front_matter import SourceEntry
from bot.validation.problem import Problem
from bot.validation.schema import fail, is_empty, parse_date, unknown_fields, validate
from bot.validation.yamlfile import Loc, YamlFile, key_path, read_yaml_file

#: Inside the knowledge folder: one YAML file per subject (wages.yml, residence.yml, ...).
FACTS_FOLDER = "facts"
FACT_TYPES = ("money", "number", "percent", "date")
FACT_FIELDS = ("label", "type", "values")
VALUE_FIELDS = ("value", "valid_from", "valid_until", "until_changed", "source")
_FACT_ID = re.compile(r"^[a-z][a-z0-9_]*$")
#: ``{{fact:ID@YYYY}}`` means the value valid on this day of that year ("in mid-2025").
MID_YEAR = (7, 1)

Status = Literal["current", "expired", "upcoming"]


@dataclass(frozen=True)
class FactValue:
    """One value and the days it applies: from ``valid_from`` to ``valid_until`` (None: until changed)."""

    value: Decimal | dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    source_title: str
    source_url: str
    secondary: bool = False

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def is_calendar_year(self) -> bool:
        """True when it applies exactly from 1 January to 31 December of one year."""
        return (self.valid_until is not None and self.valid_from == dt.date(self.valid_from.year, 1, 1)
                and self.valid_until == dt.date(self.valid_from.year, 12, 31))


@dataclass(frozen=True)
class Reading:
    """The value of a fact on a day, and whether it applies then."""

    value: FactValue
    #: "current": it applies; "expired": it applied until ``value.valid_until`` and no later
    #: value is known; "upcoming": no value applies yet, this is the first one known.
    status: Status


@dataclass(frozen=True)
class Fact:
    id: str
    label: str
    type: str
    #: Oldest first, periods not overlapping (``python -m bot check`` refuses anything else).
    values: tuple[FactValue, ...]
    path: Path | None = None
    line: int = 0

    def on(self, day: dt.date) -> Reading:
        """The value that applies on ``day``; else the last one that ended before it; else the first."""
        for value in reversed(self.values):
            if value.covers(day):
                return Reading(value, "current")
        ended = [v for v in self.values if v.valid_until is not None and v.valid_until < day]
        if ended:
            return Reading(ended[-1], "expired")
        return Reading(self.values[0], "upcoming")

    def in_year(self, year: int) -> FactValue | None:
        """The value that applied in mid-``year`` (for ``{{fact:ID@YYYY}}``), or None."""
        day = dt.date(year, *MID_YEAR)
        return next((v for v in self.values if v.covers(day)), None)


class FactBook(dict):
    """Fact id → Fact, with the conversion to and from the index build's facts.json."""

    #: Ids written in the facts files, also those with errors; False in ``complete`` when a
    #: file could not be read at all (so its ids are unknown).
    declared: frozenset = frozenset()
    complete: bool = True

    def knows(self, fact_id: str) -> bool:
        """False only for an id that is certainly not defined (not merely broken)."""
        return fact_id in self or fact_id in self.declared or not self.complete

    def to_json(self) -> dict:
        return {
            fact.id: {
                "label": fact.label, "type": fact.type,
                "values": [{"value": str(v.value) if fact.type != "date" else v.value.isoformat(),
                            "valid_from": v.valid_from.isoformat(),
                            "valid_until": v.valid_until.isoformat() if v.valid_until else None,
                            "source_title": v.source_title, "source_url": v.source_url,
                            "secondary": v.secondary}
                           for v in fact.values],
            }
            for fact in self.values()
        }

    @classmethod
    def from_json(cls, data: dict) -> FactBook:
        book = cls()
        for fact_id, item in data.items():
            values = tuple(
                FactValue(
                    value=(dt.date.fromisoformat(v["value"]) if item["type"] == "date" else Decimal(v["value"])),
                    valid_from=dt.date.fromisoformat(v["valid_from"]),
                    valid_until=dt.date.fromisoformat(v["valid_until"]) if v["valid_until"] else None,
                    source_title=v["source_title"], source_url=v["source_url"], secondary=v["secondary"],
                )
                for v in item["values"]
            )
            book[fact_id] = Fact(fact_id, item["label"], item["type"], values)
        return book


# --- the file format as pydantic models -------------------------------------------------------

class _FactFields(BaseModel):
    model_config = ConfigDict(extra="ignore")

    label: str
    type: str
    values: list[Any]

    @field_validator("label", mode="before")
    @classmethod
    def _label(cls, value: Any) -> str:
        if is_empty(value) or not isinstance(value, str):
            raise fail("must be a short German description for staff, e.g. "
                       "Gesetzlicher Mindestlohn (brutto pro Stunde)")
        return value.strip()

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: Any) -> str:
        if value not in FACT_TYPES:
            raise fail(f"{value!r} is not a type of figure (use one of {', '.join(FACT_TYPES)})")
        return value

    @field_validator("values", mode="before")
    @classmethod
    def _values(cls, value: Any) -> list:
        if not isinstance(value, list) or not value:
            raise fail("must be a list of '- value: ...' entries, oldest first (at least one)")
        return value


class _ValueFields(BaseModel):
    """One ``- value: ...`` entry; the context gives the fact's ``type``."""

    model_config = ConfigDict(extra="ignore")

    value: Decimal | dt.date
    valid_from: dt.date
    valid_until: dt.date | None = None
    until_changed: bool = False
    source: SourceEntry

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value: Any, info: ValidationInfo) -> Decimal | dt.date:
        kind = (info.context or {}).get("type")
        if kind == "date":
            date = parse_date(value)
            if date is None:
                raise fail(f"{value!r} is not a date (use YYYY-MM-DD)")
            return date
        text = str(value).strip() if isinstance(value, (str, int, float)) else ""
        if re.fullmatch(r"-?\d+,\d+", text):
            raise fail(f"{value!r}: write the number with a point, as {text.replace(',', '.')}")
        try:
            number = Decimal(text.replace("_", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            example = {"money": "13.90 (euros, no € sign)", "percent": "55 (for 55 %)"}.get(kind, "1250")
            raise fail(f"{value!r} is not a number; write it like {example}")
        return number

    @field_validator("valid_from", "valid_until", mode="before")
    @classmethod
    def _date(cls, value: Any) -> dt.date | None:
        if value is None:
            return None
        date = parse_date(value)
        if date is None:
            raise fail(f"{value!r} is not a date (use YYYY-MM-DD)")
        return date

    @field_validator("until_changed", mode="before")
    @classmethod
    def _until_changed(cls, value: Any) -> bool:
        if not isinstance(value, bool):
            raise fail("must be true or false")
        return value


def _missing(loc: Loc) -> str:
    field = loc[-1]
    return {
        "label": "is missing: a short German description for staff",
        "type": f"is missing: the type of figure ({', '.join(FACT_TYPES)})",
        "values": "is missing: the list of values with their validity dates",
        "value": "is missing: write the figure, e.g. value: 13.90",
        "valid_from": "is missing: every value needs the first day it applies (valid_from: YYYY-MM-DD)",
        "source": "is missing: every value needs its source (title and url of the law or official page)",
        "title": "source has no title",
        "url": "missing (use a full address starting with https:// or http://)",
    }.get(field, "is missing")


# --- reading and checking the files --------------------------------------------------------------

def fact_files(knowledge_dir: Path) -> list[Path]:
    folder = Path(knowledge_dir) / FACTS_FOLDER
    return sorted(p for p in folder.glob("*.yml") if not p.name.startswith(".")) if folder.is_dir() else []


def read_facts(knowledge_dir: Path, today: dt.date | None = None) -> tuple[FactBook, list[Problem]]:
    """Every valid fact of knowledge/facts/ and every problem (file, line, field).

    With ``today``, a fact whose newest value has expired is reported as a warning.
    """
    book, problems = FactBook(), []
    first_seen: dict[str, Fact] = {}
    declared: set[str] = set()
    for path in fact_files(knowledge_dir):
        parsed = read_yaml_file(path)
        problems += parsed.problems
        if parsed.data is None and parsed.problems:
            book.complete = False
            continue
        if parsed.data is None:
            continue  # an empty file
        if not isinstance(parsed.data, dict):
            book.complete = False
            problems.append(Problem(path, 1, "file", "must list facts as 'fact_id:' lines, each with "
                                                     "label, type and values below it"))
            continue
        declared.update(str(key) for key in parsed.data)
        for fact_id, data in parsed.data.items():
            fact, fact_problems = _read_fact(parsed, str(fact_id), data, today)
            problems += fact_problems
            if fact is None:
                continue
            if fact.id in first_seen:
                earlier = first_seen[fact.id]
                problems.append(Problem(path, fact.line, fact.id,
                                        f"is already defined in {earlier.path.name} line {earlier.line}; "
                                        "every fact needs its own id"))
                continue
            first_seen[fact.id] = fact
            book[fact.id] = fact
    book.declared = frozenset(declared)
    return book, problems


def load_facts(knowledge_dir: Path) -> FactBook:
    """The facts of ``knowledge_dir``; ValueError naming the problems when a file has errors."""
    book, problems = read_facts(knowledge_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValueError("\n".join(p.format() for p in errors))
    return book


def _read_fact(parsed: YamlFile, fact_id: str, data: Any,
               today: dt.date | None) -> tuple[Fact | None, list[Problem]]:
    line = parsed.line_of(fact_id)

    def place(loc: Loc) -> tuple[int, str]:
        return parsed.line_of_loc(loc, fallback=line), key_path(loc)

    problems: list[Problem] = []
    if not _FACT_ID.match(fact_id):
        problems.append(Problem(parsed.path, line, fact_id, "a fact id is lowercase letters, digits and "
                                                            "underscores, e.g. minimum_wage_hourly"))
    fields, found = validate(_FactFields, parsed, data if data is not None else {}, loc_prefix=(fact_id,),
                             missing=_missing, place=place)
    problems += found + unknown_fields(parsed, data, FACT_FIELDS, (fact_id,))
    if fields is None:
        return None, problems
    values: list[tuple[FactValue, bool, int]] = []
    for index, item in enumerate(fields.values):
        loc = (fact_id, "values", index)
        value, found = validate(_ValueFields, parsed, item if item is not None else {}, loc_prefix=loc,
                                missing=_missing, place=place, context={"type": fields.type})
        problems += found + unknown_fields(parsed, item, VALUE_FIELDS, loc)
        if value is not None:
            values.append((FactValue(value.value, value.valid_from, value.valid_until, value.source.title,
                                     value.source.url, value.source.secondary),
                           value.until_changed, parsed.line_of_loc(loc)))
    if len(values) != len(fields.values):
        return None, problems
    periods = _check_periods(parsed, fact_id, values, today)
    problems += periods
    if problems and any(p.severity == "error" for p in problems):
        return None, problems
    return Fact(fact_id, fields.label, fields.type, tuple(v for v, _, _ in values), parsed.path, line), problems


def _check_periods(parsed: YamlFile, fact_id: str, values: list[tuple[FactValue, bool, int]],
                   today: dt.date | None) -> list[Problem]:
    """Each value has its dates; the values are oldest first and do not overlap."""
    problems = []

    def report(index: int, key: str, message: str, severity: str = "error") -> None:
        line = parsed.line_of(f"{fact_id}.values[{index}].{key}", f"{fact_id}.values[{index}]")
        problems.append(Problem(parsed.path, line, f"{fact_id}.values[{index}].{key}", message, severity))

    last = len(values) - 1
    for index, (value, until_changed, _) in enumerate(values):
        if value.valid_until is None and not until_changed:
            report(index, "valid_until", "is missing: give the last day this value applies (valid_until: "
                                         "YYYY-MM-DD); only a value fixed in a law without an end date may "
                                         "say until_changed: true instead")
        elif value.valid_until is not None and until_changed:
            report(index, "until_changed", "give either valid_until or until_changed: true, not both")
        elif until_changed and index != last:
            report(index, "until_changed", "only the newest (last) value can apply until changed; "
                                           "give this one its valid_until")
        if value.valid_until is not None and value.valid_until < value.valid_from:
            report(index, "valid_until", f"{value.valid_until} is before valid_from {value.valid_from}")
        if index == 0:
            continue
        before = values[index - 1][0]
        if value.valid_from <= before.valid_from:
            report(index, "valid_from", f"{value.valid_from} is not after the value above "
                                        f"({before.valid_from}); list the values oldest first")
        elif before.valid_until is not None and value.valid_from <= before.valid_until:
            report(index, "valid_from", f"{value.valid_from} overlaps the value above, which applies until "
                                        f"{before.valid_until}; periods must not overlap")
        elif before.valid_until is not None and value.valid_from > before.valid_until + dt.timedelta(days=1):
            report(index, "valid_from", f"no value applies between {before.valid_until} and {value.valid_from}; "
                                        "is a value missing?", "warning")
    newest, until_changed, _ = values[-1]
    if today is not None and newest.valid_until is not None and newest.valid_until < today:
        report(last, "valid_until", f"the newest value applied until {newest.valid_until}: answers now show "
                                    "it with a note that the next figure was not yet published; add the new "
                                    "value (with its source) as soon as it is published", "warning")
    return problems
