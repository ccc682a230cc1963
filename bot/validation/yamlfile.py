"""Read a staff-edited YAML text: the data, the line of every key and list item, plain errors.

Staff are not programmers: a YAML parser message such as "mapping values are not allowed
here" becomes "the text contains a colon (:) followed by a space — put the whole value in
quotes", with the line it is on (``explain_yaml_error``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.validation.problem import Problem

# libyaml's parser where PyYAML was built with it (about ten times faster), else the pure-Python one.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StaffLoader(_BaseLoader):
    """SafeLoader that keeps dates, times and numbers as text, so each is read exactly as written.

    A bad date is reported instead of guessed, a district code 15085 or a time 9:30 stay text,
    and a fee 13.90 keeps its two decimals. Only true/false are yes-no values (YAML 1.1 would
    also turn "no", "on" or "y" into one).
    """


_KEPT_AS_TEXT = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                 "tag:yaml.org,2002:bool")
StaffLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _KEPT_AS_TEXT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StaffLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|false|False)$"),
                                  list("tTfF"))

#: A position inside the data: keys and list indexes, as pydantic reports them.
Loc = Sequence[str | int]


def key_path(loc: Loc) -> str:
    """('sources', 0, 'url') → 'sources[0].url'; (0, 'phone') → '[0].phone'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class YamlFile:
    """The data of one file (None when unreadable), the line of each key path, the problems."""

    path: Path
    data: Any = None
    #: "[0]" → line of the first list item, "[0].phone" → line of its phone key, ...
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, key: str, default: str | None = None) -> int:
        """Line of ``key``, else of ``default`` (e.g. the entry), else 0 (whole file)."""
        if key in self.lines:
            return self.lines[key]
        return self.lines.get(default, 0) if default is not None else 0

    def line_of_loc(self, loc: Loc, fallback: int = 0) -> int:
        """Line of the innermost key of ``loc`` that the file has (a missing key: its parent's)."""
        loc = list(loc)
        while loc:
            key = key_path(loc)
            if key in self.lines:
                return self.lines[key]
            loc.pop()
        return fallback


