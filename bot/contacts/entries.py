"""One office of knowledge/contacts/*.yml: the ``Contact`` type and the rules for one entry.

The field reference for staff is knowledge/contacts/README.md; rules across entries and files
(duplicate ids, a foreigners' authority for every district) are in ``bot.contacts.check``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import FrozenSet, List, Optional, Tuple, Union
from urllib.parse import urlsplit

from bot.contacts.districts import DISTRICTS, is_district_code
from bot.contacts.yamlfile import YamlFile, read_yaml_file
from bot.knowledge.articles import Problem

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
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()/-]*[0-9]$")
_RANGE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*[-–]\s*(\d{1,2})(?::(\d{2}))?$")


@dataclass(frozen=True)
class OpeningHours:
    """One day's hours: ``ranges`` as ("09:00", "12:00") pairs, an optional remark from HOURS_NOTES."""

    day: str
    ranges: Tuple[Tuple[str, str], ...]
    note: Optional[str] = None


@dataclass(frozen=True)
class Contact:
    """One office or service as staff wrote it; ``is_confirmed(field)`` says what a card may show."""

    id: str
    name: str
    kind: str
    topics: Tuple[str, ...]
    #: "all", "unknown" or a tuple of district codes.
    districts: Union[str, Tuple[str, ...]]
    last_verified: dt.date
    address: Tuple[str, ...] = ()
    opening_hours: Tuple[OpeningHours, ...] = ()
    appointments: Optional[str] = None
    phone: Optional[str] = None
    #: None, or one of PHONE_LABELS ("switchboard").
    phone_label: Optional[str] = None
    email: Optional[str] = None
    web: Optional[str] = None
    sources: Tuple[str, ...] = ()
    source_note: Optional[str] = None
    verified: bool = True
    unverified: FrozenSet[str] = frozenset()
    comment: Optional[str] = None
    path: Optional[Path] = field(default=None, compare=False)
    line: int = field(default=0, compare=False)

    def serves(self, district_code: Optional[str]) -> bool:
        """True when the office is for this district (``all`` serves every district)."""
        if self.districts == ALL_DISTRICTS:
            return True
        return isinstance(self.districts, tuple) and district_code in self.districts

    def is_confirmed(self, detail: str) -> bool:
        """False for a detail staff marked unverified (or every detail of a ``verified: false`` entry)."""
        if detail in self.unverified:
            return False
        return self.verified or detail not in HIDDEN_WHEN_UNVERIFIED


def parse_contacts_file(path: Path) -> Tuple[List[Contact], List[Problem], YamlFile]:
    """The valid entries of one file, every problem (file, line, field) and the parsed file."""
    parsed = read_yaml_file(path)
    problems = list(parsed.problems)
    contacts: List[Contact] = []
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


def _read_entry(parsed: YamlFile, index: int, data, problems: List[Problem]) -> Optional[Contact]:
    where = f"[{index}]"
    entry_line = parsed.line_of(where)
    if not isinstance(data, dict):
        problems.append(Problem(parsed.path, entry_line, "entry",
                                "must be lines of 'field: value' starting with '- id: ...'"))
        return None
    entry_id = data.get("id") if isinstance(data.get("id"), str) else f"entry {index + 1}"
    ok = True

    def fail(key: str, message: str, severity: str = "error") -> None:
        nonlocal ok
        if severity == "error":
            ok = False
        problems.append(Problem(parsed.path, parsed.line_of(f"{where}.{key}", where), key,
                                f"{message} (in '{entry_id}')", severity))

    for key in REQUIRED_FIELDS:
        if data.get(key) in (None, "", []):
            fail(key, "is missing; every office needs it" if key not in data else "is empty")
    if data.get("source") in (None, "", []) and not data.get("source_note"):
        fail("source", "is missing: give the web address the details come from "
                       "(or describe a printed source under source_note)")
    for key in data:
        if key not in REQUIRED_FIELDS and key not in OPTIONAL_FIELDS:
            fail(str(key), f"unknown field (known: {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}); "
                           "check the spelling", "warning")

    contact_id = data.get("id")
    if contact_id not in (None, "") and (not isinstance(contact_id, str) or not _ID.match(contact_id)):
        fail("id", f"{contact_id!r} must be lowercase letters, digits and hyphens, e.g. abh-harz")
    for key in ("name", "source_note", "comment"):
        if data.get(key) not in (None, "") and not isinstance(data.get(key), str):
            fail(key, "must be text")
    kind = data.get("kind")
    if kind not in (None, "") and kind not in KINDS:
        fail("kind", f"unknown kind {kind!r} (use one of {', '.join(KINDS)})")
    topics = _read_topics(data.get("topics"), fail)
    districts = _read_districts(data.get("districts"), fail)
    last_verified = _read_date(data.get("last_verified"), fail)
    address = _read_lines(data.get("address"), "address", fail)
    hours = _read_hours(data.get("opening_hours"), parsed, where, entry_id, problems)
    if hours is None:
        ok, hours = False, ()
    appointments = data.get("appointments")
    if appointments is not None and appointments not in APPOINTMENTS:
        fail("appointments", f"{appointments!r} must be 'only' (visits by appointment only) or "
                             "'also' (at other times by appointment)")
    phone = _read_text(data.get("phone"), "phone", _PHONE.match, "is not a phone number "
                       "(digits, spaces, + - / and brackets, e.g. +49 391 540-4389)", fail)
    phone_label = data.get("phone_label")
    if phone_label is not None and phone_label not in PHONE_LABELS:
        fail("phone_label", f"{phone_label!r} must be 'switchboard' (the number is the administration's "
                            "general switchboard, not the office's own line)")
    elif phone_label is not None and not data.get("phone"):
        fail("phone_label", "describes the phone number, but the office has no 'phone:'")
    email = _read_text(data.get("email"), "email", _EMAIL.match, "is not an e-mail address", fail)
    web = _read_text(data.get("web"), "web", is_web_url,
                     "is not a web address (use a full address starting with https:// or http://)", fail)
    sources = _read_sources(data.get("source"), parsed, where, entry_id, problems)
    if sources is None:
        ok, sources = False, ()
    verified = data.get("verified", True)
    if not isinstance(verified, bool):
        fail("verified", "must be true or false")
    unverified = data.get("unverified", [])
    if not isinstance(unverified, list) or any(u not in DETAIL_FIELDS for u in unverified):
        fail("unverified", f"must be a list of fields from: {', '.join(DETAIL_FIELDS)}")
        unverified = []

    if not ok:
        return None
    return Contact(
        id=contact_id, name=data["name"].strip(), kind=kind, topics=topics, districts=districts,
        last_verified=last_verified, address=address, opening_hours=hours, appointments=appointments,
        phone=phone, phone_label=phone_label, email=email, web=web, sources=sources,
        source_note=data.get("source_note"), verified=verified, unverified=frozenset(unverified),
        comment=data.get("comment"), path=parsed.path, line=entry_line,
    )


