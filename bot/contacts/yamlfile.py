"""Read a staff-edited YAML file and remember the line of every key and list item."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from bot.knowledge.articles import Problem


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates and times as text, so a bad one is reported, not guessed."""


_KEPT_AS_TEXT = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                 "tag:yaml.org,2002:bool")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _KEPT_AS_TEXT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Numbers stay text too, so a district code 15085 and a time 9:30 are read exactly as written;
# only true/false are yes-no values (YAML 1.1 would also turn "no", "on" or "y" into one).
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|false|False)$"),
                              list("tTfF"))


@dataclass
class YamlFile:
    """The data of one file (None when unreadable), the line of each key path, the problems."""

    path: Path
    data: Any = None
    #: "[0]" → line of the first list item, "[0].phone" → line of its phone key, ...
    lines: Dict[str, int] = field(default_factory=dict)
    problems: List[Problem] = field(default_factory=list)

    def line_of(self, key: str, default: Optional[str] = None) -> int:
        """Line of ``key``, else of ``default`` (e.g. the entry), else 0 (whole file)."""
        if key in self.lines:
            return self.lines[key]
        return self.lines.get(default, 0) if default is not None else 0


def read_yaml_file(path: Path) -> YamlFile:
    """Parse ``path``; a missing file, bad encoding or bad YAML becomes a Problem, not an exception."""
    path = Path(path)
    result = YamlFile(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        result.problems.append(Problem(path, 0, "file", "is missing"))
        return result
    except UnicodeDecodeError:
        result.problems.append(Problem(path, 0, "file", "is not UTF-8 text; save it with UTF-8 encoding"))
        return result
    try:
        node = yaml.compose(text, Loader=_Loader)
        result.data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        result.problems.append(Problem(path, mark.line + 1 if mark else 0, "file",
                                       f"is not valid YAML: {exc.problem or exc.context}"))
        return result
    except yaml.YAMLError as exc:
        result.problems.append(Problem(path, 0, "file", f"is not valid YAML: {exc}"))
        return result
    if node is not None:
        _collect_lines(node, "", result)
    return result


def _collect_lines(node: yaml.Node, prefix: str, result: YamlFile) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: Dict[str, int] = {}
        for key_node, value_node in node.value:
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                result.problems.append(Problem(
                    result.path, line, str(key_node.value),
                    f"appears twice in the same entry (first on line {seen[key]}); keep one"))
                continue
            seen[key] = line
            result.lines[key] = line
            _collect_lines(value_node, key, result)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = f"{prefix}[{index}]"
            result.lines[key] = item.start_mark.line + 1
            _collect_lines(item, key, result)
