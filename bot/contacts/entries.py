"""One office of knowledge/contacts/*.yml: the ``Contact`` type and the rules for one entry.

The rules are a pydantic model (``_Entry``) whose validators say in plain words what to write;
every problem names file, line and field and the entry it is in.

The field reference for staff is knowledge/contacts/README.md; rules across entries and files
(duplicate ids, a foreigners' authority for every district) are in ``bot.contacts.check``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationInfo, field_validator, model_validator

from bot.contacts.districts import DISTRICTS, is_district_code
from bot.validation.problem import Problem
from bot.validation.schema import fail, is_web_url, model_errors, parse_date, unknown_fields
from bot.validation.yamlfile import YamlFile, read_yaml_file

KINDS = ("authority", "counselling", "deciding_body")
CONTACT_TOPICS = ("recognition", "residence", "language_course", "eu_employment", "living")
#: ``districts: all`` — everywhere in Sachsen-Anhalt; ``districts: unknown`` — the area the
#: office serves is not confirmed, so the bot never chooses it by district.
ALL_DISTRICTS, UNKNOWN_DISTRICTS = "all", "unknown"
DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
#: Allowed remarks after a day's hours, e.g. ``we: "8-15 (pick-up only)"``.
HOURS_NOTES = ("pick-up only", "by appointment")
#: ``appointments: only`` — visits by appointment only; ``also`` — outside the hours by appointment.
APPOINTMENTS = ("only", "also")
#: Details a card shows; each can be listed under ``unverified:``.
DETAIL_FIELDS = ("address", "opening_hours", "appointments", "phone", "email", "web")
#: ``phone_label: switchboard`` — the phone number is a general switchboard of the administration,
#: not the office's own line; the card says so in the user's language.
PHONE_LABELS = ("switchboard",)
#: What ``verified: false`` hides (the web page stays: it is where the user can check).
HIDDEN_WHEN_UNVERIFIED = ("address", "opening_hours", "appointments", "phone", "email")

REQUIRED_FIELDS = ("id", "name", "kind", "topics", "districts", "last_verified")
OPTIONAL_FIELDS = DETAIL_FIELDS + ("phone_label", "source", "source_note", "verified", "unverified",
                                   "comment")

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()/-]*[0-9]$")
_RANGE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*[-–]\s*(\d{1,2})(?::(\d{2}))?$")


@dataclass(frozen=True)
class OpeningHours:
    """One day's hours: ``ranges`` as ("09:00", "12:00") pairs, an optional remark from HOURS_NOTES."""

    day: str
    ranges: tuple[tuple[str, str], ...]
    note: str | None = None


@dataclass(frozen=True)
class Contact:
    """One office or service as staff wrote it; ``is_confirmed(field)`` says what a card may show."""

    id: str
    name: str
    kind: str
    topics: tuple[str, ...]
    #: "all", "unknown" or a tuple of district codes.
    districts: str | tuple[str, ...]
    last_verified: dt.date
    address: tuple[str, ...] = ()
    opening_hours: tuple[OpeningHours, ...] = ()
    appointments: str | None = None
    phone: str | None = None
    #: None, or one of PHONE_LABELS ("switchboard").
    phone_label: str | None = None
    email: str | None = None
    web: str | None = None
    sources: tuple[str, ...] = ()
    source_note: str | None = None
    verified: bool = True
    unverified: frozenset[str] = frozenset()
    comment: str | None = None
    path: Path | None = field(default=None, compare=False)
    line: int = field(default=0, compare=False)

    def serves(self, district_code: str | None) -> bool:
        """True when the office is for this district (``all`` serves every district)."""
        if self.districts == ALL_DISTRICTS:
            return True
        return isinstance(self.districts, tuple) and district_code in self.districts

    def is_confirmed(self, detail: str) -> bool:
        """False for a detail staff marked unverified (or every detail of a ``verified: false`` entry)."""
        if detail in self.unverified:
            return False
        return self.verified or detail not in HIDDEN_WHEN_UNVERIFIED


_WEB_HINT = "(use a full address starting with https:// or http://)"


def _web_address(url: Any) -> str:
    if not is_web_url(url):
        raise fail(f"{url!r} is not a web address {_WEB_HINT}")
    return url.strip()