def is_web_url(url) -> bool:
    """True for a full http(s) address with a dotted host name and no spaces."""
    if not isinstance(url, str) or not url.strip() or any(c.isspace() for c in url.strip()):
        return False
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host) and "." in host


def _read_topics(value, fail) -> Tuple[str, ...]:
    if value in (None, "", []):
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        fail("topics", f"must be a list, e.g. [residence] (topics: {', '.join(CONTACT_TOPICS)})")
        return ()
    unknown = [t for t in value if t not in CONTACT_TOPICS]
    if unknown:
        fail("topics", f"unknown topic {', '.join(map(repr, unknown))} (use {', '.join(CONTACT_TOPICS)})")
    return tuple(value)


def _read_districts(value, fail) -> Union[str, Tuple[str, ...]]:
    if value in (None, "", []):
        return ()
    if value in (ALL_DISTRICTS, UNKNOWN_DISTRICTS):
        return value
    if not isinstance(value, list):
        fail("districts", "must be 'all', 'unknown' or a list of district codes, e.g. [\"15085\"]")
        return ()
    bad = [d for d in value if not is_district_code(str(d))]
    if bad:
        fail("districts", f"{', '.join(map(repr, bad))} is not a district of Sachsen-Anhalt "
                          f"(codes: {', '.join(DISTRICTS)})")
    return tuple(str(d) for d in value)


def _read_date(value, fail) -> Optional[dt.date]:
    if value in (None, ""):
        return None
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    fail("last_verified", f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2026-11-24")
    return None


def _read_lines(value, key: str, fail) -> Tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        return (value.strip(),)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    fail(key, "must be one line of text or a list of lines (one per site)")
    return ()


def _read_text(value, key: str, valid, message: str, fail) -> Optional[str]:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not valid(value.strip()):
        fail(key, f"{value!r} {message}")
        return None
    return value.strip()


def _read_sources(value, parsed: YamlFile, where: str, entry_id: str,
                  problems: List[Problem]) -> Optional[Tuple[str, ...]]:
    if value in (None, "", []):
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        problems.append(Problem(parsed.path, parsed.line_of(f"{where}.source", where), "source",
                                f"must be a web address or a list of them (in '{entry_id}')"))
        return None
    ok = True
    for index, url in enumerate(items):
        if not is_web_url(url):
            key = f"{where}.source[{index}]" if isinstance(value, list) else f"{where}.source"
            problems.append(Problem(parsed.path, parsed.line_of(key, where), "source",
                                    f"{url!r} is not a web address (use a full address starting with "
                                    f"https:// or http://) (in '{entry_id}')"))
            ok = False
    return tuple(u.strip() for u in items) if ok else None


def _read_hours(value, parsed: YamlFile, where: str, entry_id: str,
                problems: List[Problem]) -> Optional[Tuple[OpeningHours, ...]]:
    """``{tu: "9-12, 14-18", we: "8-15 (pick-up only)"}`` → OpeningHours per day, in week order."""
    if value in (None, ""):
        return ()
    line = parsed.line_of(f"{where}.opening_hours", where)
    example = 'e.g. tu: "9-12, 14-18" (days: mo tu we th fr sa su)'
    if not isinstance(value, dict):
        problems.append(Problem(parsed.path, line, "opening_hours",
                                f"must list days with their hours, {example} (in '{entry_id}')"))
        return None
    days, ok = [], True
    for day, text in value.items():
        day_line = parsed.line_of(f"{where}.opening_hours.{day}", f"{where}.opening_hours")
        hours = _parse_day(str(day), text)
        if isinstance(hours, str):
            problems.append(Problem(parsed.path, day_line, "opening_hours",
                                    f"{day}: {hours}, {example} (in '{entry_id}')"))
            ok = False
        else:
            days.append(hours)
    if not ok:
        return None
    return tuple(sorted(days, key=lambda h: DAYS.index(h.day)))


def _parse_day(day: str, text) -> Union[OpeningHours, str]:
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