def read_yaml_file(path: Path, what: str = "file") -> YamlFile:
    """Parse ``path``; a missing file, bad encoding or bad YAML becomes a Problem, not an exception."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return YamlFile(path, problems=[Problem(path, 0, what, "is missing")])
    except UnicodeDecodeError:
        return YamlFile(path, problems=[Problem(path, 0, what, "is not UTF-8 text; save it with UTF-8 encoding")])
    return parse_yaml(text, path, what=what)


def parse_yaml(text: str, path: Path, first_line: int = 1, what: str = "file") -> YamlFile:
    """Parse ``text`` (which starts on file line ``first_line``); problems are reported as ``what``."""
    result = YamlFile(Path(path))
    loader = StaffLoader(text)
    try:
        node = loader.get_single_node()
        result.data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        line, message = explain_yaml_error(exc, text.splitlines(), first_line)
        result.problems.append(Problem(result.path, line, what, message))
        result.data = None
        return result
    finally:
        loader.dispose()
    if node is not None:
        _collect_lines(node, "", result, first_line)
    return result


def _collect_lines(node: yaml.Node, prefix: str, result: YamlFile, first_line: int) -> None:
    """Record the file line of every mapping key and list item below ``node``; report repeated keys."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            line = key_node.start_mark.line + first_line
            if key in seen:
                # An entry of a top-level list is named by its field alone ("phone", not "[3].phone").
                shown = re.sub(r"^\[\d+\]\.", "", key)
                result.problems.append(Problem(result.path, line, shown,
                                               f"appears twice (first on line {seen[key]}); keep one"))
                continue
            seen[key] = line
            result.lines[key] = line
            _collect_lines(value_node, key, result, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = f"{prefix}[{index}]"
            result.lines[key] = item.start_mark.line + first_line
            _collect_lines(item, key, result, first_line)


# --- YAML errors in plain words ------------------------------------------------------------

_QUOTE_HINT = "put the whole value in quotes"
_GENERAL_HINT = ("look for a missing ':' after a field name, a quotation mark or bracket that is "
                 "never closed, or indentation that does not match the lines above")


def explain_yaml_error(exc: yaml.YAMLError, lines: list[str], first_line: int = 1) -> tuple[int, str]:
    """(file line, what to do) for a YAML error in text whose first line is file line ``first_line``."""
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    line_index = problem_mark.line if problem_mark else (context_mark.line if context_mark else 0)
    opened_index = context_mark.line if context_mark else line_index

    def at(index: int) -> int:
        return index + first_line

    def value_on(index: int) -> str:
        text = lines[index] if 0 <= index < len(lines) else ""
        match = re.match(r"^\s*(?:-\s+)?[^\s:#][^:#]*:\s+(.*)$", text)
        return (match.group(1) if match else text.strip()).strip()

    for index in (line_index, opened_index):
        if value_on(index).startswith("{{"):
            return at(index), ("a value that starts with {{fact:…}} must be written in quotes: "
                               f"'{{{{fact:…}}}} …' ({_QUOTE_HINT})")
    if "mapping values are not allowed" in problem:
        text = lines[line_index] if 0 <= line_index < len(lines) else ""
        starts_field = re.match(r"^\s*(?:-\s+)?[^\s:#][^:#]*:(?:\s|$)", text)
        if starts_field and problem_mark is not None and problem_mark.column == text.index(":"):
            # The line's own "field:" is the colon in the way: it is read as part of the value above.
            return at(line_index), ("this field cannot start here: line it up exactly with the fields above "
                                    "it (same number of spaces), or, if the line above has no ':' after its "
                                    "field name, add it there")
        return at(line_index), f"the text contains a colon (:) followed by a space — {_QUOTE_HINT}"
    if "mapping keys are not allowed" in problem:
        return at(line_index), f"a value cannot start with '? ' — {_QUOTE_HINT}"
    if "could not find expected ':'" in problem:
        return at(opened_index), ("this line has no ':' after its field name (or the line is meant to "
                                  "continue the value above: indent it like that value)")
    if "flow sequence" in context:
        return at(opened_index), ("the list in brackets [ ] that starts on this line is not closed with ']' "
                                  "(an entry that contains a colon or a comma needs quotes)")
    if "flow mapping" in context:
        return at(opened_index), ("the brace { that starts on this line is not closed with '}'; "
                                  f"if the value simply starts with a brace, {_QUOTE_HINT}")
    if "quoted scalar" in context and "end of stream" in problem:
        return at(opened_index), ("the quotation mark that opens on this line is never closed: "
                                  "add the closing quotation mark")
    if "escape character" in problem:
        return at(line_index), ("a backslash (\\) inside double quotes: use single quotes ' ' around "
                                "this value instead")
    if "'\\t'" in problem or "tab" in problem:
        return at(line_index), "the line contains a tab character; indent with spaces only"
    found = re.search(r"found character(?: '(.)')? that cannot start any token", problem)
    if found or "while scanning an alias" in context or "while scanning an anchor" in context:
        char = (found and found.group(1)) or value_on(line_index)[:1]
        return at(line_index), f"a value cannot start with '{char}' — {_QUOTE_HINT}"
    if "constructor for the tag" in problem:
        return at(line_index), f"a value cannot start with '!' — {_QUOTE_HINT}"
    if "block scalar" in context:
        return at(line_index), ("a value that starts with '>' or '|' must continue on the next lines, "
                                f"indented; if the '>' or '|' is part of the text, {_QUOTE_HINT}")
    if "but found '<scalar>'" in problem or ("expected key" in problem and value_on(line_index)[:1] in "\"'[{"):
        return at(line_index), ("the value goes on after a closing quotation mark or bracket — "
                                f"{_QUOTE_HINT}, e.g. title: '\"Blaue Karte\" für Fachkräfte'")
    if any(words in problem for words in ("expected <block end>", "expected '-' indicator", "expected key")):
        return at(line_index), ("the indentation does not match the lines above: line this line up "
                                "exactly with the field names (or list items) it belongs to, using spaces")
    if "another document" in problem:
        return at(line_index), "a second line '---' in the middle: remove it (or write the text as a value)"
    if "unhashable key" in problem:
        return at(line_index), f"a value cannot start with a bracket or brace — {_QUOTE_HINT}"
    detail = problem or context or str(exc)
    return at(line_index), f"cannot be read as YAML ({detail}): {_GENERAL_HINT}"