class _Entry(BaseModel):
    """The fields of one office as staff write them; each validator says what to write instead."""

    model_config = ConfigDict(extra="ignore")

    id: str
    name: str
    kind: str
    topics: tuple[str, ...]
    districts: str | tuple[str, ...]
    last_verified: dt.date
    address: tuple[str, ...] = ()
    opening_hours: dict[str, Any] = {}
    appointments: str | None = None
    phone: str | None = None
    phone_label: str | None = None
    email: str | None = None
    web: str | None = None
    source: tuple[Annotated[str, BeforeValidator(_web_address)], ...] = ()
    source_note: str | None = None
    verified: bool = True
    unverified: frozenset[str] = frozenset()
    comment: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _an_entry(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise fail("must be lines of 'field: value' starting with '- id: ...'")
        return data

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> str:
        value = _required(value)
        if not isinstance(value, str) or not _ID.match(value):
            raise fail(f"{value!r} must be lowercase letters, digits and hyphens, e.g. abh-harz")
        return value

    @field_validator("name", "source_note", "comment", mode="before")
    @classmethod
    def _text(cls, value: Any, info: ValidationInfo) -> str | None:
        if info.field_name in REQUIRED_FIELDS:
            value = _required(value)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise fail("must be text")
        return value

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        value = _required(value)
        if value not in KINDS:
            raise fail(f"unknown kind {value!r} (use one of {', '.join(KINDS)})")
        return value

    @field_validator("topics", mode="before")
    @classmethod
    def _topics(cls, value: Any) -> tuple[str, ...]:
        value = _required(value)
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise fail(f"must be a list, e.g. [residence] (topics: {', '.join(CONTACT_TOPICS)})")
        unknown = [t for t in value if t not in CONTACT_TOPICS]
        if unknown:
            raise fail(f"unknown topic {', '.join(map(repr, unknown))} (use {', '.join(CONTACT_TOPICS)})")
        return tuple(value)

    @field_validator("districts", mode="before")
    @classmethod
    def _districts(cls, value: Any) -> str | tuple[str, ...]:
        value = _required(value)
        if value in (ALL_DISTRICTS, UNKNOWN_DISTRICTS):
            return value
        if not isinstance(value, list):
            raise fail("must be 'all', 'unknown' or a list of district codes, e.g. [\"15085\"]")
        bad = [d for d in value if not is_district_code(str(d))]
        if bad:
            raise fail(f"{', '.join(map(repr, bad))} is not a district of Sachsen-Anhalt "
                       f"(codes: {', '.join(DISTRICTS)})")
        return tuple(str(d) for d in value)

    @field_validator("last_verified", mode="before")
    @classmethod
    def _date(cls, value: Any) -> dt.date:
        value = _required(value)
        date = parse_date(value.strip() if isinstance(value, str) else None)
        if date is None:
            raise fail(f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2026-11-24")
        return date

    @field_validator("address", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> tuple[str, ...]:
        if value in (None, ""):
            return ()
        if isinstance(value, str):
            return (value.strip(),)
        if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
            return tuple(v.strip() for v in value)
        raise fail("must be one line of text or a list of lines (one per site)")

    @field_validator("opening_hours", mode="before")
    @classmethod
    def _hours(cls, value: Any) -> dict[str, Any]:
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise fail(f"must list days with their hours, {_HOURS_EXAMPLE}")
        return value

    @field_validator("appointments", mode="before")
    @classmethod
    def _appointments(cls, value: Any) -> str | None:
        if value is not None and value not in APPOINTMENTS:
            raise fail(f"{value!r} must be 'only' (visits by appointment only) or "
                       "'also' (at other times by appointment)")
        return value

    @field_validator("phone_label", mode="before")
    @classmethod
    def _phone_label(cls, value: Any) -> str | None:
        if value is not None and value not in PHONE_LABELS:
            raise fail(f"{value!r} must be 'switchboard' (the number is the administration's general "
                       "switchboard, not the office's own line)")
        return value

    @field_validator("phone", "email", "web", mode="before")
    @classmethod
    def _detail(cls, value: Any, info: ValidationInfo) -> str | None:
        if value in (None, ""):
            return None
        valid, message = _DETAIL_RULES[info.field_name]
        if not isinstance(value, str) or not valid(value.strip()):
            raise fail(f"{value!r} {message}")
        return value.strip()

    @field_validator("source", mode="before")
    @classmethod
    def _sources(cls, value: Any) -> tuple[str, ...]:
        if value in (None, "", []):
            return ()
        if isinstance(value, str):
            if not is_web_url(value):
                raise fail(f"{value!r} is not a web address {_WEB_HINT}")
            return (value.strip(),)
        if not isinstance(value, list):
            raise fail("must be a web address or a list of them")
        return tuple(value)

    @field_validator("verified", mode="before")
    @classmethod
    def _verified(cls, value: Any) -> bool:
        if not isinstance(value, bool):
            raise fail("must be true or false")
        return value

    @field_validator("unverified", mode="before")
    @classmethod
    def _unverified(cls, value: Any) -> frozenset[str]:
        if value is None:
            return frozenset()
        if not isinstance(value, list) or any(u not in DETAIL_FIELDS for u in value):
            raise fail(f"must be a list of fields from: {', '.join(DETAIL_FIELDS)}")
        return frozenset(value)


_HOURS_EXAMPLE = 'e.g. tu: "9-12, 14-18" (days: mo tu we th fr sa su)'
_DETAIL_RULES = {
    "phone": (_PHONE.match, "is not a phone number (digits, spaces, + - / and brackets, e.g. +49 391 540-4389)"),
    "email": (_EMAIL.match, "is not an e-mail address"),
    "web": (is_web_url, f"is not a web address {_WEB_HINT}"),
}
_SOURCE_MISSING = ("is missing: give the web address the details come from "
                   "(or describe a printed source under source_note)")


def is_empty_value(value: Any) -> bool:
    return value in (None, "", [])


def _required(value: Any) -> Any:
    if is_empty_value(value):
        raise fail("is empty")
    return value


def parse_contacts_file(path: Path) -> tuple[list[Contact], list[Problem], YamlFile]:
    """The valid entries of one file, every problem (file, line, field) and the parsed file."""
    parsed = read_yaml_file(path)
    problems = list(parsed.problems)
    contacts: list[Contact] = []
    if parsed.problems:
        return contacts, problems, parsed
    if not isinstance(parsed.data, list):
        problems.append(Problem(parsed.path, 1, "file",
                                "must be a list of offices, each starting with '- id: ...'"))
        return contacts, problems, parsed
    for index, data in enumerate(parsed.data):
        contact = _read_entry(parsed, index, data, problems)
        if contact is not None:
            contacts.append(contact)
    return contacts, problems, parsed


def _read_entry(parsed: YamlFile, index: int, data: Any, problems: list[Problem]) -> Contact | None:
    """Validate one entry with ``_Entry``; its problems name the entry ("(in 'abh-harz')")."""
    entry_line = parsed.line_of(f"[{index}]")
    entry_id = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else f"entry {index + 1}"
    suffix = f" (in '{entry_id}')"
    entry, errors = model_errors(_Entry, data)
    if isinstance(data, dict) and is_empty_value(data.get("source")) and not data.get("source_note"):
        # On the entry's line: there is no source line to point at.
        problems.append(Problem(parsed.path, entry_line, "source", _SOURCE_MISSING + suffix))
        entry = None
    if isinstance(data, dict) and data.get("phone_label") in PHONE_LABELS and not data.get("phone"):
        problems.append(Problem(parsed.path, parsed.line_of(f"[{index}].phone_label", f"[{index}]"), "phone_label",
                                "describes the phone number, but the office has no 'phone:'" + suffix))
        entry = None
    for loc, message, missing in errors:
        if not loc:  # the entry as a whole
            problems.append(Problem(parsed.path, entry_line, "entry", message))
            continue
        key = str(loc[0])
        line = parsed.line_of_loc((index,) + tuple(loc), fallback=entry_line)
        if missing:
            message = "is missing; every office needs it"
        problems.append(Problem(parsed.path, line, key, message + suffix))
    problems.extend(unknown_fields(parsed, data, REQUIRED_FIELDS + OPTIONAL_FIELDS, (index,),
                                   field=str, suffix=suffix))
    hours = _read_hours(entry.opening_hours if entry else _raw_hours(data), parsed, index, suffix, problems)
    if entry is None or hours is None:
        return None
    return Contact(
        id=entry.id, name=entry.name.strip(), kind=entry.kind, topics=entry.topics, districts=entry.districts,
        last_verified=entry.last_verified, address=entry.address, opening_hours=hours,
        appointments=entry.appointments, phone=entry.phone, phone_label=entry.phone_label, email=entry.email, web=entry.web,
        sources=entry.source, source_note=entry.source_note, verified=entry.verified,
        unverified=entry.unverified, comment=entry.comment, path=parsed.path, line=entry_line,
    )


def _raw_hours(data: Any) -> dict[str, Any]:
    value = data.get("opening_hours") if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _read_hours(value: dict[str, Any], parsed: YamlFile, index: int, suffix: str,
                problems: list[Problem]) -> tuple[OpeningHours, ...] | None:
    """``{tu: "9-12, 14-18", we: "8-15 (pick-up only)"}`` → OpeningHours per day, in week order."""
    days, ok = [], True
    for day, text in value.items():
        hours = _parse_day(str(day), text)
        if isinstance(hours, str):
            line = parsed.line_of(f"[{index}].opening_hours.{day}", f"[{index}].opening_hours")
            problems.append(Problem(parsed.path, line, "opening_hours", f"{day}: {hours}, {_HOURS_EXAMPLE}{suffix}"))
            ok = False
        else:
            days.append(hours)
    if not ok:
        return None
    return tuple(sorted(days, key=lambda h: DAYS.index(h.day)))


def _parse_day(day: str, text) -> OpeningHours | str:
    """OpeningHours, or the reason the value cannot be read."""
    if day not in DAYS:
        return f"unknown day '{day}'"
    if not isinstance(text, str) or not text.strip():
        return "the hours are missing"
    text, note = text.strip(), None
    remark = re.search(r"\(([^)]*)\)\s*$", text)
    if remark:
        note = remark.group(1).strip()
        if note not in HOURS_NOTES:
            return f"unknown remark '({note})' (known: {', '.join(f'({n})' for n in HOURS_NOTES)})"
        text = text[:remark.start()].strip()
    ranges = []
    for part in text.split(","):
        match = _RANGE.match(part.strip())
        if not match:
            return f"'{part.strip()}' is not a time range like 9-12 or 09:00-12:30"
        h1, m1, h2, m2 = match.groups()
        start, end = f"{int(h1):02d}:{m1 or '00'}", f"{int(h2):02d}:{m2 or '00'}"
        if not ("00:00" <= start < end <= "24:00") or int(m1 or 0) > 59 or int(m2 or 0) > 59:
            return f"'{part.strip()}' is not a valid time range"
        ranges.append((start, end))
    return OpeningHours(day, tuple(ranges), note)
