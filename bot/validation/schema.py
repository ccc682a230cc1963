"""pydantic models for staff files: their errors as Problems with file, line and plain words.

A model's validators raise ``fail("what to do")``; ``validate`` runs a model on the data of a
``YamlFile`` and turns every error into a ``Problem`` on the line of the key it concerns.
pydantic's own messages for the few built-in checks left (a key missing, text expected) are
replaced by plain ones (``BUILT_IN_MESSAGES``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from bot.validation.problem import Problem, Severity
from bot.validation.yamlfile import Loc, YamlFile, key_path

Model = TypeVar("Model", bound=BaseModel)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: pydantic error type → plain message (``missing`` is given by the caller: it names what needs it).
BUILT_IN_MESSAGES = {
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be lines of 'field: value'",
    "model_type": "must be lines of 'field: value'",
    "model_attributes_type": "must be lines of 'field: value'",
    "too_short": "must not be empty",
    "extra_forbidden": "unknown field",
}


def fail(message: str) -> PydanticCustomError:
    """An error whose message staff read as it is (raise it inside a validator)."""
    return PydanticCustomError("staff", "{message}", {"message": message})


#: Describes where an error is shown: (line, field) for a location inside the data.
Placer = Callable[[Loc], tuple[int, str]]


def model_errors(model: type[Model], data: Any,
                 context: dict[str, Any] | None = None) -> tuple[Model | None, list[tuple[Loc, str, bool]]]:
    """The instance (None when invalid) and every error as (location, plain message, key missing?)."""
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as exc:
        return None, [(tuple(e["loc"]), plain_message(e), e["type"] == "missing")
                      for e in exc.errors(include_url=False)]


def validate(
    model: type[Model],
    parsed: YamlFile,
    data: Any = None,
    *,
    loc_prefix: Loc = (),
    missing: str | Callable[[Loc], str] = "is missing",
    place: Placer | None = None,
    suffix: str = "",
    context: dict[str, Any] | None = None,
) -> tuple[Model | None, list[Problem]]:
    """Validate ``data`` (default: the whole file) with ``model``: the instance or None, and the problems.

    ``loc_prefix`` is where ``data`` sits in the file (e.g. ``(3,)`` for the fourth entry of a
    list), so each problem gets the line of its key; a missing key gets its parent's line.
    ``missing`` is the message for a missing key (or a function of its location). ``place``
    may choose line and field itself; ``suffix`` is added to every message (" (in 'abh-harz')").
    """
    instance, errors = model_errors(model, parsed.data if data is None else data, context)
    problems = []
    for loc, message, is_missing in errors:
        loc = tuple(loc_prefix) + loc
        if place is not None:
            line, field = place(loc)
        else:
            line, field = parsed.line_of_loc(loc), key_path(loc) or "file"
        if is_missing:
            message = missing(loc) if callable(missing) else missing
        problems.append(Problem(parsed.path, line, field, message + suffix))
    return instance, problems


def plain_message(error: dict) -> str:
    """The staff-facing text of one pydantic error."""
    if error["type"] == "staff":
        return error["ctx"]["message"]
    if error["type"] == "literal_error":
        return f"{error['input']!r} is not one of: {error['ctx']['expected']}"
    return BUILT_IN_MESSAGES.get(error["type"], error["msg"])


def unknown_fields(parsed: YamlFile, data: Any, known: tuple[str, ...], loc_prefix: Loc = (),
                   field: Callable[[str], str] | None = None, suffix: str = "",
                   severity: Severity = "warning") -> list[Problem]:
    """A warning for each key of ``data`` that is not in ``known`` (probably misspelled)."""
    if not isinstance(data, dict):
        return []
    problems = []
    for key in data:
        if key not in known:
            loc = tuple(loc_prefix) + (str(key),)
            problems.append(Problem(
                parsed.path, parsed.line_of_loc(loc), field(str(key)) if field else key_path(loc),
                f"unknown field (known: {', '.join(known)}); check the spelling{suffix}", severity))
    return problems


# --- values staff write again and again -------------------------------------------------------

def is_web_url(url: Any) -> bool:
    """True for a full http(s) address with a dotted host name and no spaces."""
    if not isinstance(url, str) or not url.strip() or any(c.isspace() for c in url.strip()):
        return False
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host) and "." in host


def host_of(url: str) -> str:
    """The lower-case host name of a web address, without a leading 'www.'."""
    host = (urlsplit(url.strip()).hostname or "").lower()
    return host.removeprefix("www.")


def parse_date(value: Any) -> dt.date | None:
    """A YYYY-MM-DD text (or date) as a date; None when it is not one."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip() if isinstance(value, (str, int)) else None
    if text is not None and _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
